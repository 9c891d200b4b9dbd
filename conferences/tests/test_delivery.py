"""The outbox sender against a real SMTP server on localhost, tasks run in process."""

import datetime

import pytest
from django.utils import timezone

from conferences import delivery, outbox
from conferences.invitations import invitations_add, invitations_resend_failed
from conferences.invitees import Invitee
from conferences.models import Invitation, OutboundMessage
from conferences.reminders import reminders_queue
from conferences.services import conference_update

pytestmark = pytest.mark.django_db
State = OutboundMessage.State
Kind = OutboundMessage.Kind


def _add(conference, emails, send=False, capture=None):
    invitees = [Invitee(name=e.split("@")[0], email=e, language="en") for e in emails]
    if capture is None:
        return invitations_add(conference=conference, invitees=invitees, source="manual", send=send)
    with capture(execute=True):
        return invitations_add(conference=conference, invitees=invitees, source="manual", send=send)


def _queue_invitations(conference):
    invitations = Invitation.objects.filter(conference=conference)
    OutboundMessage.objects.bulk_create(
        [OutboundMessage(invitation=i, kind=Kind.INVITATION) for i in invitations]
    )
    return list(OutboundMessage.objects.order_by("pk").values_list("pk", flat=True))


def _states():
    return dict(OutboundMessage.objects.values_list("invitation__email", "state"))


def test_many_messages_share_one_connection(scheduled_conference, smtp_server, settings):
    settings.INVITATIONS_BATCH_SIZE = 100
    _add(scheduled_conference, [f"p{i}@x.org" for i in range(30)])
    ids = _queue_invitations(scheduled_conference)
    report = delivery.messages_deliver(message_ids=ids)
    assert (report.sent, report.failed, report.postponed) == (30, 0, 0)
    assert smtp_server.handler.sessions == 1
    assert sorted(smtp_server.count_by_recipient().values()) == [1] * 30
    assert set(_states().values()) == {State.SENT}
    # A second run (a redelivered task) finds nothing to send.
    assert delivery.messages_deliver(message_ids=ids).sent == 0
    assert len(smtp_server.received) == 30


def test_permanent_refusal_is_recorded_with_the_server_answer(scheduled_conference, smtp_server):
    smtp_server.handler.refuse["bad@x.org"] = "550 5.1.1 No such user here"
    _add(scheduled_conference, ["good1@x.org", "bad@x.org", "good2@x.org"])
    ids = _queue_invitations(scheduled_conference)
    report = delivery.messages_deliver(message_ids=ids)
    assert (report.sent, report.failed) == (2, 1)
    bad = OutboundMessage.objects.get(invitation__email="bad@x.org")
    assert (bad.state, bad.attempts) == (State.FAILED, 1)
    assert bad.last_error == "bad@x.org: 550 5.1.1 No such user here"
    assert sorted(smtp_server.count_by_recipient()) == ["good1@x.org", "good2@x.org"]


def test_transient_refusal_retries_with_backoff_then_fails_at_the_bound(
    scheduled_conference, smtp_server, settings
):
    settings.INVITATIONS_MAX_ATTEMPTS = 2
    settings.INVITATIONS_RETRY_BACKOFF_SECONDS = 10
    smtp_server.handler.refuse["busy@x.org"] = "451 4.3.0 Try again later"
    _add(scheduled_conference, ["busy@x.org"])
    ids = _queue_invitations(scheduled_conference)
    before = timezone.now()
    report = delivery.messages_deliver(message_ids=ids)
    assert (report.postponed, report.retry_in) == (1, 10)
    row = OutboundMessage.objects.get()
    assert (row.state, row.attempts, row.last_error) == (
        State.PENDING,
        1,
        "busy@x.org: 451 4.3.0 Try again later",
    )
    assert row.next_attempt_at >= before + datetime.timedelta(seconds=10)
    # Not due yet: nothing happens.
    assert delivery.messages_deliver(message_ids=ids).postponed == 0
    OutboundMessage.objects.update(next_attempt_at=timezone.now())
    report = delivery.messages_deliver(message_ids=ids)
    assert (report.failed, report.postponed) == (1, 0)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, 2)
    assert smtp_server.received == []


def test_resend_failed_gives_fresh_attempts(
    scheduled_conference, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.handler.refuse["late@x.org"] = "550 mailbox unavailable"
    _add(
        scheduled_conference, ["late@x.org"], send=True, capture=django_capture_on_commit_callbacks
    )
    assert OutboundMessage.objects.get().state == State.FAILED
    del smtp_server.handler.refuse["late@x.org"]
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_resend_failed(conference=scheduled_conference) == 1
    row = OutboundMessage.objects.get()
    assert (row.state, row.attempts) == (State.SENT, 1)
    assert list(smtp_server.count_by_recipient().items()) == [("late@x.org", 1)]


def test_server_down_postpones_everything_then_it_all_arrives(
    scheduled_conference, smtp_server, settings
):
    settings.INVITATIONS_RETRY_BACKOFF_SECONDS = 5
    _add(scheduled_conference, ["a@x.org", "b@x.org"])
    ids = _queue_invitations(scheduled_conference)
    smtp_server.stop()
    report = delivery.messages_deliver(message_ids=ids)
    assert (report.postponed, report.sent) == (2, 0)
    assert "ConnectionRefusedError" in OutboundMessage.objects.first().last_error
    smtp_server.start()
    OutboundMessage.objects.update(next_attempt_at=timezone.now())
    assert delivery.messages_deliver(message_ids=ids).sent == 2
    assert dict(smtp_server.count_by_recipient()) == {"a@x.org": 1, "b@x.org": 1}


def test_in_flight_rows_are_skipped_and_the_sweeper_takes_expired_leases(
    scheduled_conference, smtp_server, django_capture_on_commit_callbacks
):
    _add(scheduled_conference, ["flying@x.org", "stuck@x.org"])
    ids = _queue_invitations(scheduled_conference)
    now = timezone.now()
    OutboundMessage.objects.filter(invitation__email="flying@x.org").update(
        state=State.SENDING, lease_until=now + datetime.timedelta(minutes=5)
    )
    OutboundMessage.objects.filter(invitation__email="stuck@x.org").update(
        state=State.SENDING, lease_until=now - datetime.timedelta(seconds=1)
    )
    assert delivery.messages_deliver(message_ids=[ids[0]]).sent == 0
    assert outbox.messages_sweep() == 1  # only the expired lease
    assert _states() == {"flying@x.org": State.SENDING, "stuck@x.org": State.SENT}
    assert list(smtp_server.count_by_recipient()) == ["stuck@x.org"]


def test_sweeper_requeues_rows_whose_broker_message_was_lost(
    scheduled_conference, smtp_server, settings
):
    settings.INVITATIONS_REQUEUE_AFTER_SECONDS = 60
    _add(scheduled_conference, ["lost@x.org", "fresh@x.org"])
    _queue_invitations(scheduled_conference)
    OutboundMessage.objects.filter(invitation__email="lost@x.org").update(
        updated_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert outbox.messages_sweep() == 1
    assert _states() == {"lost@x.org": State.SENT, "fresh@x.org": State.PENDING}


def test_reminders_once_per_person_to_accepted_and_silent(
    scheduled_conference, smtp_server, django_capture_on_commit_callbacks
):
    start = timezone.now() + datetime.timedelta(hours=23)
    conference_update(conference=scheduled_conference, starts_at=start)
    _add(scheduled_conference, ["yes@x.org", "no@x.org", "silent@x.org", "late@x.org"])
    ids = _queue_invitations(scheduled_conference)
    delivery.messages_deliver(message_ids=ids)
    long_ago = start - datetime.timedelta(days=3)
    OutboundMessage.objects.exclude(invitation__email="late@x.org").update(sent_at=long_ago)
    Invitation.objects.filter(email="yes@x.org").update(answer="accepted")
    Invitation.objects.filter(email="no@x.org").update(answer="declined")

    # Invited only now: too late for the 24-hour reminder, in time for the 1-hour one.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue() == 2
    assert reminders_queue() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue(now=start - datetime.timedelta(minutes=30)) == 3
    assert reminders_queue(now=start - datetime.timedelta(minutes=20)) == 0
    reminders = OutboundMessage.objects.exclude(kind=Kind.INVITATION)
    assert sorted(reminders.values_list("invitation__email", "kind", "state")) == [
        ("late@x.org", "reminder_1h", "sent"),
        ("silent@x.org", "reminder_1h", "sent"),
        ("silent@x.org", "reminder_24h", "sent"),
        ("yes@x.org", "reminder_1h", "sent"),
        ("yes@x.org", "reminder_24h", "sent"),
    ]
    subjects = sorted(
        r.message()["Subject"] for r in smtp_server.received if r.rcpt == ["yes@x.org"]
    )
    title = scheduled_conference.title
    assert subjects == [f"In one hour: {title}", f"Invitation: {title}", f"Tomorrow: {title}"]


def test_reminder_is_not_sent_after_the_start(scheduled_conference, smtp_server):
    _add(scheduled_conference, ["a@x.org"])
    [invitation] = Invitation.objects.all()
    conference_update(
        conference=scheduled_conference, starts_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    # Recorded for the start it is still for, so only the start being past stops it.
    OutboundMessage.objects.create(
        invitation=invitation, kind=Kind.REMINDER_1H, starts_at=scheduled_conference.starts_at
    )
    ids = list(OutboundMessage.objects.filter(kind=Kind.REMINDER_1H).values_list("pk", flat=True))
    assert delivery.messages_deliver(message_ids=ids).skipped == 1
    assert smtp_server.received == []


def test_what_the_server_receives_is_personal_and_well_formed(scheduled_conference, smtp_server):
    import icalendar

    from conferences.tokens import invitation_token

    invitations = invitations_add(
        conference=scheduled_conference,
        invitees=[
            Invitee(name="Ҳамид <Иргашев> & Co", email="Hamid@X.org", language="en"),
            Invitee(name="Odil\nKattaev", email="odil@x.org", language="en"),
        ],
        source="manual",
        send=False,
    )
    ids = _queue_invitations(scheduled_conference)
    assert delivery.messages_deliver(message_ids=ids).sent == 2
    by_rcpt = {r.rcpt[0]: r.message() for r in smtp_server.received}
    hamid, odil = by_rcpt["Hamid@X.org"], by_rcpt["odil@x.org"]
    assert hamid["To"] == "Hamid@X.org"
    assert hamid["Message-ID"] != odil["Message-ID"]
    text = hamid.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = hamid.get_body(("html",)).get_content()
    # An English reader gets the name in Latin script (elyurt/script_text.py).
    assert text.startswith("Dear Hamid <Irgashev> & Co,\n")
    assert "<p>Dear Hamid &lt;Irgashev&gt; &amp; Co,</p>" in html
    token = invitation_token(invitation=invitations[0])
    link = f"http://localhost:8000/i/{scheduled_conference.external_id}/{token}/"
    assert link in text and link in html
    assert invitation_token(invitation=invitations[1]) in odil.get_body(("plain",)).get_content()
    assert odil.get_body(("plain",)).get_content().startswith("Dear Odil Kattaev,\r\n")
    [part] = [p for p in hamid.walk() if p.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:Hamid@X.org"
    assert event["ATTENDEE"].params["CN"] == "Hamid <Irgashev> & Co"


def test_one_greylisted_address_does_not_hold_back_the_batch(scheduled_conference, smtp_server):
    smtp_server.handler.refuse["grey@x.org"] = "451 4.7.1 Greylisted, try later"
    _add(scheduled_conference, ["a@x.org", "grey@x.org", "b@x.org"])
    report = delivery.messages_deliver(message_ids=_queue_invitations(scheduled_conference))
    assert (report.sent, report.postponed) == (2, 1)
    assert _states() == {"a@x.org": "sent", "grey@x.org": "pending", "b@x.org": "sent"}


def test_the_sending_task_is_acknowledged_late_and_requeued_if_its_worker_dies(settings):
    from conferences.tasks import send_messages_task

    assert (send_messages_task.acks_late, send_messages_task.reject_on_worker_lost) == (True, True)
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    # Retries and backoff stay below the broker's visibility timeout (no redelivered ETAs).
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert outbox.retry_backoff(100) < timeout
    assert {"conferences.sweep_outbox", "conferences.queue_reminders"} <= {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_broker_down_when_sending_keeps_the_rows_for_the_sweeper(
    scheduled_conference, smtp_server, settings, django_capture_on_commit_callbacks, caplog
):
    """The send commits whatever the broker does; the sweeper delivers once it can."""
    from conferences.invitations import invitations_send

    from .live import celery_on_broker

    settings.INVITATIONS_REQUEUE_AFTER_SECONDS = 60
    _add(scheduled_conference, ["a@x.org", "b@x.org"])
    with celery_on_broker("redis://127.0.0.1:1/0"):  # nothing listens on port 1
        with django_capture_on_commit_callbacks(execute=True):
            assert invitations_send(conference=scheduled_conference) == 2
    assert _states() == {"a@x.org": State.PENDING, "b@x.org": State.PENDING}
    assert [r.getMessage().split(":")[0] for r in caplog.records if r.levelname == "WARNING"] == [
        "broker unavailable, conferences.send_messages left to its periodic scan"
    ]
    assert smtp_server.received == []
    OutboundMessage.objects.update(updated_at=timezone.now() - datetime.timedelta(minutes=2))
    assert outbox.messages_sweep() == 2
    assert _states() == {"a@x.org": State.SENT, "b@x.org": State.SENT}
    assert sorted(r.rcpt[0] for r in smtp_server.received) == ["a@x.org", "b@x.org"]


def test_the_console_backend_prints_the_merged_message(scheduled_conference, settings, capsys):
    """The demo's backend: what it prints is the message the SMTP server would receive."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    _add(scheduled_conference, ["console@x.org"])
    ids = _queue_invitations(scheduled_conference)
    report = delivery.messages_deliver(message_ids=ids)
    assert (report.sent, report.postponed, report.failed) == (1, 0, 0)
    assert _states() == {"console@x.org": State.SENT}
    printed = capsys.readouterr().out
    assert "To: console@x.org" in printed
    assert "Content-Type: text/calendar" in printed


@pytest.mark.parametrize("kind", [Kind.REMINDER_24H, Kind.REMINDER_1H])
def test_a_reminder_is_dropped_for_someone_who_declined_after_it_was_recorded(
    scheduled_conference, smtp_server, kind
):
    from conferences.invitations import invitation_answer
    from conferences.tokens import invitation_token

    [invitation] = _add(scheduled_conference, ["a@x.org"])
    message = OutboundMessage.objects.create(
        invitation=invitation, kind=kind, starts_at=scheduled_conference.starts_at
    )
    invitation_answer(token=invitation_token(invitation=invitation), answer="declined")
    report = delivery.messages_deliver(message_ids=[message.pk])
    assert (report.sent, report.skipped) == (0, 1)
    message.refresh_from_db()
    assert message.state == State.SKIPPED
    assert smtp_server.received == []
