"""Reads for the dashboard's lists, each one query whatever the number of rows."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from conferences.models import Conference, Invitation
from experts.models import CouncilMembership, Expert
from experts.selectors import memberships_current


def _with_answer_counts(qs: QuerySet[Conference]) -> QuerySet[Conference]:
    live = Q(invitations__cancelled_at__isnull=True)
    return qs.annotate(
        invited_count=Count("invitations", filter=live, distinct=True),
        accepted_count=Count(
            "invitations",
            filter=live & Q(invitations__answer=Invitation.Answer.ACCEPTED),
            distinct=True,
        ),
        declined_count=Count(
            "invitations",
            filter=live & Q(invitations__answer=Invitation.Answer.DECLINED),
            distinct=True,
        ),
    )


def upcoming_conferences(*, limit: int = 8) -> list[Conference]:
    qs = Conference.objects.filter(
        starts_at__gte=timezone.now(),
        status__in=[Conference.Status.DRAFT, Conference.Status.SCHEDULED],
    ).select_related("council")
    return list(_with_answer_counts(qs).order_by("starts_at")[:limit])


def conferences_held_by_month(*, year: int) -> list[int]:
    """How many conferences were held in each month of `year` (Tashkent time): 12 numbers,
    January first. One query."""
    held = Conference.objects.filter(status=Conference.Status.HELD, starts_at__year=year)
    counts = dict(
        held.annotate(month=ExtractMonth("starts_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return [counts.get(month, 0) for month in range(1, 13)]


def conference_list(*, filters: dict | None = None) -> QuerySet[Conference]:
    filters = filters or {}
    qs = Conference.objects.select_related("council").annotate(
        presentation_count=Count("presentations", distinct=True)
    )
    if filters.get("q"):
        qs = qs.filter(title__icontains=filters["q"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("year"):
        qs = qs.filter(starts_at__year=filters["year"])
    return _with_answer_counts(qs).order_by("-starts_at", "pk")


def expert_directory(*, filters: dict | None = None) -> QuerySet[Expert]:
    filters = filters or {}
    qs = Expert.objects.select_related("organization").prefetch_related(
        "fields",
        Prefetch(
            "memberships",
            queryset=memberships_current().select_related("council"),
            to_attr="current_memberships",
        ),
    )
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(
            Q(full_name__icontains=q)
            | Q(full_name_latin__icontains=q)
            | Q(email__icontains=q)
            | Q(organization__name__icontains=q)
            | Q(position__icontains=q)
        )
    if filters.get("country"):
        qs = qs.filter(country=filters["country"])
    if filters.get("field"):
        qs = qs.filter(fields=filters["field"])
    role = filters.get("role")
    if role == "none":
        qs = qs.exclude(pk__in=memberships_current().values("expert_id"))
    elif role in CouncilMembership.Role.values:
        qs = qs.filter(pk__in=memberships_current().filter(role=role).values("expert_id"))
    return qs.order_by("full_name", "pk")
