"""Reads for press releases, with their related rows loaded (dashboard, API, public pages)."""

from django.db.models import Q, QuerySet

from .models import PressRelease, PressReleaseVersion

Status = PressRelease.Status

SEARCHED_FIELDS = ("title_cyrl", "title_latn", "title_ru", "title_en", "body_cyrl", "body_latn")


def _search(queryset: QuerySet, text: str) -> QuerySet:
    condition = Q()
    for word in text.split()[:8]:
        word_matches = Q()
        for field in SEARCHED_FIELDS:
            word_matches |= Q(**{f"{field}__icontains": word})
        condition &= word_matches
    return queryset.filter(condition)


def press_release_list_public(*, filters: dict | None = None) -> QuerySet[PressRelease]:
    """Published releases, newest first.

    filters: `q` (words searched in titles and bodies, all must match), `year` (of
    publication, int), `council` (council id).
    """
    filters = filters or {}
    queryset = (
        PressRelease.objects.filter(status=Status.PUBLISHED)
        .select_related("conference", "conference__council")
        .order_by("-published_at", "-pk")
    )
    if filters.get("q"):
        queryset = _search(queryset, str(filters["q"]))
    if filters.get("year"):
        queryset = queryset.filter(published_at__year=int(filters["year"]))
    if filters.get("council"):
        queryset = queryset.filter(conference__council_id=int(filters["council"]))
    return queryset


def press_release_get_public(*, slug: str) -> PressRelease | None:
    return press_release_list_public().filter(slug=slug).first()


def press_release_list_staff(*, filters: dict | None = None) -> QuerySet[PressRelease]:
    """Every release for the press service, most recently changed first.

    filters: `status` (one of PressRelease.Status), `q` (words), `council` (council id).
    """
    filters = filters or {}
    queryset = PressRelease.objects.select_related(
        "conference", "conference__council", "updated_by", "publish_scheduled_by"
    ).order_by("-updated_at", "-pk")
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("q"):
        queryset = _search(queryset, str(filters["q"]))
    if filters.get("council"):
        queryset = queryset.filter(conference__council_id=int(filters["council"]))
    return queryset


def press_release_get_staff(*, pk: int) -> PressRelease | None:
    return press_release_list_staff().filter(pk=pk).first()


def press_release_versions(*, release: PressRelease) -> QuerySet[PressReleaseVersion]:
    return release.versions.select_related("created_by").order_by("-number")


def press_release_years_public() -> list[int]:
    dates = press_release_list_public().dates("published_at", "year", order="DESC")
    return [d.year for d in dates]
