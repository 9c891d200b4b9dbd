"""Reads of the ops app: is the outbox draining?"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from conferences.models import OutboundMessage
from mailing.selectors import letters_waiting

from .models import Heartbeat
from .services import WORKER

State = OutboundMessage.State


@dataclass(frozen=True)
class OutboxStall:
    """Messages due that nobody sends: `waiting` rows; `minutes` since a worker was last seen,
    None if none ever was."""

    waiting: int
    minutes: int | None


def outbox_stall(*, now: datetime.datetime | None = None) -> OutboxStall | None:
    """The outbox is stalled when messages are due (pending and due, or in flight past their
    lease) and no worker has beaten for WORKER_STALE_SECONDS; None otherwise. The heartbeat is
    written by a task beat queues every WORKER_HEARTBEAT_SECONDS, so a dead worker, a dead beat
    or a lost broker all show here. Both outboxes count (calendar mail and letters). Two
    queries when nothing waits, three otherwise."""
    now = now or timezone.now()
    waiting = OutboundMessage.objects.filter(
        Q(state=State.PENDING, next_attempt_at__isnull=True)
        | Q(state=State.PENDING, next_attempt_at__lte=now)
        | Q(state=State.SENDING, lease_until__lt=now)
    ).count() + letters_waiting(now=now)
    if not waiting:
        return None
    seen_at = Heartbeat.objects.filter(name=WORKER).values_list("seen_at", flat=True).first()
    if seen_at is None:
        return OutboxStall(waiting=waiting, minutes=None)
    silent = (now - seen_at).total_seconds()
    if silent < settings.WORKER_STALE_SECONDS:
        return None
    return OutboxStall(waiting=waiting, minutes=int(silent // 60))
