import datetime

import icalendar
import pytest
from django.core import mail

from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, OutboundMessage
from conferences.services import conference_update
from experts.tests.factories import ExpertFactory, OrganizationFactory

from .factories import PresentationFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _invite(conference, capture, **fields):
    defaults = {"name": "Odilbek Kattaev", "email": "odilbek@example.org"}
    with capture(execute=True):
        return invitations_add(
            conference=conference, invitees=[Invitee(**{**defaults, **fields})], source="manual"
        )[0]


def _calendar(message):
    [(filename, content, mimetype)] = message.attachments
    assert filename == "invite.ics"
    return mimetype, icalendar.Calendar.from_ical(content)


@pytest.mark.parametrize(
    ("language", "subject", "local", "tashkent"),
    [
        ("en", "Invitation: ", "14 March 2030, 01:00 (UTC-04)", "14 March 2030, 10:00 (UTC+05)"),
        (
            "ru",
            "Приглашение: ",
            "14 марта 2030 г., 01:00 (UTC-04)",
            "14 марта 2030 г., 10:00 (UTC+05)",
        ),
        (
            "uz-Cyrl",
            "Таклифнома: ",
            "2030 йил 14 март, 01:00 (UTC-04)",
            "2030 йил 14 март, 10:00 (UTC+05)",
        ),
        (
            "uz-Latn",
            "Taklifnoma: ",
            "2030-yil 14-mart, 01:00 (UTC-04)",
            "2030-yil 14-mart, 10:00 (UTC+05)",
        ),
    ],
)
def test_invitation_in_the_recipients_language_and_zone(
    scheduled_conference, django_capture_on_commit_callbacks, language, subject, local, tashkent
):
    _invite(
        scheduled_conference,
        django_capture_on_commit_callbacks,
        language=language,
        timezone="America/New_York",
    )
    [message] = mail.outbox
    assert message.subject == subject + scheduled_conference.title
    assert f"(America/New_York): {local}" in message.body
    assert f": {tashkent}" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert local in html and tashkent in html


def test_message_carries_agenda_join_link_and_a_personal_answer_link(
    scheduled_conference, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://portal.example.uz"
    org = OrganizationFactory(name="Hult International Business School")
    presenter = ExpertFactory(
        full_name="Ҳамид Иргашев",
        full_name_latin="Hamid Irgashev",
        position="Assistant professor",
        organization=org,
    )
    PresentationFactory(
        conference=scheduled_conference,
        order=1,
        title="Distance learning in the UK",
        presenter=presenter,
    )
    invitation = _invite(scheduled_conference, django_capture_on_commit_callbacks, language="en")
    [message] = mail.outbox
    # An English reader gets the presenter's stored Latin name (elyurt/script_text.py).
    assert (
        "1. «Distance learning in the UK» — Hamid Irgashev, Assistant professor, "
        "Hult International Business School" in message.body
    )
    assert "https://zoom.example/j/123" in message.body
    prefix = f"https://portal.example.uz/i/{scheduled_conference.external_id}/"
    [link] = [w for w in message.body.split() if w.startswith(prefix)]
    token = link.removeprefix(prefix).rstrip("/")
    assert len(token) == 64
    assert token not in (invitation.token_hash, invitation.token_salt)
    assert message.extra_headers["Message-ID"].startswith("<outbox-")


def test_latin_uzbek_gets_the_presenters_latin_name(
    scheduled_conference, django_capture_on_commit_callbacks
):
    PresentationFactory(
        conference=scheduled_conference,
        order=1,
        title="T",
        presenter=ExpertFactory(full_name="Ҳамид Иргашев", full_name_latin="Hamid Irgashev"),
    )
    _invite(scheduled_conference, django_capture_on_commit_callbacks, language="uz-Latn")
    assert "«T» — Hamid Irgashev" in mail.outbox[0].body


def test_personal_join_link_wins(scheduled_conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [invitation] = invitations_add(
            conference=scheduled_conference,
            invitees=[Invitee(name="A", email="a@x.org", language="en")],
            source="manual",
            send=False,
        )
    invitation.join_url = "https://zoom.example/w/personal"
    invitation.save()
    from conferences.invitations import invitations_send

    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(conference=scheduled_conference)
    assert "https://zoom.example/w/personal" in mail.outbox[0].body
    assert "https://zoom.example/j/123" not in mail.outbox[0].body


def test_ics_request_with_stable_uid_and_sequence(
    scheduled_conference, django_capture_on_commit_callbacks
):
    _invite(scheduled_conference, django_capture_on_commit_callbacks, language="en")
    mimetype, cal = _calendar(mail.outbox[0])
    assert mimetype == "text/calendar; method=REQUEST"
    [event] = cal.walk("VEVENT")
    assert cal["METHOD"] == "REQUEST"
    assert event["UID"] == scheduled_conference.calendar_uid
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime.datetime(2030, 3, 14, 5, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime.datetime(2030, 3, 14, 7, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]) == scheduled_conference.title
    assert str(event["ATTENDEE"]) == "mailto:odilbek@example.org"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"


def test_rescheduling_sends_an_update_with_a_higher_sequence(
    scheduled_conference, django_capture_on_commit_callbacks
):
    _invite(scheduled_conference, django_capture_on_commit_callbacks, language="en")
    new_start = datetime.datetime(2030, 3, 15, 12, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        conference_update(conference=scheduled_conference, starts_at=new_start)
    with django_capture_on_commit_callbacks(execute=True):
        conference_update(conference=scheduled_conference, recording_url="https://r.example/1")
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Invitation", "Changed"]
    _mimetype, cal = _calendar(mail.outbox[1])
    [event] = cal.walk("VEVENT")
    assert event["UID"] == scheduled_conference.calendar_uid
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == new_start
    assert "15 March 2030, 17:00 (UTC+05)" in mail.outbox[1].body


def test_an_unsent_invitation_gets_no_update_but_carries_the_new_time(
    scheduled_conference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        invitations_add(
            conference=scheduled_conference,
            invitees=[Invitee(name="A", email="a@x.org", language="en")],
            source="manual",
        )  # queued but not yet sent
    new_start = datetime.datetime(2030, 3, 15, 12, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        conference_update(conference=scheduled_conference, starts_at=new_start)
    from conferences.invitations import invitations_send

    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(conference=scheduled_conference)
    [message] = mail.outbox
    assert message.subject.startswith("Invitation")
    [event] = _calendar(message)[1].walk("VEVENT")
    assert (event["SEQUENCE"], event.decoded("DTSTART")) == (1, new_start)


def test_cancelling_the_conference_sends_cancel_to_everyone_mailed(
    scheduled_conference, django_capture_on_commit_callbacks
):
    from conferences.services import conference_set_status

    _invite(scheduled_conference, django_capture_on_commit_callbacks, language="en")
    _invite(
        scheduled_conference,
        django_capture_on_commit_callbacks,
        email="second@x.org",
        language="ru",
    )
    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=scheduled_conference, status="cancelled")
    cancels = [m for m in mail.outbox if _calendar(m)[1]["METHOD"] == "CANCEL"]
    assert sorted(m.to[0] for m in cancels) == ["odilbek@example.org", "second@x.org"]
    [event] = _calendar(cancels[0])[1].walk("VEVENT")
    assert (event["SEQUENCE"], event["STATUS"]) == (1, "CANCELLED")
    assert OutboundMessage.objects.filter(kind="cancellation", state="sent").count() == 2


def test_a_stale_copy_saved_back_does_not_reuse_a_sequence(
    scheduled_conference, django_capture_on_commit_callbacks
):
    _invite(scheduled_conference, django_capture_on_commit_callbacks, language="en")
    stale = Conference.objects.get(pk=scheduled_conference.pk)  # sequence 0
    with django_capture_on_commit_callbacks(execute=True):
        conference_update(
            conference=scheduled_conference,
            starts_at=datetime.datetime(2030, 3, 15, 12, 0, tzinfo=UTC),
        )
    with django_capture_on_commit_callbacks(execute=True):
        conference_update(
            conference=stale, starts_at=datetime.datetime(2030, 3, 16, 12, 0, tzinfo=UTC)
        )
    sequences = [_calendar(m)[1].walk("VEVENT")[0]["SEQUENCE"] for m in mail.outbox]
    assert sequences == [0, 1, 2]
