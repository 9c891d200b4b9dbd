"""Reads: the lists the dashboard, the partner API and the public tracker show, and the
figures per year that /api/v1/stats/, the dashboard home and the year report share."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from activity.models import Action, ActivityLog
from conferences.selectors import conference_figures_by_year
from experts.models import Expert

from .models import Recommendation

Status = Recommendation.Status
OPEN = (Status.SENT, Status.ACCEPTED, Status.PARTLY_ACCEPTED)
# Accepted in whole or in part, or implemented since (which needs an acceptance first).
ACCEPTED = (Status.ACCEPTED, Status.PARTLY_ACCEPTED, Status.IMPLEMENTED)


def organization_contacts(*, organization_id: int) -> QuerySet[Expert]:
    """An organisation's contacts: its people with an email, by name."""
    return (
        Expert.objects.filter(organization_id=organization_id)
        .exclude(email="")
        .order_by("full_name", "pk")
    )


def recommendation_list(*, filters: dict | None = None) -> QuerySet[Recommendation]:
    """Recommendations with their council, addressee and conference loaded (one query).

    filters (all optional): status (str), year (int), due_before (date: due strictly before),
    addressee_id (int), conference_id (int), public (bool), overdue (date: open and due before
    it), ministry (int: addressee id, as the public tracker names it).
    """
    filters = filters or {}
    qs = Recommendation.objects.select_related("council", "addressee", "conference")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("due_before"):
        qs = qs.filter(due_on__lt=filters["due_before"])
    if filters.get("addressee_id") or filters.get("ministry"):
        qs = qs.filter(addressee_id=filters.get("addressee_id") or filters["ministry"])
    if filters.get("conference_id"):
        qs = qs.filter(conference_id=filters["conference_id"])
    if filters.get("public"):
        qs = qs.filter(is_public=True)
    if filters.get("overdue"):
        qs = qs.filter(status__in=OPEN, due_on__lt=filters["overdue"])
    if filters.get("accepted"):
        qs = qs.filter(status__in=ACCEPTED)
    return qs.order_by("-year", "-serial", "-pk")


def recommendation_list_for_partner(
    *, organization_id: int | None, filters: dict | None = None
) -> QuerySet[Recommendation]:
    """What a partner's key sees: those addressed to its organisation, once sent (a staff
    session, organization_id None, sees every sent one)."""
    qs = recommendation_list(filters=filters).exclude(status=Status.PROPOSED)
    if organization_id is not None:
        qs = qs.filter(addressee_id=organization_id)
    return qs


def recommendation_list_public(*, filters: dict | None = None) -> QuerySet[Recommendation]:
    """The public tracker's rows: published ones only (the secretary decides which); their
    timelines come from timelines_for."""
    return recommendation_list(filters={**(filters or {}), "public": True})


def timelines_for(*, recommendations: list[Recommendation]) -> dict[int, list[dict]]:
    """{recommendation id: [{"status": to, "at": time}, ...]}, oldest first, in one query:
    only statuses and times, never who acted (the public tracker shows it)."""
    ids = [r.pk for r in recommendations]
    entries = (
        ActivityLog.objects.filter(
            action=Action.RECOMMENDATION_STATUS_CHANGED,
            content_type__app_label="recommendations",
            content_type__model="recommendation",
            object_id__in=ids,
        )
        .order_by("at", "pk")
        .values_list("object_id", "data", "at")
    )
    timelines: dict[int, list[dict]] = {pk: [] for pk in ids}
    for object_id, data, at in entries:
        timelines[object_id].append({"status": data.get("to"), "at": at})
    return timelines


def recommendations_overdue(*, today: datetime.date | None = None, limit: int = 10) -> list:
    """Open recommendations past their due date, the longest overdue first (the dashboard
    home)."""
    today = today or timezone.localdate()
    return list(recommendation_list(filters={"overdue": today}).order_by("due_on", "pk")[:limit])


def recommendation_figures_by_year(
    *, year: int | None = None, today: datetime.date | None = None
) -> dict[int, dict]:
    """{year: {"made", "accepted", "implemented", "overdue"}} in one query, by the year of the
    recommendation's number (the year its conference was held).

    made: every recommendation numbered that year; accepted: accepted, partly accepted or
    implemented since; implemented; overdue: open (sent, accepted, partly accepted) and due
    before `today` (Tashkent date). /api/v1/stats/, the dashboard home and the year report all
    read these.
    """
    today = today or timezone.localdate()
    qs = Recommendation.objects.all()
    if year is not None:
        qs = qs.filter(year=year)
    rows = (
        qs.values("year")
        .annotate(
            made=Count("pk"),
            accepted=Count("pk", filter=Q(status__in=ACCEPTED)),
            implemented=Count("pk", filter=Q(status=Status.IMPLEMENTED)),
            overdue=Count("pk", filter=Q(status__in=OPEN, due_on__lt=today)),
        )
        .order_by("-year")
    )
    return {row.pop("year"): row for row in rows}


NO_FIGURES = {"made": 0, "accepted": 0, "implemented": 0, "overdue": 0}


def recommendation_years() -> list[int]:
    return list(Recommendation.objects.order_by("-year").values_list("year", flat=True).distinct())


def recommendation_years_public() -> list[int]:
    """The years of published recommendations, newest first (the tracker's year filter)."""
    return list(
        Recommendation.objects.filter(is_public=True)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def figures_by_year(*, year: int | None = None) -> list[dict]:
    """The rows of /api/v1/stats/: conference_figures_by_year's, each with `recommendations`,
    for every year with a held conference or a recommendation, newest first. The year report
    and the dashboard home read the same rows."""
    conferences = {row["year"]: row for row in conference_figures_by_year(year=year)}
    recommendations = recommendation_figures_by_year(year=year)
    empty = {"conferences": 0, "participants": 0, "experts": 0, "experts_by_country": {}}
    return [
        {
            **conferences.get(y, {**empty, "year": y}),
            "recommendations": recommendations.get(y, NO_FIGURES),
        }
        for y in sorted(set(conferences) | set(recommendations), reverse=True)
    ]
