"""The general outbox's one owner: the only code that changes `Letter.state`.

The same machine as the conference outbox (conferences/outbox.py), without what only calendar
mail needs (holds, revivals, retractions):

    pending ──claim──▶ sending ──finish_sent──▶ sent
    sending ──finish_failed──▶ failed            (refused for good, attempts spent)
    sending ──postpone | hand_back | sweep──▶ pending
    pending ──skip──▶ skipped                    (no longer wanted)
    failed ──retry_failed──▶ pending             (staff resend)

Each transition updates only the rows still in one of its source states, so a transition that
lost a race changes nothing; the ones that take a claimed letter act only while the row still
holds that letter's lease. The settings are the invitations' (INVITATIONS_LEASE_SECONDS and
the rest): one relay, one policy.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from conferences.outbox import ERROR_MAX, batch_size, lease_seconds, max_attempts, retry_backoff
from elyurt.celery import task_after_commit, task_wake

from .models import Letter

logger = logging.getLogger(__name__)

State = Letter.State

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "claim": ((State.PENDING, State.SENDING), State.SENDING),
    "finish_sent": ((State.SENDING,), State.SENT),
    "finish_failed": ((State.SENDING,), State.FAILED),
    "postpone": ((State.SENDING,), State.PENDING),
    "hand_back": ((State.SENDING,), State.PENDING),
    "sweep": ((State.SENDING,), State.PENDING),
    "skip": ((State.PENDING,), State.SKIPPED),
    "retry_failed": ((State.FAILED,), State.PENDING),
}
ALLOWED = frozenset(
    (source, target) for sources, target in TRANSITIONS.values() for source in sources
)


def _move(name: str, rows: QuerySet, *, now: datetime.datetime | None = None, **fields) -> int:
    sources, target = TRANSITIONS[name]
    guard = {"state": sources[0]} if len(sources) == 1 else {"state__in": sources}
    return rows.filter(**guard).update(state=target, updated_at=now or timezone.now(), **fields)


def _leased(letter: Letter) -> QuerySet:
    return Letter.objects.filter(pk=letter.pk, lease_until=letter.lease_until)


def _batches(letter_ids: Iterable[int]) -> list[list[int]]:
    ids = sorted(letter_ids)
    size = batch_size()
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def letters_wake(*, letter_ids: Iterable[int], now: bool = False) -> None:
    """Wake the sender for these rows: after the commit, or at once (`now`, rows committed)."""
    from .tasks import send_letters_task

    wake = task_wake if now else task_after_commit
    for batch in _batches(letter_ids):
        wake(send_letters_task, letter_ids=batch)


def letters_claim(*, letter_ids: list[int], now: datetime.datetime) -> list[Letter]:
    """Take the claimable rows among these: pending and due, or sending with a lease that ran
    out; each gets a lease and one attempt more, committed on return (SKIP LOCKED)."""
    claimable = Q(state=State.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ) | Q(state=State.SENDING, lease_until__lt=now)
    lease_until = now + datetime.timedelta(seconds=lease_seconds())
    with transaction.atomic():
        ids = list(
            Letter.objects.select_for_update(skip_locked=True)
            .filter(claimable, pk__in=letter_ids)
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        _move(
            "claim",
            Letter.objects.filter(claimable, pk__in=ids),
            now=now,
            lease_until=lease_until,
            attempts=F("attempts") + 1,
        )
    return list(
        Letter.objects.filter(pk__in=ids, state=State.SENDING, lease_until=lease_until).order_by(
            "pk"
        )
    )


def letter_finish_sent(*, letter: Letter) -> None:
    now = timezone.now()
    _move("finish_sent", _leased(letter), now=now, sent_at=now, lease_until=None, last_error="")


def letter_finish_failed(*, letter: Letter, error: str) -> None:
    _move("finish_failed", _leased(letter), lease_until=None, last_error=error[:ERROR_MAX])


def letter_postpone(*, letter: Letter, error: str) -> float | None:
    """A transient error: back to pending for retry_backoff() seconds, or failed once the
    attempts are spent. Returns the seconds to wait, None when it failed."""
    if letter.attempts >= max_attempts():
        letter_finish_failed(letter=letter, error=error)
        return None
    delay = retry_backoff(letter.attempts)
    now = timezone.now()
    _move(
        "postpone",
        _leased(letter),
        now=now,
        lease_until=None,
        last_error=error[:ERROR_MAX],
        next_attempt_at=now + datetime.timedelta(seconds=delay),
    )
    return delay


def letters_hand_back(*, letters: list[Letter]) -> None:
    """Back to pending for the next worker (our lease is nearly out), and wake it."""
    for letter in letters:
        _move("hand_back", _leased(letter), lease_until=None)
    letters_wake(letter_ids=[letter.pk for letter in letters], now=True)


def letters_skip_rows(*, rows: QuerySet) -> int:
    """Pending rows no longer wanted go to skipped; letters in flight are left to finish."""
    return _move("skip", rows)


def letters_retry_failed_rows(*, rows: QuerySet) -> list[int]:
    """Failed rows get a fresh set of attempts; the sender is woken after the commit."""
    ids = list(rows.filter(state=State.FAILED).values_list("pk", flat=True))
    _move(
        "retry_failed",
        Letter.objects.filter(pk__in=ids),
        attempts=0,
        next_attempt_at=None,
        lease_until=None,
    )
    letters_wake(letter_ids=ids)
    return ids


def letters_sweep(*, now: datetime.datetime | None = None) -> int:
    """Re-queue what nobody is working on: run-out leases go back to pending, and pending rows
    due but untouched for INVITATIONS_REQUEUE_AFTER_SECONDS (a lost broker message, or a
    letter whose `not_before` has come) are woken. Returns how many."""
    from django.conf import settings

    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.INVITATIONS_REQUEUE_AFTER_SECONDS)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    with transaction.atomic():
        expired = list(
            Letter.objects.select_for_update(skip_locked=True)
            .filter(state=State.SENDING, lease_until__lt=now)
            .values_list("pk", flat=True)
        )
        _move(
            "sweep",
            Letter.objects.filter(pk__in=expired, lease_until__lt=now),
            now=now,
            lease_until=None,
        )
        forgotten = list(
            Letter.objects.select_for_update(skip_locked=True)
            .filter(due, state=State.PENDING)
            .filter(Q(updated_at__lt=stale) | Q(next_attempt_at__isnull=False))
            .values_list("pk", flat=True)
        )
        Letter.objects.filter(pk__in=forgotten).update(updated_at=now)
    ids = expired + forgotten
    if ids:
        logger.info("letters sweeper: %d expired leases, %d waiting", len(expired), len(forgotten))
        letters_wake(letter_ids=ids, now=True)
    return len(ids)
