"""The outbox's one owner: the only code that changes `OutboundMessage.state`.

Every change of state is one of the named transitions in TRANSITIONS, made by `_move`, which
updates only the rows still in one of the transition's source states (so a transition that
lost a race changes nothing). Everything else (invitations, reminders, delivery) calls the
functions below; tests/test_outbox.py fails on any other write of the state.

    pending ──claim──▶ sending ──finish_sent──▶ sent
    sending ──finish_failed──▶ failed            (refused for good, unrenderable, attempts spent)
    sending ──postpone | hold_back | hand_back | sweep──▶ pending
    sending ──drop──▶ skipped                    (claimed, but no longer due)
    pending ──skip──▶ skipped                    (withdrawn, conference cancelled)
    pending | failed ──retract──▶ skipped        (a cancellation that is no longer true)
    skipped ──revive──▶ pending                  (invited again, conference scheduled again)
    failed ──retry_failed──▶ pending             (staff resend)

A row is created `pending` (messages_record); `sent` is final. The functions that take one
claimed message act only while the row still holds that message's lease: a row whose lease ran
out and was claimed by another worker is that worker's.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from elyurt.celery import task_after_commit, task_wake

from .models import REMINDER_KINDS, Invitation, OutboundMessage

logger = logging.getLogger(__name__)

State = OutboundMessage.State
Kind = OutboundMessage.Kind

# name: (the states a row may be in, the state it goes to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # A due pending row, or a row whose worker's lease ran out, is taken by a worker.
    "claim": ((State.PENDING, State.SENDING), State.SENDING),
    "finish_sent": ((State.SENDING,), State.SENT),
    "finish_failed": ((State.SENDING,), State.FAILED),
    # A transient error: back with a backoff, one attempt spent.
    "postpone": ((State.SENDING,), State.PENDING),
    # Another app asks to wait (a personal join link to come): back, no attempt spent.
    "hold_back": ((State.SENDING,), State.PENDING),
    # The worker's lease is nearly out: back for the next worker before the sweeper races it.
    "hand_back": ((State.SENDING,), State.PENDING),
    # The lease ran out (a killed worker): back for someone else.
    "sweep": ((State.SENDING,), State.PENDING),
    # Claimed, but the invitation was withdrawn, the conference is off or the reminder is moot.
    "drop": ((State.SENDING,), State.SKIPPED),
    # Not sent yet and no longer wanted: the invitation was withdrawn, the conference cancelled.
    "skip": ((State.PENDING,), State.SKIPPED),
    # A calendar CANCEL waiting or failed when the conference is scheduled again.
    "retract": ((State.PENDING, State.FAILED), State.SKIPPED),
    # A skipped invitation wanted again: invited again, the conference scheduled again.
    "revive": ((State.SKIPPED,), State.PENDING),
    # Staff resend what failed, with a fresh set of attempts.
    "retry_failed": ((State.FAILED,), State.PENDING),
}
# Every (from, to) pair the outbox allows.
ALLOWED = frozenset(
    (source, target) for sources, target in TRANSITIONS.values() for source in sources
)
ERROR_MAX = 2000  # characters of an SMTP answer or exception kept on the row


def _setting(name: str, default):
    return getattr(settings, name, default)


def batch_size() -> int:
    """Messages per sending task (sent over one SMTP connection)."""
    return _setting("INVITATIONS_BATCH_SIZE", 50)


def lease_seconds() -> float:
    """How long a claimed row is left to its worker."""
    return _setting("INVITATIONS_LEASE_SECONDS", 300)


def max_attempts() -> int:
    return _setting("INVITATIONS_MAX_ATTEMPTS", 8)


def retry_backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed try: doubling, capped well below the
    broker's visibility timeout so a retry countdown never re-delivers a task."""
    base = _setting("INVITATIONS_RETRY_BACKOFF_SECONDS", 30)
    cap = _setting("INVITATIONS_RETRY_BACKOFF_MAX_SECONDS", 1800)
    return min(base * 2 ** max(attempts - 1, 0), cap)


def _move(name: str, rows: QuerySet, *, now: datetime.datetime | None = None, **fields) -> int:
    """Transition `name` for those of `rows` still in one of its source states; one UPDATE.
    Returns how many rows moved."""
    sources, target = TRANSITIONS[name]
    guard = {"state": sources[0]} if len(sources) == 1 else {"state__in": sources}
    return rows.filter(**guard).update(state=target, updated_at=now or timezone.now(), **fields)


def _leased(message: OutboundMessage) -> QuerySet:
    """The row of a claimed message while it still holds the lease this worker got."""
    return OutboundMessage.objects.filter(pk=message.pk, lease_until=message.lease_until)


# --- waking the sender -------------------------------------------------------------------------


def _batches(message_ids: Iterable[int]) -> list[list[int]]:
    ids = sorted(message_ids)
    size = batch_size()
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def messages_queue(*, message_ids: Iterable[int]) -> None:
    """Wake the sender for these rows after the commit, in batches that share a connection."""
    from .tasks import send_messages_task

    for batch in _batches(message_ids):
        task_after_commit(send_messages_task, message_ids=batch)


def messages_queue_now(*, message_ids: Iterable[int]) -> None:
    """Wake the sender at once (the rows are already committed)."""
    from .tasks import send_messages_task

    for batch in _batches(message_ids):
        task_wake(send_messages_task, message_ids=batch)


# --- recording ---------------------------------------------------------------------------------


def messages_record(
    *,
    invitations: Iterable[Invitation],
    kind: str,
    sequence: int,
    starts_at: datetime.datetime | None = None,
) -> list[int]:
    """Record one `kind` message per invitation, `pending` (the unique key drops repeats), and
    wake the sender after the commit.

    A reminder is keyed by the start it announces (`starts_at`), any other kind by `sequence`.
    Returns the ids of that kind's messages still pending for these invitations.
    """
    ids = [invitation.pk for invitation in invitations]
    if not ids:
        return []
    key = {"starts_at": starts_at} if kind in REMINDER_KINDS else {"sequence": sequence}
    OutboundMessage.objects.bulk_create(
        [
            OutboundMessage(invitation_id=pk, kind=kind, sequence=sequence, starts_at=starts_at)
            for pk in ids
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    pending = list(
        OutboundMessage.objects.filter(
            invitation_id__in=ids, kind=kind, state=State.PENDING, **key
        ).values_list("pk", flat=True)
    )
    messages_queue(message_ids=pending)
    return pending


# --- the sender's transitions ------------------------------------------------------------------


def messages_claim(*, message_ids: list[int], now: datetime.datetime) -> list[OutboundMessage]:
    """Take the claimable rows among these for this worker: pending and due, or `sending` with
    a lease that ran out. Each gets a lease of lease_seconds() and one attempt more; committed
    on return. Rows another worker holds are passed by (SKIP LOCKED; SQLite has one writer).

    Returns the claimed rows with their invitation, in id order.
    """
    claimable = Q(state=State.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ) | Q(state=State.SENDING, lease_until__lt=now)
    lease_until = now + datetime.timedelta(seconds=lease_seconds())
    with transaction.atomic():
        ids = list(
            OutboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(claimable, pk__in=message_ids)
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        _move(
            "claim",
            OutboundMessage.objects.filter(claimable, pk__in=ids),
            now=now,
            lease_until=lease_until,
            attempts=F("attempts") + 1,
        )
    return list(
        OutboundMessage.objects.filter(pk__in=ids, state=State.SENDING, lease_until=lease_until)
        .select_related("invitation", "invitation__expert")
        .order_by("pk")
    )


def message_finish_sent(*, message: OutboundMessage) -> None:
    """The server accepted it. One UPDATE: this runs once per message sent."""
    now = timezone.now()
    _move("finish_sent", _leased(message), now=now, sent_at=now, lease_until=None, last_error="")


def message_finish_failed(*, message: OutboundMessage, error: str) -> None:
    """Given up: refused for good, not renderable, or out of attempts; `error` is kept for staff."""
    _move("finish_failed", _leased(message), lease_until=None, last_error=error[:ERROR_MAX])


def message_postpone(*, message: OutboundMessage, error: str) -> float | None:
    """A transient error: back to pending for retry_backoff() seconds, or failed once
    max_attempts() are spent. Returns the seconds to wait, None when it failed."""
    if message.attempts >= max_attempts():
        message_finish_failed(message=message, error=error)
        return None
    delay = retry_backoff(message.attempts)
    now = timezone.now()
    _move(
        "postpone",
        _leased(message),
        now=now,
        lease_until=None,
        last_error=error[:ERROR_MAX],
        next_attempt_at=now + datetime.timedelta(seconds=delay),
    )
    return delay


def message_hold_back(*, message: OutboundMessage, until: datetime.datetime) -> None:
    """Back to pending until `until` without spending the attempt its claim counted."""
    _move(
        "hold_back",
        _leased(message),
        lease_until=None,
        attempts=F("attempts") - 1,
        next_attempt_at=until,
    )


def messages_hand_back(*, messages: list[OutboundMessage]) -> None:
    """Back to pending at once, for the next worker, and wake it; the attempts stay counted."""
    for message in messages:
        _move("hand_back", _leased(message), lease_until=None)
    messages_queue_now(message_ids=[message.pk for message in messages])


def message_drop(*, message: OutboundMessage) -> None:
    """Claimed but no longer due (withdrawn, conference not scheduled, reminder moot)."""
    _move("drop", _leased(message), lease_until=None)


# --- what a change of the invitations or the conference does to the outbox ------------------


def messages_skip(*, invitations: QuerySet) -> int:
    """Drop these invitations' unsent messages (withdrawn, conference cancelled); messages in
    flight are dropped by the sender, which checks again. Returns how many."""
    return _move("skip", OutboundMessage.objects.filter(invitation__in=invitations))


def cancellations_retract(*, invitations: QuerySet) -> int:
    """Drop the calendar CANCELs still waiting or failed for these invitations: the conference
    is on again, so they would tell the opposite of the truth. Returns how many."""
    return _move(
        "retract",
        OutboundMessage.objects.filter(invitation__in=invitations, kind=Kind.CANCELLATION),
    )


def messages_revive(*, invitations: QuerySet, kind: str = Kind.INVITATION) -> list[int]:
    """Put back these invitations' skipped `kind` messages with fresh attempts; wake the sender
    after the commit. Returns their ids."""
    ids = list(
        OutboundMessage.objects.filter(
            invitation__in=invitations, kind=kind, state=State.SKIPPED
        ).values_list("pk", flat=True)
    )
    _move(
        "revive",
        OutboundMessage.objects.filter(pk__in=ids),
        attempts=0,
        next_attempt_at=None,
    )
    messages_queue(message_ids=ids)
    return ids


def messages_retry_failed(*, invitations: QuerySet) -> list[int]:
    """Give these invitations' failed messages a fresh set of attempts (staff fixed an address
    or the relay); wake the sender after the commit. Returns their ids."""
    ids = list(
        OutboundMessage.objects.filter(invitation__in=invitations, state=State.FAILED).values_list(
            "pk", flat=True
        )
    )
    _move(
        "retry_failed",
        OutboundMessage.objects.filter(pk__in=ids),
        attempts=0,
        next_attempt_at=None,
        lease_until=None,
    )
    messages_queue(message_ids=ids)
    return ids


# --- the sweeper -------------------------------------------------------------------------------


def messages_sweep(*, now: datetime.datetime | None = None) -> int:
    """Re-queue what nobody is working on: leases that ran out (a killed worker) go back to
    pending; pending rows due but untouched for INVITATIONS_REQUEUE_AFTER_SECONDS (a lost
    broker message) are touched. Both are queued at once. Returns how many."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=_setting("INVITATIONS_REQUEUE_AFTER_SECONDS", 120))
    with transaction.atomic():
        expired = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(state=State.SENDING, lease_until__lt=now)
            .values_list("pk", flat=True)
        )
        _move(
            "sweep",
            OutboundMessage.objects.filter(pk__in=expired, lease_until__lt=now),
            now=now,
            lease_until=None,
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
