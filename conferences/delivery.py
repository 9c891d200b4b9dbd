"""Sending the outbox: claim rows under a lease, send them over one SMTP connection, finish
each (the transitions are outbox.py's; this module decides which one).

A message is sent at most once outside one window: after the SMTP server accepted it and before
the row's update to `sent` committed. A worker killed exactly there leaves the row `sending`;
when its lease runs out the sweeper re-queues it and the person gets a second copy. Every other
crash point is safe: a claimed row is skipped by every other worker until its lease runs out,
and a row is only ever claimed from `pending` (or `sending` with an expired lease).
"""

from __future__ import annotations

import datetime
import functools
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import sanitize_address
from django.db import connection, transaction
from django.utils import timezone

from . import outbox
from .mail import MessageRenderer
from .models import REMINDER_KINDS, Conference, Invitation, OutboundMessage

logger = logging.getLogger(__name__)

Kind = OutboundMessage.Kind
State = OutboundMessage.State

# Other apps may hold a message back until something it shows is ready (the Zoom integration: a
# registrant's personal join link). Each is called as hold(messages=[...], now=...) with claimed
# rows and returns {message id: seconds to wait}; it reads what it needs afresh from the
# database and bounds the wait itself. A held row goes back to pending without spending an
# attempt; messages_wake sends it as soon as what it waited for is there.
MESSAGE_HOLDS: list = []


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    postponed: int = 0
    # Seconds until the earliest postponed row may be tried again (None: nothing postponed).
    retry_in: float | None = None

    def count_postponed(self, delay: float | None) -> None:
        """A postponed row (`delay` seconds), or a failed one when its attempts ran out (None)."""
        if delay is None:
            self.failed += 1
            return
        self.postponed += 1
        self.retry_in = delay if self.retry_in is None else min(self.retry_in, delay)


def smtp_error_classify(exc: Exception) -> tuple[bool, str]:
    """(permanent, the server's answer) for an error from sending one message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        answer = "; ".join(
            f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        )
        return bool(codes) and all(code >= 500 for code in codes), answer
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error
        text = msg.decode(errors="replace") if isinstance(msg, bytes) else str(msg)
        return exc.smtp_code >= 500, f"{exc.smtp_code} {text}"
    return False, f"{type(exc).__name__}: {exc}"


def smtp_connection_broken(exc: Exception) -> bool:
    """True when the connection is gone (the rest of the batch must wait), False when the
    server answered about this one message."""
    if isinstance(exc, (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)):
        return False
    return isinstance(exc, OSError)  # SMTPServerDisconnected, refused, reset, timeout


def messages_deliver(*, message_ids: list[int]) -> DeliveryReport:
    """Send what is claimable among these rows over one connection; safe to call twice.

    Claim (outbox), drop what is no longer due, let holds put back what must wait, then for
    each row render, send and finish it (outbox: sent, failed or postponed).
    """
    report = DeliveryReport()
    now = timezone.now()
    claimed = outbox.messages_claim(message_ids=message_ids, now=now)
    if not claimed:
        return report
    due = _drop_not_due(claimed, now, report)
    due = _hold_back(due, now, report)
    if due:
        smtp_batch_send(due, report, _invitations_box())
    return report


def _drop_not_due(
    claimed: list[OutboundMessage], now: datetime.datetime, report: DeliveryReport
) -> list[OutboundMessage]:
    """Attach each row's conference (one query a batch) and drop the rows no longer due."""
    conferences = {
        c.pk: c
        for c in Conference.objects.filter(pk__in={m.invitation.conference_id for m in claimed})
    }
    due = []
    for message in claimed:
        message.invitation.conference = conferences[message.invitation.conference_id]
        if _still_due(message, now):
            due.append(message)
        else:
            outbox.message_drop(message=message)
            report.skipped += 1
    return due


def _still_due(message: OutboundMessage, now: datetime.datetime) -> bool:
    """A calendar CANCEL always goes; anything else only to someone still invited to a
    scheduled conference, and a reminder only before the start it announces and not to someone
    who has declined since it was recorded (the answer as the claim read it)."""
    if message.kind == Kind.CANCELLATION:
        return True
    invitation = message.invitation
    conference = invitation.conference
    if invitation.cancelled_at is not None or conference.status != Conference.Status.SCHEDULED:
        return False
    if message.kind in REMINDER_KINDS:
        if invitation.answer == Invitation.Answer.DECLINED:
            return False
        # Past, or for a start the conference has since moved from.
        return conference.starts_at > now and message.starts_at == conference.starts_at
    return True


@dataclass(frozen=True)
class SmtpOutbox:
    """What smtp_batch_send needs of one outbox: how to build a claimed row's email, and the
    outbox's own transitions for it (each acts only while the row holds its lease)."""

    build: Callable  # (row) -> EmailMessage; an exception fails the row for good
    finish_sent: Callable  # (row) -> None
    finish_failed: Callable  # (row, error) -> None
    postpone: Callable  # (row, error) -> seconds to wait, or None when it failed
    hand_back: Callable  # (rows) -> None: back to pending for the next worker, woken


def smtp_batch_send(rows: list, report: DeliveryReport, box: SmtpOutbox) -> None:
    """Build, send and finish each claimed row over one SMTP connection, in order: the
    invitations' outbox and the letters' share this. A connection that cannot be opened or is
    lost postpones the rest; a lease nearly out hands the rest back."""
    smtp = get_connection(fail_silently=False)
    try:
        smtp.open()
    except Exception as exc:  # noqa: BLE001 — any failure to connect is transient
        error = smtp_error_classify(exc)[1]
        logger.warning("SMTP connection failed: %s", error)
        for row in rows:
            report.count_postponed(box.postpone(row, error))
        return
    margin = min(float(getattr(settings, "EMAIL_TIMEOUT", 30) or 30), outbox.lease_seconds() / 2)
    async_commit(True)
    try:
        for index, row in enumerate(rows):
            if timezone.now() + datetime.timedelta(seconds=margin) > row.lease_until:
                # Our lease is nearly out: stop before the sweeper hands these to someone else.
                box.hand_back(rows[index:])
                return
            broken = _deliver_one(smtp, row, report, box)
            if broken is not None:
                logger.warning("SMTP connection lost, postponing %d: %s", len(rows) - index, broken)
                for rest in rows[index:]:
                    report.count_postponed(box.postpone(rest, broken))
                return
    finally:
        async_commit(False)
        try:
            smtp.close()
        except Exception:  # noqa: BLE001 — the server may already be gone
            pass


def _deliver_one(smtp, row, report: DeliveryReport, box: SmtpOutbox) -> str | None:
    """Build, send and finish one row. Returns the error when the connection is gone (the
    row is left claimed for the caller to postpone with the rest), None otherwise."""
    try:
        email = box.build(row)
    except Exception as exc:  # noqa: BLE001 — a broken row must not stall the batch
        logger.exception("cannot render outbox row %s", row.pk)
        box.finish_failed(row, f"rendering: {exc!r}")
        report.failed += 1
        return None
    try:
        smtp_send(smtp, email)
    except Exception as exc:  # noqa: BLE001 — classified below
        permanent, answer = smtp_error_classify(exc)
        if permanent:
            box.finish_failed(row, answer)
            report.failed += 1
        elif smtp_connection_broken(exc):
            return answer
        else:  # e.g. 451 greylisting: this address waits, the batch goes on
            report.count_postponed(box.postpone(row, answer))
        return None
    box.finish_sent(row)
    report.sent += 1
    return None


def _invitations_box() -> SmtpOutbox:
    """The invitations' outbox for smtp_batch_send, with a renderer for this batch."""
    renderer = MessageRenderer()
    return SmtpOutbox(
        build=lambda message: renderer.build(message=message),
        finish_sent=lambda message: outbox.message_finish_sent(message=message),
        finish_failed=lambda message, error: outbox.message_finish_failed(
            message=message, error=error
        ),
        postpone=lambda message, error: outbox.message_postpone(message=message, error=error),
        hand_back=lambda messages: outbox.messages_hand_back(messages=messages),
    )


def _holds(messages: list[OutboundMessage], now: datetime.datetime) -> dict[int, float]:
    held: dict[int, float] = {}
    for hold in MESSAGE_HOLDS:
        for pk, seconds in hold(messages=messages, now=now).items():
            held[pk] = max(seconds, held.get(pk, 0))
    return held


def _hold_back(
    messages: list[OutboundMessage], now: datetime.datetime, report: DeliveryReport
) -> list[OutboundMessage]:
    """Put back the rows a hold asks to wait; return the others."""
    held = _holds(messages, now) if MESSAGE_HOLDS and messages else {}
    if not held:
        return messages
    waiting = [m for m in messages if m.pk in held]
    for message in waiting:
        delay = held[message.pk]
        outbox.message_hold_back(message=message, until=now + datetime.timedelta(seconds=delay))
        report.count_postponed(delay)
    # What a row waited for may have arrived after the hold read it and before the row was back
    # in pending, when messages_wake found it in flight and passed it by: ask once more.
    ready = [m.invitation_id for m in waiting if m.pk not in _holds(waiting, timezone.now())]
    if ready:
        messages_wake(invitation_ids=ready)
    return [m for m in messages if m.pk not in held]


def messages_wake(*, invitation_ids: list[int]) -> list[int]:
    """Send the pending messages of these invitations now: what they were held for is there.

    Clears their next attempt time, so a row waiting out an SMTP backoff goes early too (one
    early try; its attempts stay counted). Queued after commit; returns the row ids.
    """
    with transaction.atomic():
        pending = OutboundMessage.objects.filter(
            invitation_id__in=invitation_ids, state=State.PENDING
        )
        ids = list(pending.values_list("pk", flat=True))
        OutboundMessage.objects.filter(pk__in=ids).update(
            next_attempt_at=None, updated_at=timezone.now()
        )
        outbox.messages_queue(message_ids=ids)
    return ids


def smtp_send(backend, email) -> None:
    """Hand the merged bytes straight to smtplib when the backend is an open SMTP connection
    (what Django's backend would do, minus re-parsing the addresses of every message);
    any other backend (console, the tests' in-memory one) gets the message object."""
    raw = getattr(email, "raw", b"")
    client = getattr(backend, "connection", None)
    if raw and isinstance(client, smtplib.SMTP):
        recipients = [to if to.isascii() else sanitize_address(to, "utf-8") for to in email.to]
        client.sendmail(_envelope_from(email.from_email), recipients, raw)
    else:
        backend.send_messages([email])


@functools.lru_cache(maxsize=8)
def _envelope_from(from_email: str) -> str:
    return sanitize_address(from_email, "utf-8")


def async_commit(on: bool) -> None:
    """Marking rows sent without waiting for the WAL flush: the row's update is visible to
    every other transaction at once, so a killed worker widens nothing; only a crash of the
    database server itself within its WAL writer delay (about 0.2 s) could lose a `sent` mark
    and let the sweeper send that message again. It saves a disk flush per message."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO %s" % ("off" if on else "DEFAULT"))
