"""The council's year in review: the figures of /dashboard/report/<year>/ and its .docx.

Every figure that /api/v1/stats/ also serves comes from the same selector
(recommendations.selectors.figures_by_year), so the report and the API cannot disagree; the
others come from the selectors of the pages the report links to (the held conferences of
the year, the public press list of the year).
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.urls import reverse
from django_countries import countries

from conferences.models import Conference, ParticipantGroup
from pressroom.selectors import press_release_list_public
from recommendations.selectors import NO_FIGURES, figures_by_year
from regulations.selectors import drafts_reviewed

_NO_CONFERENCES = {"conferences": 0, "participants": 0, "experts": 0, "experts_by_country": {}}


def drafts_reviewed_count(*, year: int) -> int:
    """How many draft regulations the council reviewed in `year`: opinions sent that year."""
    return drafts_reviewed(year=year).count()


def drafts_reviewed_url(*, year: int) -> str:
    """The dashboard's list of those drafts (the same selector behind it)."""
    return _url("dashboard:regulation_list", {"year": year})


def _url(name: str, query: dict | None = None, **kwargs) -> str:
    path = reverse(name, kwargs=kwargs or None)
    return path + (f"?{urlencode(query)}" if query else "")


def audience_by_kind(*, year: int) -> list[tuple[str, str, int]]:
    """(code, label, number of held conferences whose audience included that kind), in the
    order of ParticipantGroup, for the held conferences of `year`; one query."""
    counts: Counter = Counter()
    held = Conference.objects.filter(status=Conference.Status.HELD, starts_at__year=year)
    for groups in held.values_list("participant_groups", flat=True):
        counts.update(set(groups or []))
    return [(code, str(label), counts[code]) for code, label in ParticipantGroup.choices]


def year_in_review(*, year: int) -> dict:
    """The report's figures, each with the address of the records behind it:

    {"year", "conferences": (n, url), "participants": (n, url), "audience": [(label, n)],
     "experts": (n, url), "experts_by_country": [(name, n, url)], "drafts_reviewed": (n, url)
     or None, "recommendations": {"made"|"accepted"|"implemented"|"overdue": (n, url)},
     "releases": (n, url)}
    """
    [row] = figures_by_year(year=year) or [
        {**_NO_CONFERENCES, "year": year, "recommendations": NO_FIGURES}
    ]
    held_url = _url("dashboard:conference_list", {"status": "held", "year": year})
    recs_url = "dashboard:recommendation_list"
    by_country = sorted(row["experts_by_country"].items(), key=lambda item: (-item[1], item[0]))
    figures = row["recommendations"]
    drafts = drafts_reviewed_count(year=year)
    return {
        "year": year,
        "conferences": (row["conferences"], held_url),
        "participants": (row["participants"], held_url),
        "audience": [(label, n) for _code, label, n in audience_by_kind(year=year) if n],
        "experts": (row["experts"], held_url),
        "experts_by_country": [
            (
                countries.name(code) or "—",
                n,
                _url("dashboard:expert_list", {"country": code}) if code else held_url,
            )
            for code, n in by_country
        ],
        "drafts_reviewed": None if drafts is None else (drafts, drafts_reviewed_url(year=year)),
        "recommendations": {
            "made": (figures["made"], _url(recs_url, {"year": year})),
            "accepted": (figures["accepted"], _url(recs_url, {"year": year, "accepted": "on"})),
            "implemented": (
                figures["implemented"],
                _url(recs_url, {"year": year, "status": "implemented"}),
            ),
            "overdue": (figures["overdue"], _url(recs_url, {"year": year, "overdue": "on"})),
        },
        "releases": (
            press_release_list_public(filters={"year": year}).count(),
            _url("pressroom:list", {"year": year}),
        ),
    }
