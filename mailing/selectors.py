"""Reads of the general outbox, for staff pages and the stall warning."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Letter

State = Letter.State


def letters_for(source: models.Model) -> QuerySet[Letter]:
    """The letters about one row (a review, a recommendation…), oldest first."""
    return Letter.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).order_by("pk")


def letters_waiting(*, now: datetime.datetime | None = None) -> int:
    """Letters a worker should be sending now: pending and due, or in flight past the lease."""
    now = now or timezone.now()
    return Letter.objects.filter(
        Q(state=State.PENDING, next_attempt_at__isnull=True)
        | Q(state=State.PENDING, next_attempt_at__lte=now)
        | Q(state=State.SENDING, lease_until__lt=now)
    ).count()
