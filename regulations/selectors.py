"""Reads for draft regulations: one query per list, related rows loaded."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from experts.models import Council, Expert
from experts.selectors import council_current_members

from .matching import unit_body
from .models import Article, Comment, Draft, Reviewer, Unit, Version

SUPPORTING = (Comment.Decision.ACCEPTED, Comment.Decision.MERGED)


def draft_list(*, organization_id: int | None = None) -> QuerySet[Draft]:
    """Drafts, newest first, with their ministry and counts; one ministry's only when given
    (the partner API always gives the caller's)."""
    qs = (
        Draft.objects.select_related("organization")
        .annotate(
            version_count=Count("versions", distinct=True),
            reviewer_count=Count("reviewers", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )  # an aggregate drops Meta.ordering
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    return qs


def drafts_reviewed(*, year: int) -> QuerySet[Draft]:
    """The drafts whose opinion was sent to their ministry in `year` (Tashkent time): the
    council's reviews of that year, as the year report counts them."""
    return draft_list().filter(status=Draft.Status.SENT, sent_at__year=year)


def version_latest(*, draft: Draft) -> Version | None:
    return draft.versions.order_by("-number").first()


def version_units(*, version: Version) -> QuerySet[Unit]:
    return version.units.order_by("position")


def review_council(*, draft: Draft) -> Council | None:
    """The council that reviews: the draft's own, else the first council (the portal runs one)."""
    return draft.council or Council.objects.order_by("pk").first()


def review_experts(*, draft: Draft) -> QuerySet[Expert]:
    """The council's current members (terms covering today)."""
    council = review_council(draft=draft)
    if council is None:
        return Expert.objects.none()
    return council_current_members(council=council)


def reviewer_list(*, draft: Draft) -> QuerySet[Reviewer]:
    """Reviewers with their expert and how many articles each has commented."""
    return (
        draft.reviewers.select_related("expert")
        .annotate(comment_count=Count("comments"))
        .order_by("expert__full_name", "pk")
    )


def reviewers_silent(*, draft: Draft) -> QuerySet[Reviewer]:
    """Reviewers who have not commented at all: the reminders' audience."""
    return draft.reviewers.select_related("expert", "draft", "draft__organization").filter(
        ~Q(pk__in=Comment.objects.filter(reviewer__draft=draft).values("reviewer_id"))
    )


def article_rows(*, draft: Draft, decisions: tuple[str, ...] | None = None) -> list[dict]:
    """The draft's commented articles with their current unit (None when removed from the
    latest version) and their comments, each with `stale` (the text changed since it was
    written), in current order, removed articles last: the comments-per-article page. With
    `decisions`, only comments so decided (and the articles that have one): the opinion."""
    comments = Comment.objects.select_related("reviewer__expert", "unit").order_by(
        "created_at", "pk"
    )
    if decisions is not None:
        comments = comments.filter(decision__in=decisions)
    articles = list(
        draft.articles.filter(pk__in=comments.filter(article__draft=draft).values("article_id"))
        .select_related("opinion")
        .prefetch_related(Prefetch("comments", queryset=comments, to_attr="comment_list"))
    )
    latest = version_latest(draft=draft)
    units = latest.units.filter(article__in=[a.pk for a in articles]) if latest else []
    current = {u.article_id: u for u in units}
    rows = []
    for article in articles:
        unit = current.get(article.pk)
        for comment in article.comment_list:
            # Renumbering is no change: the text without its number is compared.
            comment.stale = unit is not None and unit_body(comment.unit.text) != unit_body(
                unit.text
            )
        rows.append({"article": article, "unit": unit, "comments": article.comment_list})
    rows.sort(key=lambda row: (row["unit"] is None, row["unit"].position if row["unit"] else 0))
    return rows


def article_for_comment(*, draft: Draft, article_id) -> tuple[Article, Unit] | None:
    """An article of the draft's latest version with its unit, or None."""
    latest = version_latest(draft=draft)
    if latest is None:
        return None
    unit = latest.units.select_related("article").filter(article_id=article_id).first()
    return (unit.article, unit) if unit else None


def version_counts(*, version: Version) -> dict:
    """{"units", "unchanged", "changed", "new", "removed"}: the version against the one before."""
    counts = {"units": 0, "unchanged": 0, "changed": 0, "new": 0}
    for change in version.units.values_list("change", flat=True):
        counts[change] += 1
        counts["units"] += 1
    previous = version.draft.versions.filter(number=version.number - 1).first()
    before = previous.units.count() if previous else 0
    counts["removed"] = before - counts["unchanged"] - counts["changed"]
    return counts
