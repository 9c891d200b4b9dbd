"""Reads of the activity log, newest first, with the actor and the target's type loaded."""

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from .models import ActivityLog


def activity_for_targets(*, targets: Iterable[Model | QuerySet]) -> QuerySet[ActivityLog]:
    """The entries about any of `targets`, in one query.

    Each target is a saved row, or a queryset standing for all its rows (a conference's
    invitations: `conference.invitations.all()`), read as a subquery rather than a list of ids.
    """
    conditions = []
    for target in targets:
        if isinstance(target, QuerySet):
            kind = ContentType.objects.get_for_model(target.model)
            conditions.append(Q(content_type=kind, object_id__in=target.values("pk")))
        else:
            kind = ContentType.objects.get_for_model(target)
            conditions.append(Q(content_type=kind, object_id=target.pk))
    if not conditions:
        return ActivityLog.objects.none()
    return (
        ActivityLog.objects.filter(reduce(or_, conditions))
        .select_related("actor", "content_type")
        .order_by("-at", "-pk")
    )


def activity_for(*, target: Model) -> QuerySet[ActivityLog]:
    """The entries about one row, newest first."""
    return activity_for_targets(targets=[target])
