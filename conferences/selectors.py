"""Reads for conferences and invitations, with related rows loaded."""

import datetime
from collections import Counter

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear

from activity.models import ActivityLog
from activity.selectors import activity_for_targets

from .models import Conference, Invitation, InvitationImport, OutboundMessage

State = OutboundMessage.State
Kind = OutboundMessage.Kind


def invitation_list(*, conference: Conference, filters: dict | None = None) -> QuerySet[Invitation]:
    """Invitations of a conference, each with `invitation_message` (its invitation mail's row,
    or None) and `latest_message` (the newest outbox row of any kind) loaded in the query.

    filters: answer (none/accepted/declined), state (delivery state of the invitation mail),
    source, cancelled (bool), q (name, email or organisation contains).
    """
    filters = filters or {}
    newest = OutboundMessage.objects.filter(invitation=OuterRef("pk")).order_by("-pk")
    first = OutboundMessage.objects.filter(invitation=OuterRef("pk"), kind=Kind.INVITATION)
    qs = (
        Invitation.objects.filter(conference=conference)
        .select_related("expert", "registered_by")
        .annotate(
            delivery_state=Subquery(first.values("state")[:1]),
            delivery_attempts=Subquery(first.values("attempts")[:1]),
            delivery_error=Subquery(first.values("last_error")[:1]),
            delivery_sent_at=Subquery(first.values("sent_at")[:1]),
            latest_message_id=Subquery(newest.values("pk")[:1]),
        )
        .prefetch_related(Prefetch("messages", queryset=OutboundMessage.objects.order_by("pk")))
        .order_by("name", "pk")
    )
    if filters.get("answer"):
        qs = qs.filter(answer=filters["answer"])
    if filters.get("state"):
        qs = qs.filter(delivery_state=filters["state"])
    if filters.get("source"):
        qs = qs.filter(source=filters["source"])
    if "cancelled" in filters and filters["cancelled"] is not None:
        qs = qs.filter(cancelled_at__isnull=not filters["cancelled"])
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(organization__icontains=q))
    return qs


def invitation_counts(*, conference: Conference) -> dict:
    """Figures for the dashboard, in two queries: answers of active invitations and the
    delivery states of every outbox row, plus per-kind states.

    {"total", "cancelled", "answers": {none, accepted, declined},
     "delivery": {pending, sending, sent, failed, skipped},
     "by_kind": {kind: {state: n}}}
    """
    inv = Invitation.objects.filter(conference=conference).aggregate(
        total=Count("pk", filter=Q(cancelled_at__isnull=True)),
        cancelled=Count("pk", filter=Q(cancelled_at__isnull=False)),
        **{
            f"answer_{a}": Count("pk", filter=Q(answer=a, cancelled_at__isnull=True))
            for a in Invitation.Answer.values
        },
    )
    delivery = {state: 0 for state in State.values}
    by_kind: dict[str, dict[str, int]] = {}
    rows = (
        OutboundMessage.objects.filter(invitation__conference=conference)
        .values("kind", "state")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        delivery[row["state"]] += row["n"]
        by_kind.setdefault(row["kind"], {s: 0 for s in State.values})[row["state"]] = row["n"]
    return {
        "total": inv["total"],
        "cancelled": inv["cancelled"],
        "answers": {a: inv[f"answer_{a}"] for a in Invitation.Answer.values},
        "delivery": delivery,
        "by_kind": by_kind,
    }


def outbound_message_list(*, conference: Conference, state: str | None = None):
    qs = OutboundMessage.objects.filter(invitation__conference=conference).select_related(
        "invitation"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("pk")


def conference_figures_by_year(*, year: int | None = None) -> list[dict]:
    """The figures of held conferences per calendar year (Tashkent time, the current time
    zone), newest year first; with `year`, that year's row alone, or [] when none was held.
    Three queries, whatever the number of conferences and experts. The dashboard's home page
    and /api/v1/stats/ both show these.

    Each row: {"year": int, "conferences": int, "participants": int, "experts": int,
    "experts_by_country": {ISO 3166-1 alpha-2 code or "": int}}, the countries sorted by code
    and `experts` == sum(experts_by_country.values()).

    participants: per conference, the recorded attendance where it exists, else the declared
    figure (Conference.participants_count), summed.

    experts who took part: counted as the press release counts them (pressroom.drafting's
    experts sentence), so the year's figure and the year's releases agree:
    - a conference's experts are those listed on it (Conference.experts, ticked on the
      audience page). A presenter counts when ticked, like anyone else; the agenda alone does
      not say they took part as an expert;
    - a conference with nobody listed counts its declared number (expert_count_declared).
    Over the year a listed expert counts once, however many conferences they joined; declared
    numbers name nobody, so they are added as they are. By country: a listed expert under
    their own country ("" when the profile has none); a declared number under its country
    when the conference declared exactly one, else under "" (not known one by one).
    """
    held = Conference.objects.filter(status=Conference.Status.HELD)
    if year is not None:
        held = held.filter(starts_at__year=year)
    rows = list(
        held.annotate(year=ExtractYear("starts_at"))
        .values("year")
        .annotate(
            conferences=Count("pk"),
            participants=Coalesce(
                Sum(Coalesce("participants_count_recorded", "participants_count_declared")), 0
            ),
        )
        .order_by("-year")
    )
    by_country: dict[int, Counter] = {row["year"]: Counter() for row in rows}
    attendance = Conference.experts.through.objects
    listed = (
        attendance.filter(conference__in=held.values("pk"))
        .annotate(year=ExtractYear("conference__starts_at"))
        .values("year", "expert__country")
        .annotate(n=Count("expert_id", distinct=True))
    )
    for row in listed:
        by_country[row["year"]][row["expert__country"]] += row["n"]
    declared = (
        held.filter(expert_count_declared__gt=0)
        .exclude(Exists(attendance.filter(conference=OuterRef("pk"))))
        .annotate(year=ExtractYear("starts_at"))
        .values_list("year", "expert_count_declared", "expert_countries_declared")
    )
    for row_year, count, countries in declared:
        codes = {str(code).upper() for code in countries or []}
        by_country[row_year][codes.pop() if len(codes) == 1 else ""] += count
    return [
        {
            **row,
            "experts": sum(by_country[row["year"]].values()),
            "experts_by_country": dict(sorted(by_country[row["year"]].items())),
        }
        for row in rows
    ]


def conference_activity(*, conference: Conference, user) -> QuerySet[ActivityLog]:
    """The conference's activity log, newest first, in one query; for a user who may see the
    invitations (view_invitation), with its invitations' entries (who withdrew whom)."""
    targets: list = [conference]
    if user.has_perm("conferences.view_invitation"):
        targets.append(Invitation.objects.filter(conference=conference))
    return activity_for_targets(targets=targets)


def conferences_upcoming_public(*, now: datetime.datetime, limit: int = 3) -> QuerySet[Conference]:
    """Scheduled conferences that start at `now` or later, soonest first, at most `limit`, with
    their council loaded: the public home page's "next conferences" (topic, start, council; no
    person's data)."""
    return (
        Conference.objects.filter(status=Conference.Status.SCHEDULED, starts_at__gte=now)
        .select_related("council")
        .order_by("starts_at", "pk")[:limit]
    )


def invitation_import_latest(*, conference) -> InvitationImport | None:
    """The conference's latest large-file import, while running or for a day after it ended."""
    from django.utils import timezone

    recent = timezone.now() - datetime.timedelta(days=1)
    return (
        InvitationImport.objects.filter(conference=conference)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=recent))
        .defer("content")
        .order_by("-pk")
        .first()
    )
