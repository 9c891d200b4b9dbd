"""Text is cleaned at the door, once (elyurt.text): the services refuse a line break in a
one-line field naming it and drop control characters, so the mail headers, the .ics and the
partner API need no guard of their own. Each renderer gets text as it was pasted from Word."""

import datetime

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from conferences.invitations import Invitee, invitations_add
from conferences.models import Conference
from conferences.services import (
    ProgramOrganization,
    ProgramPresentation,
    conference_create,
    conference_set_status,
    conference_update,
)
from dashboard import roles
from experts.services import council_get_or_create, expert_get_or_create, organization_get_or_create
from experts.tests.factories import ExpertFactory
from partners.models import Scope
from partners.services import api_key_create

from .factories import TASHKENT, ConferenceFactory

pytestmark = pytest.mark.django_db

# What Word, Excel and browsers hand over: C0 and C1 controls, DEL, a noncharacter.
DIRT = "\x01\x07\x7f\x9f\ufffe"
LINE_BREAKS = ["\n", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]


def _dirty(text: str) -> str:
    """`text` with every kind of control character in it, but line breaks."""
    return f"{text[:3]}{DIRT}{text[3:]}\x1f"


@pytest.fixture
def conference():
    """A scheduled conference whose every text was given to the services with control
    characters in it."""
    council = council_get_or_create(name=_dirty("International council"))
    presenter = expert_get_or_create(
        name=_dirty("Hamid Irgashev"),
        name_latin=_dirty("Hamid Irgashev"),
        position=_dirty("Assistant professor"),
        organization=organization_get_or_create(name=_dirty("Hult School")),
    )
    conference = conference_create(
        council=council,
        title=_dirty("Credit modules abroad"),
        starts_at=datetime.datetime(2030, 3, 14, 10, 0, tzinfo=TASHKENT),
        join_url="https://zoom.example/j/1" + DIRT,
        meeting_id=_dirty("123 456"),
        passcode=_dirty("secret"),
        platform=Conference.Platform.OTHER,
    )
    conference_update(
        conference=conference,
        organizations=[
            ProgramOrganization(
                organization=organization_get_or_create(name=_dirty("El-yurt umidi")),
                role="organizer",
            )
        ],
        presentations=[
            ProgramPresentation(order=1, title=_dirty("Counting credits"), presenter=presenter)
        ],
    )
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    return conference


def test_the_services_store_the_text_without_control_characters(conference):
    conference.refresh_from_db()
    assert (conference.title, conference.join_url, conference.meeting_id, conference.passcode) == (
        "Credit modules abroad",
        "https://zoom.example/j/1",
        "123 456",
        "secret",
    )
    assert conference.council.name == "International council"
    talk = conference.presentations.select_related("presenter__organization").get()
    assert talk.title == "Counting credits"
    presenter = talk.presenter
    assert (presenter.full_name, presenter.full_name_latin, presenter.position) == (
        "Hamid Irgashev",
        "Hamid Irgashev",
        "Assistant professor",
    )
    assert presenter.organization.name == "Hult School"
    assert conference.organizations.get().name == "El-yurt umidi"


@pytest.mark.parametrize("brk", LINE_BREAKS)
def test_a_line_break_in_a_title_is_refused_naming_it(brk):
    conference = ConferenceFactory(title="Kept")
    with pytest.raises(ValidationError) as exc:
        conference_update(conference=conference, title=f"Credit{brk}modules", passcode="a\nb")
    assert exc.value.message_dict == {
        "title": ["Must be one line: remove the line break (it came with the paste)."],
        "passcode": ["Must be one line: remove the line break (it came with the paste)."],
    }
    with pytest.raises(ValidationError) as exc:
        conference_update(
            conference=conference,
            presentations=[
                ProgramPresentation(order=1, title=f"A{brk}B", presenter=ExpertFactory())
            ],
        )
    assert exc.value.message_dict == {
        "presentations[0].title": [
            "Must be one line: remove the line break (it came with the paste)."
        ]
    }
    conference.refresh_from_db()
    assert conference.title == "Kept"


def test_the_dashboard_refuses_a_title_with_a_line_break_naming_it():
    user = get_user_model().objects.create_user("secretary", password="pw-123456789")
    user.groups.add(Group.objects.get(name=roles.SECRETARY))
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    conference = ConferenceFactory(title="Kept")
    empty = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0"}
    for title in ("Credit\nmodules", "Credit\x0bmodules"):
        response = client.post(
            f"/dashboard/conferences/{conference.pk}/edit/",
            {
                "conference-council": conference.council_id,
                "conference-title": title,
                "conference-language": "en",
                "conference-starts_at": "2030-03-14T10:00",
                "conference-duration_minutes": "120",
                "conference-platform": "other",
                **{f"{p}-{k}": v for p in ("orgs", "agenda") for k, v in empty.items()},
            },
        )
        assert response.status_code == 400
        assert response.context["form"].errors == {
            "title": ["Must be one line: remove the line break (it came with the paste)."]
        }
    conference.refresh_from_db()
    assert conference.title == "Kept"


def test_mail_headers_and_the_ics_carry_the_cleaned_text(
    conference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitations_add(
            conference=conference,
            # Invitee rows are cleaned by the invitations service, tested with it.
            invitees=[Invitee(name="Ann Lee", email="ann@example.org", language="en")],
            source="manual",
        )

    [message] = mail.outbox
    assert message.subject == "Invitation: Credit modules abroad"
    raw = message.message().as_bytes()
    assert not any(chr(c).encode() in raw for c in (1, 7, 0x1F, 0x7F))
    [(_name, content, _type)] = message.attachments
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert event["SUMMARY"] == "Credit modules abroad"
    assert event["LOCATION"] == "https://zoom.example/j/1"
    assert "1. «Counting credits» — Hamid Irgashev" in event["DESCRIPTION"]
    assert "Ann Lee" in event["ATTENDEE"].params["CN"]
    assert not any(c in content for c in DIRT + "\x1f")


def test_the_partner_api_answers_the_cleaned_text(conference):
    _key, raw = api_key_create(
        organization=organization_get_or_create(name="Ministry"),
        name=_dirty("Sync job"),
        scopes=[Scope.CONFERENCES_READ],
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = client.get(f"/api/v1/conferences/{conference.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["council"]["name"]) == (
        "Credit modules abroad",
        "International council",
    )
    assert body["agenda"][0]["title"] == "Counting credits"
    assert body["agenda"][0]["presenter"]["position"] == "Assistant professor"
    assert body["organizations"][0]["name"] == "El-yurt umidi"
    assert not any(c in response.content.decode() for c in DIRT + "\x1f")
    assert not any(f"\\u{ord(c):04x}" in response.content.decode() for c in DIRT + "\x1f")
