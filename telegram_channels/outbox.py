"""The posts' one owner: the only code that changes `TelegramPost.state`.

Every change of state is one of the named transitions in TRANSITIONS, made by `_move`, which
updates only the rows still in one of the transition's source states (a transition that lost
a race changes nothing). tests/test_outbox.py fails on any other write of the state.

    pending ──claim──▶ sending ──finish──▶ done          (Telegram shows the row's revision)
    sending ──finish_outdated | postpone | hand_back | sweep──▶ pending
    sending ──fail──▶ failed                              (refused for good, attempts spent)
    sending ──drop──▶ skipped                             (channel off before anything was sent)
    done | failed | skipped ──want──▶ pending             (edited, withdrawn, published again)
    failed ──retry──▶ pending                             (staff resend)

What a sending worker does (send, edit, delete) follows from the row: `withdrawn`,
`message_id` and `revision` against `delivered_revision`. A change while a row is `sending`
bumps `revision`; the worker's finish then sees its revision is stale and puts the row back.
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

from .models import TelegramPost

logger = logging.getLogger(__name__)

State = TelegramPost.State

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # A due pending row, or a row whose worker's lease ran out, is taken by a worker.
    "claim": ((State.PENDING, State.SENDING), State.SENDING),
    # Telegram holds what the row asked for, and nothing changed meanwhile.
    "finish": ((State.SENDING,), State.DONE),
    # Telegram holds what the row asked for, but it changed meanwhile: go again.
    "finish_outdated": ((State.SENDING,), State.PENDING),
    "fail": ((State.SENDING,), State.FAILED),
    # A transient error (429, 5xx, no answer): back after retry_after or a backoff.
    "postpone": ((State.SENDING,), State.PENDING),
    # The lease is nearly out: back for the next worker before the sweeper races it.
    "hand_back": ((State.SENDING,), State.PENDING),
    # The lease ran out (a killed worker): back for someone else.
    "sweep": ((State.SENDING,), State.PENDING),
    # Claimed, but the channel was switched off before anything reached it.
    "drop": ((State.SENDING,), State.SKIPPED),
    # The release was edited, withdrawn or published again: the channel must catch up.
    "want": ((State.DONE, State.FAILED, State.SKIPPED), State.PENDING),
    # Staff resend what failed (the bot is back in the channel), with fresh attempts.
    "retry": ((State.FAILED,), State.PENDING),
}
ALLOWED = frozenset(
    (source, target) for sources, target in TRANSITIONS.values() for source in sources
)
ERROR_MAX = 2000


def lease_seconds() -> float:
    return settings.TELEGRAM_LEASE_SECONDS


def retry_backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th transient failure: doubling, capped."""
    base = settings.TELEGRAM_RETRY_BACKOFF_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.TELEGRAM_RETRY_BACKOFF_MAX_SECONDS)


def _move(name: str, rows: QuerySet, *, now: datetime.datetime | None = None, **fields) -> int:
    sources, target = TRANSITIONS[name]
    guard = {"state": sources[0]} if len(sources) == 1 else {"state__in": sources}
    return rows.filter(**guard).update(state=target, updated_at=now or timezone.now(), **fields)


def _leased(post: TelegramPost) -> QuerySet:
    """The row of a claimed post while it still holds the lease this worker got."""
    return TelegramPost.objects.filter(pk=post.pk, lease_until=post.lease_until)


# --- waking the sender -------------------------------------------------------------------------


def posts_queue(*, post_ids: Iterable[int]) -> None:
    """Wake the sender for these rows after the commit (one task per post: a channel's flood
    limit then holds up only its own post)."""
    from .tasks import deliver_post_task

    for pk in sorted(set(post_ids)):
        task_after_commit(deliver_post_task, post_id=pk)


def posts_queue_now(*, post_ids: Iterable[int]) -> None:
    from .tasks import deliver_post_task

    for pk in sorted(set(post_ids)):
        task_wake(deliver_post_task, post_id=pk)


# --- recording what the channels should show --------------------------------------------------


def posts_record(*, rows: list[TelegramPost]) -> list[int]:
    """Create these rows `pending` (the unique keys drop repeats); rows that already exist are
    wanted again (`posts_want`). Wakes the sender after the commit; returns the ids."""
    if not rows:
        return []
    TelegramPost.objects.bulk_create(rows, ignore_conflicts=True)
    release_ids = {r.release_id for r in rows if r.release_id}
    conference_ids = {r.conference_id for r in rows if r.conference_id}
    channel_ids = {r.channel_id for r in rows}
    existing = TelegramPost.objects.filter(
        Q(release_id__in=release_ids) | Q(conference_id__in=conference_ids),
        channel_id__in=channel_ids,
    )
    ids = list(existing.values_list("pk", flat=True))
    posts_want(posts=TelegramPost.objects.filter(pk__in=ids), withdrawn=False)
    return ids


def posts_want(*, posts: QuerySet, withdrawn: bool) -> int:
    """The channels must catch up with a change: one revision more, and rows at rest go back to
    pending with fresh attempts (rows in flight are put back by their worker's finish).
    Showing again what was withdrawn and deleted starts a new message. Returns how many."""
    now = timezone.now()
    ids = list(posts.values_list("pk", flat=True))
    if not ids:
        return 0
    rows = TelegramPost.objects.filter(pk__in=ids)
    if not withdrawn:
        # A deleted message cannot be edited back: post anew.
        rows.filter(withdrawn=True, removal="deleted").update(message_id=None, removal="")
        rows.filter(withdrawn=True).update(removal="")
    rows.update(revision=F("revision") + 1, withdrawn=withdrawn, updated_at=now)
    _move(
        "want",
        rows,
        now=now,
        attempts=0,
        next_attempt_at=None,
        lease_until=None,
        last_error="",
    )
    posts_queue(post_ids=ids)
    return len(ids)


def posts_retry(*, posts: QuerySet) -> list[int]:
    """Failed rows get a fresh set of attempts; the sender is woken after the commit."""
    ids = list(posts.filter(state=State.FAILED).values_list("pk", flat=True))
    _move(
        "retry",
        TelegramPost.objects.filter(pk__in=ids),
        attempts=0,
        next_attempt_at=None,
        lease_until=None,
    )
    posts_queue(post_ids=ids)
    return ids


# --- the sender's transitions ------------------------------------------------------------------


def post_claim(*, post_id: int, now: datetime.datetime) -> TelegramPost | None:
    """Take the row for this worker if it is claimable: pending and due, or `sending` with a
    lease that ran out. It gets a lease and one attempt more; committed on return. A row
    another worker holds is passed by (SKIP LOCKED). Returns it with its channel, or None."""
    claimable = Q(state=State.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ) | Q(state=State.SENDING, lease_until__lt=now)
    lease_until = now + datetime.timedelta(seconds=lease_seconds())
    with transaction.atomic():
        found = (
            TelegramPost.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(claimable, pk=post_id)
            .values_list("pk", flat=True)
        )
        if not list(found):
            return None
        _move(
            "claim",
            TelegramPost.objects.filter(claimable, pk=post_id),
            now=now,
            lease_until=lease_until,
            attempts=F("attempts") + 1,
        )
    return (
        TelegramPost.objects.filter(pk=post_id, state=State.SENDING, lease_until=lease_until)
        .select_related("channel", "release", "conference")
        .first()
    )


def post_message_sent(*, post: TelegramPost, message_id: int, is_photo: bool) -> bool:
    """Keep the new message's id at once (before the finish), so an edit or delete reaches it
    even if this worker dies next. False when the lease is lost."""
    now = timezone.now()
    return bool(
        _leased(post).update(message_id=message_id, is_photo=is_photo, sent_at=now, updated_at=now)
    )


def post_finish(*, post: TelegramPost, removal: str = "") -> None:
    """Telegram shows the revision this worker claimed. A row changed meanwhile goes back to
    pending to catch up; otherwise it is done."""
    fields = {"delivered_revision": post.revision, "lease_until": None, "last_error": ""}
    if removal:
        fields["removal"] = removal
    now = timezone.now()
    leased = _leased(post)
    moved = _move("finish", leased.filter(revision=post.revision), now=now, **fields)
    if not moved:
        fields["attempts"] = 0
        if _move("finish_outdated", leased, now=now, **fields):
            posts_queue_now(post_ids=[post.pk])


def post_fail(*, post: TelegramPost, error: str) -> None:
    """Given up: refused for good (bot removed, chat not found) or attempts spent. The error
    shows on the dashboard's channel pages."""
    _move("fail", _leased(post), lease_until=None, last_error=error[:ERROR_MAX])


def post_postpone(*, post: TelegramPost, error: str, wait: float | None = None) -> float | None:
    """A transient error: back to pending for `wait` seconds (Telegram's retry_after) or the
    backoff, or failed once TELEGRAM_MAX_ATTEMPTS are spent. Returns the seconds, or None."""
    if post.attempts >= settings.TELEGRAM_MAX_ATTEMPTS:
        post_fail(post=post, error=error)
        return None
    delay = wait if wait is not None else retry_backoff(post.attempts)
    now = timezone.now()
    _move(
        "postpone",
        _leased(post),
        now=now,
        lease_until=None,
        last_error=error[:ERROR_MAX],
        next_attempt_at=now + datetime.timedelta(seconds=delay),
    )
    return delay


def post_hand_back(*, post: TelegramPost) -> None:
    _move("hand_back", _leased(post), lease_until=None)
    posts_queue_now(post_ids=[post.pk])


def post_drop(*, post: TelegramPost) -> None:
    _move("drop", _leased(post), lease_until=None)


# --- the sweeper -------------------------------------------------------------------------------


def posts_sweep(*, now: datetime.datetime | None = None) -> int:
    """Re-queue what nobody is working on: leases that ran out (a killed worker) go back to
    pending; pending rows due but untouched for TELEGRAM_REQUEUE_AFTER_SECONDS (a lost broker
    message, a postponement whose wake-up was lost) are touched. Both are queued at once."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.TELEGRAM_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        expired = list(
            TelegramPost.objects.select_for_update(skip_locked=True)
            .filter(state=State.SENDING, lease_until__lt=now)
            .values_list("pk", flat=True)
        )
        _move(
            "sweep",
            TelegramPost.objects.filter(pk__in=expired, lease_until__lt=now),
            now=now,
            lease_until=None,
        )
        forgotten = list(
            TelegramPost.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING, updated_at__lt=stale)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .values_list("pk", flat=True)
        )
        TelegramPost.objects.filter(pk__in=forgotten).update(updated_at=now)
    ids = expired + forgotten
    if ids:
        logger.info(
            "telegram sweeper: %d expired leases, %d forgotten", len(expired), len(forgotten)
        )
        posts_queue_now(post_ids=ids)
    return len(ids)
