"""Reads for experts and councils, with related rows loaded."""

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from activity.models import ActivityLog
from activity.selectors import activity_for_targets

from .models import Council, CouncilMembership, Expert


def memberships_current(*, on: datetime.date | None = None) -> QuerySet[CouncilMembership]:
    on = on or timezone.localdate()
    return CouncilMembership.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


def council_current_members(*, council: Council) -> QuerySet[Expert]:
    current = memberships_current().filter(council=council).values("expert_id")
    return Expert.objects.filter(pk__in=current).select_related("organization")


def expert_list(*, public_only: bool = False) -> QuerySet[Expert]:
    qs = Expert.objects.select_related("organization").prefetch_related("fields")
    if public_only:
        qs = qs.filter(is_public=True)
    return qs


def council_list() -> QuerySet[Council]:
    return Council.objects.select_related("host_organization").prefetch_related(
        Prefetch(
            "memberships",
            queryset=memberships_current().select_related("expert", "expert__organization"),
            to_attr="current_memberships",
        )
    )


def expert_activity(*, expert: Expert) -> QuerySet[ActivityLog]:
    """The expert's activity log with their membership terms' entries, newest first, in one
    query."""
    return activity_for_targets(targets=[expert, CouncilMembership.objects.filter(expert=expert)])
