"""The calendar identity of a conference: its UID and the SEQUENCE of every message to a person."""

import datetime
import importlib

import icalendar
import pytest
from django.apps import apps
from django.core import mail

from conferences.invitations import invitation_cancel, invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, Invitation, OutboundMessage
from conferences.services import conference_update
from conferences.tokens import invitation_token

from .factories import ConferenceFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _invite(conference, capture, email="odil@x.org"):
    with capture(execute=True):
        return invitations_add(
            conference=conference,
            invitees=[Invitee(name="Odil Kattaev", email=email, language="en")],
            source="manual",
        )[0]


def _events(messages):
    """(METHOD, UID, SEQUENCE) of each message's .ics, in the order they were sent."""
    found = []
    for message in messages:
        [(_filename, content, _mimetype)] = message.attachments
        calendar = icalendar.Calendar.from_ical(content)
        [event] = calendar.walk("VEVENT")
        found.append((str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])))
    return found


def test_the_uid_mailed_first_survives_a_new_site_url(
    scheduled_conference, django_capture_on_commit_callbacks, settings
):
    _invite(scheduled_conference, django_capture_on_commit_callbacks)
    settings.SITE_URL = "https://portal.elyurt.uz"  # the portal moves to its real domain
    with django_capture_on_commit_callbacks(execute=True):
        conference_update(
            conference=scheduled_conference,
            starts_at=datetime.datetime(2030, 3, 15, 12, 0, tzinfo=UTC),
        )
    [(_m, first, _s), (_m2, second, _s2)] = _events(mail.outbox)
    assert first == second == scheduled_conference.calendar_uid
    assert "localhost" not in first and "portal.elyurt.uz" not in first


def test_every_conference_has_its_own_uid(db):
    uids = {ConferenceFactory().calendar_uid for _ in range(3)}
    assert len(uids) == 3


def test_existing_conferences_keep_the_uid_they_were_mailed_with(db, settings):
    migration = importlib.import_module("conferences.migrations.0007_conference_calendar_uid")
    conference = ConferenceFactory()
    Conference.objects.filter(pk=conference.pk).update(calendar_uid="")
    migration.forward(apps, None)
    conference.refresh_from_db()
    assert conference.calendar_uid == f"conference-{conference.pk}@localhost"


def test_a_withdrawal_cancels_above_the_request_it_answers(
    scheduled_conference, django_capture_on_commit_callbacks
):
    invitation = _invite(scheduled_conference, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_cancel(invitation=invitation)
    # Invited again, withdrawn again: each message above the last one mailed.
    _invite(scheduled_conference, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_cancel(invitation=Invitation.objects.get(pk=invitation.pk))
    uid = scheduled_conference.calendar_uid
    assert _events(mail.outbox) == [
        ("REQUEST", uid, 0),
        ("CANCEL", uid, 1),
        ("REQUEST", uid, 2),
        ("CANCEL", uid, 3),
    ]


def test_a_withdrawal_undone_before_its_cancel_went_out_sends_nothing(
    scheduled_conference, django_capture_on_commit_callbacks
):
    invitation = _invite(scheduled_conference, django_capture_on_commit_callbacks)
    invitation_cancel(invitation=invitation)  # its CANCEL is recorded, not sent yet
    _invite(scheduled_conference, django_capture_on_commit_callbacks)
    kinds = OutboundMessage.objects.order_by("pk").values_list("kind", "state")
    assert list(kinds) == [("invitation", "sent"), ("cancellation", "skipped")]
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Invitation"]


def test_a_sequence_written_back_by_a_stale_copy_never_goes_out_lower(
    scheduled_conference, django_capture_on_commit_callbacks
):
    _invite(scheduled_conference, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        conference_update(
            conference=scheduled_conference,
            starts_at=datetime.datetime(2030, 3, 15, 12, 0, tzinfo=UTC),
        )
    # The UPDATE is recorded with SEQUENCE 1; a stale save puts 0 back before it is sent.
    Conference.objects.filter(pk=scheduled_conference.pk).update(sequence=0)
    for callback in callbacks:
        callback()
    assert [event[2] for event in _events(mail.outbox)] == [0, 1]


def test_the_answer_pages_calendar_is_published_with_the_mailed_uid(
    client, scheduled_conference, django_capture_on_commit_callbacks
):
    invitation = _invite(scheduled_conference, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        conference_update(
            conference=scheduled_conference,
            starts_at=datetime.datetime(2030, 3, 15, 12, 0, tzinfo=UTC),
        )
    token = invitation_token(invitation=invitation)
    url = f"/i/{scheduled_conference.external_id}/{token}/calendar.ics"
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "PUBLISH"
    assert (str(event["UID"]), event["SEQUENCE"]) == (scheduled_conference.calendar_uid, 1)
    assert "ATTENDEE" not in event  # RFC 5546 3.2.1: PUBLISH names no attendee
    assert event.decoded("DTSTART") == datetime.datetime(2030, 3, 15, 12, 0, tzinfo=UTC)
