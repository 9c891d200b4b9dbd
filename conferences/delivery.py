"""Sending the outbox: claim rows under a lease, send them over one SMTP connection, record.

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
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import sanitize_address
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from elyurt.celery import task_wake

from .models import Conference, OutboundMessage

logger = logging.getLogger(__name__)

State = OutboundMessage.State
Kind = OutboundMessage.Kind

# Other apps may hold a message back until something it shows is ready (the Zoom integration: a
# registrant's personal join link). Each is called as hold(messages=[...], now=...) with claimed
# rows and returns {message id: seconds to wait}; it reads what it needs afresh from the
# database and bounds the wait itself. A held row goes back to pending without spending an
# attempt; messages_wake sends it as soon as what it waited for is there.
MESSAGE_HOLDS: list = []


def _setting(name: str, default):
    return getattr(settings, name, default)


def batch_size() -> int:
    return _setting("INVITATIONS_BATCH_SIZE", 50)


def lease_seconds() -> float:
    return _setting("INVITATIONS_LEASE_SECONDS", 300)


def max_attempts() -> int:
    return _setting("INVITATIONS_MAX_ATTEMPTS", 8)


def retry_backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed try: doubling, capped well below the
    broker's visibility timeout so a retry countdown never re-delivers a task."""
    base = _setting("INVITATIONS_RETRY_BACKOFF_SECONDS", 30)
    cap = _setting("INVITATIONS_RETRY_BACKOFF_MAX_SECONDS", 1800)
    return min(base * 2 ** max(attempts - 1, 0), cap)


def messages_queue(*, message_ids: list[int]) -> None:
    """Wake the sender for these rows after the commit, in batches that share a connection."""
    if not message_ids:
        return
    ids = list(message_ids)
    transaction.on_commit(lambda: messages_queue_now(message_ids=ids))


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    postponed: int = 0
    # Seconds until the earliest postponed row may be tried again (None: nothing postponed).
    retry_in: float | None = None


def _claim(message_ids: list[int], now: datetime.datetime) -> list[OutboundMessage]:
    """Lock the claimable rows, mark them in flight with a lease, commit."""
    claimable = Q(state=State.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ) | Q(state=State.SENDING, lease_until__lt=now)
    with transaction.atomic():
        rows = list(
            OutboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(claimable, pk__in=message_ids)
            .order_by("pk")
        )
        if not rows:
            return []
        lease_until = now + datetime.timedelta(seconds=lease_seconds())
        OutboundMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
            state=State.SENDING,
            lease_until=lease_until,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    claimed = list(
        OutboundMessage.objects.filter(pk__in=[r.pk for r in rows], state=State.SENDING)
        .select_related("invitation")
        .order_by("pk")
    )
    return claimed


def _finish(message: OutboundMessage, **fields) -> None:
    # Guarded by the lease we hold: a row re-claimed by someone else after it ran out is theirs.
    OutboundMessage.objects.filter(
        pk=message.pk, state=State.SENDING, lease_until=message.lease_until
    ).update(lease_until=None, updated_at=timezone.now(), **fields)


def _postpone(message: OutboundMessage, error: str) -> float | None:
    if message.attempts >= max_attempts():
        _finish(message, state=State.FAILED, last_error=error[:2000])
        return None
    delay = retry_backoff(message.attempts)
    _finish(
        message,
        state=State.PENDING,
        last_error=error[:2000],
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
    )
    return delay


def _classify(exc: Exception) -> tuple[bool, str]:
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


def _connection_broken(exc: Exception) -> bool:
    """True when the connection is gone (the rest of the batch must wait), False when the
    server answered about this one message."""
    if isinstance(exc, (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)):
        return False
    return isinstance(exc, OSError)  # SMTPServerDisconnected, refused, reset, timeout


def messages_deliver(*, message_ids: list[int]) -> DeliveryReport:
    """Send what is claimable among these rows over one connection; safe to call twice."""
    from .mail import MessageRenderer

    report = DeliveryReport()
    now = timezone.now()
    claimed = _claim(message_ids, now)
    if not claimed:
        return report
    renderer = MessageRenderer()
    conferences = {
        c.pk: c
        for c in Conference.objects.filter(pk__in={m.invitation.conference_id for m in claimed})
    }
    to_send = []
    for message in claimed:
        invitation = message.invitation
        conference = conferences[invitation.conference_id]
        invitation.conference = conference
        if message.kind != Kind.CANCELLATION and (
            invitation.cancelled_at is not None
            or conference.status != Conference.Status.SCHEDULED
            or (
                message.kind in (Kind.REMINDER_24H, Kind.REMINDER_1H)
                # Past, or for a start the conference has since moved from.
                and (conference.starts_at <= now or message.starts_at != conference.starts_at)
            )
        ):
            _finish(message, state=State.SKIPPED)
            report.skipped += 1
            continue
        to_send.append(message)
    to_send = _hold_back(to_send, now, report)
    if not to_send:
        return report

    margin = min(float(_setting("EMAIL_TIMEOUT", 30) or 30), lease_seconds() / 2)
    smtp = get_connection(fail_silently=False)
    remaining = list(to_send)
    try:
        smtp.open()
    except Exception as exc:  # noqa: BLE001 — any failure to connect is transient
        error = _classify(exc)[1]
        logger.warning("SMTP connection failed: %s", error)
        for message in remaining:
            _postpone_into(report, message, error)
        return report
    _async_commit(True)
    try:
        while remaining:
            message = remaining[0]
            if timezone.now() + datetime.timedelta(seconds=margin) > message.lease_until:
                # Our lease is nearly out: stop before the sweeper hands these to someone else.
                for rest in remaining:
                    _finish(rest, state=State.PENDING)
                messages_queue_now(message_ids=[m.pk for m in remaining])
                break
            try:
                email = renderer.build(message=message)
            except Exception as exc:  # noqa: BLE001 — a broken row must not stall the batch
                logger.exception("cannot render outbox row %s", message.pk)
                _finish(message, state=State.FAILED, last_error=f"rendering: {exc!r}"[:2000])
                report.failed += 1
                remaining.pop(0)
                continue
            try:
                _send(smtp, email)
            except Exception as exc:  # noqa: BLE001 — classified below
                permanent, answer = _classify(exc)
                if permanent:
                    _finish(message, state=State.FAILED, last_error=answer[:2000])
                    report.failed += 1
                    remaining.pop(0)
                    continue
                if not _connection_broken(exc):
                    _postpone_into(report, message, answer)  # e.g. 451 greylisting
                    remaining.pop(0)
                    continue
                logger.warning("SMTP connection lost, postponing %d: %s", len(remaining), answer)
                for rest in remaining:
                    _postpone_into(report, rest, answer)
                break
            _mark_sent(message)
            report.sent += 1
            remaining.pop(0)
    finally:
        _async_commit(False)
        try:
            smtp.close()
        except Exception:  # noqa: BLE001 — the server may already be gone
            pass
    return report


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
        _finish(
            message,
            state=State.PENDING,
            attempts=F("attempts") - 1,  # waiting is not a failed try
            next_attempt_at=now + datetime.timedelta(seconds=delay),
        )
        report.postponed += 1
        report.retry_in = delay if report.retry_in is None else min(report.retry_in, delay)
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
        messages_queue(message_ids=ids)
    return ids


def _send(backend, email) -> None:
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


_MARK_SENT = (
    f"UPDATE {OutboundMessage._meta.db_table} SET state = %s, sent_at = %s, updated_at = %s,"
    " lease_until = NULL, last_error = '' WHERE id = %s AND state = %s AND lease_until = %s"
)


def _mark_sent(message: OutboundMessage) -> None:
    """_finish(state=SENT) in one prepared statement: this runs once per message sent."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _MARK_SENT, [State.SENT, now, now, message.pk, State.SENDING, message.lease_until]
        )


def _async_commit(on: bool) -> None:
    """Marking rows sent without waiting for the WAL flush: the row's update is visible to
    every other transaction at once, so a killed worker widens nothing; only a crash of the
    database server itself within its WAL writer delay (about 0.2 s) could lose a `sent` mark
    and let the sweeper send that message again. It saves a disk flush per message."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO %s" % ("off" if on else "DEFAULT"))


def _postpone_into(report: DeliveryReport, message: OutboundMessage, error: str) -> None:
    delay = _postpone(message, error)
    if delay is None:
        report.failed += 1
        return
    report.postponed += 1
    report.retry_in = delay if report.retry_in is None else min(report.retry_in, delay)


def messages_queue_now(*, message_ids: list[int]) -> None:
    """Queue outside any transaction (the rows are already committed)."""
    from .tasks import send_messages_task

    ids = sorted(message_ids)
    size = batch_size()
    for i in range(0, len(ids), size):
        task_wake(send_messages_task, message_ids=ids[i : i + size])


def messages_sweep(*, now: datetime.datetime | None = None) -> int:
    """Re-queue what nobody is working on: leases that ran out (a killed worker) and pending
    rows due but untouched for a while (a lost broker message). Returns how many."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=_setting("INVITATIONS_REQUEUE_AFTER_SECONDS", 120))
    with transaction.atomic():
        expired = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(state=State.SENDING, lease_until__lt=now)
            .values_list("pk", flat=True)
        )
        OutboundMessage.objects.filter(pk__in=expired).update(
            state=State.PENDING, lease_until=None, updated_at=now
        )
        forgotten = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING, updated_at__lt=stale)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .values_list("pk", flat=True)
        )
        OutboundMessage.objects.filter(pk__in=forgotten).update(updated_at=now)
    ids = expired + forgotten
    if ids:
        logger.info("sweeper: %d expired leases, %d forgotten rows", len(expired), len(forgotten))
        messages_queue_now(message_ids=ids)
    return len(ids)
