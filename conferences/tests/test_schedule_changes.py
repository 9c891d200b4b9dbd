"""What people are sent when a conference comes back after a cancellation or moves after a
reminder went out. Tasks run in process; the in-memory outbox holds what was sent."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from conferences import delivery
from conferences.invitations import invitation_cancel, invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, OutboundMessage
from conferences.reminders import reminders_queue
from conferences.services import conference_set_status, conference_update
from conferences.tokens import invitation_token

pytestmark = pytest.mark.django_db
Kind = OutboundMessage.Kind
State = OutboundMessage.State
S = Conference.Status
UTC = datetime.UTC


def _invite(conference, capture, *emails, execute=True):
    with capture(execute=execute):
        return invitations_add(
            conference=conference,
            invitees=[Invitee(name=e.split("@")[0], email=e, language="en") for e in emails],
            source="manual",
        )


def _set_status(conference, capture, *statuses, execute=True):
    for status in statuses:
        with capture(execute=execute):
            conference_set_status(conference=conference, status=status)


def _calendar(message):
    [(filename, content, mimetype)] = message.attachments
    assert filename == "invite.ics"
    cal = icalendar.Calendar.from_ical(content)
    [event] = cal.walk("VEVENT")
    return mimetype, cal, event


def _sent():
    """(recipient, subject prefix, METHOD, SEQUENCE) of each mail, in the order sent."""
    rows = []
    for message in mail.outbox:
        _mimetype, cal, event = _calendar(message)
        rows.append(
            (message.to[0], message.subject.split(":")[0], cal["METHOD"], event["SEQUENCE"])
        )
    return rows


# --- a cancelled conference scheduled again ------------------------------------------------------


def test_reopened_conference_sends_everyone_still_invited_a_newer_request(
    scheduled_conference, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    invitations = _invite(scheduled_conference, capture, "a@x.org", "b@x.org", "c@x.org")
    with capture(execute=True):
        invitation_cancel(invitation=invitations[2])
    _set_status(scheduled_conference, capture, S.CANCELLED)
    # Back to draft: nothing is on yet, so nobody hears anything.
    _set_status(scheduled_conference, capture, S.DRAFT)
    assert len(mail.outbox) == 6
    _set_status(scheduled_conference, capture, S.SCHEDULED)

    assert _sent() == [
        ("a@x.org", "Invitation", "REQUEST", 0),
        ("b@x.org", "Invitation", "REQUEST", 0),
        ("c@x.org", "Invitation", "REQUEST", 0),
        ("c@x.org", "Cancelled", "CANCEL", 1),  # above the REQUEST c holds
        ("a@x.org", "Cancelled", "CANCEL", 2),
        ("b@x.org", "Cancelled", "CANCEL", 2),
        ("a@x.org", "On again", "REQUEST", 3),
        ("b@x.org", "On again", "REQUEST", 3),
    ]
    message = mail.outbox[6]
    assert message.subject == f"On again: {scheduled_conference.title}"
    assert message.body.startswith(
        "Dear a,\n\nThe videoconference you are invited to was cancelled, but it will take "
        "place after all. Here are its details.\n"
    )
    token = invitation_token(invitation=invitations[0])
    assert f"/i/{scheduled_conference.external_id}/{token}/" in message.body
    mimetype, _cal, event = _calendar(message)
    assert mimetype == "text/calendar; method=REQUEST"
    assert (event["UID"], event["STATUS"]) == (scheduled_conference.calendar_uid, "CONFIRMED")
    assert event.decoded("DTSTART") == datetime.datetime(2030, 3, 14, 5, 0, tzinfo=UTC)
    assert sorted(
        OutboundMessage.objects.filter(kind=Kind.REINSTATEMENT).values_list(
            "invitation__email", "sequence", "state"
        )
    ) == [("a@x.org", 3, State.SENT), ("b@x.org", 3, State.SENT)]
    scheduled_conference.refresh_from_db()
    assert scheduled_conference.sequence == 3

    # Cancelled once more: the CANCEL outranks the reinstatement.
    _set_status(scheduled_conference, capture, S.CANCELLED)
    assert _sent()[8:] == [
        ("a@x.org", "Cancelled", "CANCEL", 4),
        ("b@x.org", "Cancelled", "CANCEL", 4),
    ]


def test_moved_while_a_draft_then_scheduled_sends_one_request_with_the_new_time(
    scheduled_conference, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _invite(scheduled_conference, capture, "a@x.org")
    _set_status(scheduled_conference, capture, S.CANCELLED, S.DRAFT)
    new_start = datetime.datetime(2030, 3, 21, 9, 0, tzinfo=UTC)
    with capture(execute=True):
        conference_update(conference=scheduled_conference, starts_at=new_start)
    assert len(mail.outbox) == 2  # the invitation and the CANCEL; a draft sends no update
    _set_status(scheduled_conference, capture, S.SCHEDULED)

    assert _sent() == [
        ("a@x.org", "Invitation", "REQUEST", 0),
        ("a@x.org", "Cancelled", "CANCEL", 1),
        ("a@x.org", "On again", "REQUEST", 2),
    ]
    _mimetype, _cal, event = _calendar(mail.outbox[2])
    assert event.decoded("DTSTART") == new_start
    assert "21 March 2030, 14:00 (UTC+05)" in mail.outbox[2].body
    assert OutboundMessage.objects.filter(kind=Kind.UPDATE).count() == 0


def test_reopening_drops_an_unsent_cancel_and_sends_a_dropped_invitation(
    scheduled_conference, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _invite(scheduled_conference, capture, "mailed@x.org", "bounced@x.org")
    _invite(scheduled_conference, capture, "waiting@x.org", execute=False)  # not yet sent
    # Cancelled, and scheduled again before the CANCELs went out; one of them had failed.
    _set_status(scheduled_conference, capture, S.CANCELLED, S.DRAFT, execute=False)
    OutboundMessage.objects.filter(
        invitation__email="bounced@x.org", kind=Kind.CANCELLATION
    ).update(state=State.FAILED, attempts=1, last_error="552 mailbox full")
    assert sorted(OutboundMessage.objects.values_list("invitation__email", "kind", "state")) == [
        ("bounced@x.org", Kind.CANCELLATION, State.FAILED),
        ("bounced@x.org", Kind.INVITATION, State.SENT),
        ("mailed@x.org", Kind.CANCELLATION, State.PENDING),
        ("mailed@x.org", Kind.INVITATION, State.SENT),
        ("waiting@x.org", Kind.INVITATION, State.SKIPPED),
    ]
    _set_status(scheduled_conference, capture, S.SCHEDULED)

    assert sorted(_sent()) == [
        ("bounced@x.org", "Invitation", "REQUEST", 0),
        ("bounced@x.org", "On again", "REQUEST", 2),
        ("mailed@x.org", "Invitation", "REQUEST", 0),
        ("mailed@x.org", "On again", "REQUEST", 2),
        ("waiting@x.org", "Invitation", "REQUEST", 2),
    ]
    assert sorted(OutboundMessage.objects.values_list("invitation__email", "kind", "state")) == [
        ("bounced@x.org", Kind.CANCELLATION, State.SKIPPED),
        ("bounced@x.org", Kind.INVITATION, State.SENT),
        ("bounced@x.org", Kind.REINSTATEMENT, State.SENT),
        ("mailed@x.org", Kind.CANCELLATION, State.SKIPPED),
        ("mailed@x.org", Kind.INVITATION, State.SENT),
        ("mailed@x.org", Kind.REINSTATEMENT, State.SENT),
        ("waiting@x.org", Kind.INVITATION, State.SENT),
    ]


def test_a_conference_scheduled_for_the_first_time_sends_nothing(
    django_capture_on_commit_callbacks,
):
    from .factories import ConferenceFactory

    conference = ConferenceFactory()
    _set_status(conference, django_capture_on_commit_callbacks, S.SCHEDULED)
    assert (len(mail.outbox), OutboundMessage.objects.count()) == (0, 0)
    conference.refresh_from_db()
    assert conference.sequence == 0


# --- reminders after a move ----------------------------------------------------------------------


@pytest.fixture
def tomorrow(scheduled_conference, django_capture_on_commit_callbacks):
    """A conference 23 hours away; a@x.org was mailed the invitation three days ago."""
    start = timezone.now() + datetime.timedelta(hours=23)
    conference_update(conference=scheduled_conference, starts_at=start)
    _invite(scheduled_conference, django_capture_on_commit_callbacks, "a@x.org")
    OutboundMessage.objects.update(sent_at=start - datetime.timedelta(days=3))
    return scheduled_conference


def _reminders():
    return sorted(
        OutboundMessage.objects.filter(kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H]).values_list(
            "kind", "starts_at", "state"
        )
    )


def _subjects():
    return [message.subject.split(":")[0] for message in mail.outbox]


def test_a_moved_conference_reminds_again_once_for_its_new_start(
    tomorrow, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    old_start = tomorrow.starts_at
    with capture(execute=True):
        assert reminders_queue() == 1
    new_start = old_start + datetime.timedelta(days=2)
    with capture(execute=True):
        conference_update(conference=tomorrow, starts_at=new_start)
    assert reminders_queue() == 0  # the new start is three days away

    day_before = new_start - datetime.timedelta(hours=23)
    with capture(execute=True):
        assert reminders_queue(now=day_before) == 1
    assert reminders_queue(now=day_before) == 0
    # A new title raises the calendar sequence but is the same start: no second reminder.
    with capture(execute=True):
        conference_update(conference=tomorrow, title="A new topic")
    assert reminders_queue(now=day_before + datetime.timedelta(hours=1)) == 0
    with capture(execute=True):
        assert reminders_queue(now=new_start - datetime.timedelta(minutes=30)) == 1
    assert reminders_queue(now=new_start - datetime.timedelta(minutes=20)) == 0

    assert _subjects() == [
        "Invitation",
        "Tomorrow",
        "Changed",
        "Tomorrow",
        "Changed",
        "In one hour",
    ]
    assert _reminders() == [
        (Kind.REMINDER_1H, new_start, State.SENT),
        (Kind.REMINDER_24H, old_start, State.SENT),
        (Kind.REMINDER_24H, new_start, State.SENT),
    ]
    # The second 24-hour reminder tells the new time (UTC+05 is the invitee's default zone).
    local = new_start.astimezone(datetime.timezone(datetime.timedelta(hours=5)))
    assert f"{local:%H:%M} (UTC+05)" in mail.outbox[3].body
    assert not mail.outbox[3].attachments


def test_a_reminder_waiting_when_the_conference_moves_is_never_sent(
    tomorrow, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    old_start = tomorrow.starts_at
    with capture(execute=False):
        assert reminders_queue() == 1  # recorded, its task not yet run
    [waiting] = OutboundMessage.objects.filter(kind=Kind.REMINDER_24H)
    new_start = old_start + datetime.timedelta(days=2)
    with capture(execute=True):
        conference_update(conference=tomorrow, starts_at=new_start)

    report = delivery.messages_deliver(message_ids=[waiting.pk])
    assert (report.sent, report.skipped) == (0, 1)
    assert _subjects() == ["Invitation", "Changed"]
    with capture(execute=True):
        assert reminders_queue(now=new_start - datetime.timedelta(hours=23)) == 1
    assert _subjects() == ["Invitation", "Changed", "Tomorrow"]
    assert _reminders() == [
        (Kind.REMINDER_24H, old_start, State.SKIPPED),
        (Kind.REMINDER_24H, new_start, State.SENT),
    ]


def test_moved_within_the_last_day_the_update_stands_for_the_24_hour_reminder(
    tomorrow, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    old_start = tomorrow.starts_at
    with capture(execute=True):
        assert reminders_queue() == 1
    new_start = old_start - datetime.timedelta(hours=3)  # 20 hours from now
    with capture(execute=True):
        conference_update(conference=tomorrow, starts_at=new_start)
    assert reminders_queue() == 0
    with capture(execute=True):
        assert reminders_queue(now=new_start - datetime.timedelta(minutes=30)) == 1

    assert _subjects() == ["Invitation", "Tomorrow", "Changed", "In one hour"]
    assert _reminders() == [
        (Kind.REMINDER_1H, new_start, State.SENT),
        (Kind.REMINDER_24H, old_start, State.SENT),
    ]


def test_the_database_refuses_a_second_reminder_for_the_same_start(tomorrow):
    from django.db import IntegrityError, transaction

    invitation = tomorrow.invitations.get()
    fields = {"invitation": invitation, "kind": Kind.REMINDER_1H, "starts_at": tomorrow.starts_at}
    OutboundMessage.objects.create(sequence=1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboundMessage.objects.create(sequence=2, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboundMessage.objects.create(invitation=invitation, kind=Kind.REMINDER_24H)
