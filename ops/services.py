"""Writes of the ops app."""

import datetime

from django.utils import timezone

from .models import Heartbeat

WORKER = "worker"


def heartbeat_record(*, name: str = WORKER, now: datetime.datetime | None = None) -> Heartbeat:
    """Record that the process `name` is alive now (one row per name, its time moved)."""
    heartbeat, _created = Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": now or timezone.now()}
    )
    return heartbeat
