"""Figures of a conference's audience: how many people, by kind of participant and by
organisation; recorded (the participant reports, matched to invitations and experts) wherever
recorded data exists, else declared (the declared count, the accepted invitations).

The press release (pressroom.drafting), the dashboard's audience page and /api/v1/stats/
read these; each partner reads its own organisation's through the API. Plain data only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, ExtractYear, NullIf

from conferences.models import Conference, Invitation, ParticipantGroup

from .models import Attendee

# A position names a kind by one of these words (Uzbek in both scripts, Russian, English),
# tried in this order: "проректор" holds "ректор", so the vice-rector is asked first.
KIND_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (ParticipantGroup.VICE_RECTOR, ("проректор", "prorektor", "vice-rector", "vice rector")),
    (ParticipantGroup.RECTOR, ("ректор", "rektor", "rector")),
    (ParticipantGroup.DEAN, ("декан", "dekan", "dean")),
    (ParticipantGroup.HEAD_OF_DEPARTMENT, (
        "кафедра мудири", "kafedra mudiri", "заведующий кафедр", "зав. кафедр",
        "head of department", "head of the department",
    )),
    (ParticipantGroup.MINISTRY, ("вазирлик", "vazirlik", "министерств", "ministry")),
    (ParticipantGroup.PROFESSOR, (
        "профессор", "professor", "доцент", "dotsent", "docent", "ўқитувчи", "o'qituvchi",
        "oʻqituvchi", "преподавател", "teacher", "lecturer",
    )),
    (ParticipantGroup.STUDENT, ("талаба", "talaba", "студент", "student")),
]  # fmt: skip
KIND_ORDER = [value for value, _label in ParticipantGroup.choices]
_SPACES = re.compile(r"\s+")


def participant_kind(position: str, chosen: str = "") -> str:
    """The kind chosen at registration, else the first kind the position names, else "other"."""
    if chosen:
        return chosen
    text = _SPACES.sub(" ", (position or "").casefold())
    for kind, words in KIND_WORDS:
        if any(word in text for word in words):
            return kind
    return ParticipantGroup.OTHER


def _people(rows: Iterable[tuple]) -> dict:
    """rows: (chosen kind, position, organisation) per person."""
    kinds: Counter = Counter()
    organizations: Counter = Counter()
    total = 0
    for chosen, position, organization in rows:
        total += 1
        kinds[participant_kind(position or "", chosen or "")] += 1
        organizations[(organization or "").strip()] += 1
    return {
        "total": total,
        "by_kind": {kind: kinds[kind] for kind in KIND_ORDER if kinds[kind]},
        "by_organization": dict(
            sorted(organizations.items(), key=lambda item: (-item[1], item[0]))
        ),
    }


def _attendee_rows(attendees: QuerySet) -> QuerySet:
    """(kind, position, organisation) of each person: the invitation's, else the expert's."""
    return attendees.annotate(
        _kind=F("invitation__kind"),
        _position=Coalesce(NullIf(F("invitation__position"), Value("")), F("expert__position")),
        _organization=Coalesce(
            F("invitation__registered_by__name"),
            NullIf(F("invitation__organization"), Value("")),
            F("expert__organization__name"),
        ),
    ).values_list("_kind", "_position", "_organization")


def _accepted_rows(invitations: QuerySet) -> QuerySet:
    return invitations.filter(
        answer=Invitation.Answer.ACCEPTED, cancelled_at__isnull=True
    ).values_list("kind", "position", Coalesce(F("registered_by__name"), F("organization")))


def attendance_figures(*, conference: Conference, organization_id: int | None = None) -> dict:
    """{"source": "recorded" | "declared", "total": int | None, "by_kind": {kind: n},
    "by_organization": {name ("" unknown): n}}; kinds are ParticipantGroup values in their
    order, zero counts left out; organisations by count, then name.

    Recorded: the people of the participant reports (a person nobody matched is of kind
    "other", organisation ""). Declared, when no report was imported: the declared number as
    the total, and the accepted invitations by kind and organisation. With `organization_id`
    (a partner), only the people it registered: its own figures, never another's.
    Two queries.
    """
    attendees = Attendee.objects.filter(conference=conference)
    invitations = Invitation.objects.filter(conference=conference)
    if organization_id is not None:
        # Its people: those it registered, whoever invited them first.
        attendees = attendees.filter(
            invitation__partner_registrations__organization_by_id=organization_id
        )
        invitations = invitations.filter(partner_registrations__organization_by_id=organization_id)
    recorded = conference.participants_count_recorded is not None
    if recorded:
        figures = _people(_attendee_rows(attendees))
        return {"source": "recorded", **figures}
    figures = _people(_accepted_rows(invitations))
    if organization_id is None:
        figures["total"] = conference.participants_count_declared
    return {"source": "declared", **figures}


def attendance_figures_by_year(*, conferences: QuerySet) -> dict[int, dict]:
    """{year: {"by_kind": {...}, "by_organization": {...}}} of the people recorded at
    `conferences` (held ones): a conference without a participant report adds its declared
    total to the year's figure but no one by kind or organisation (nobody is known one by
    one). One query, whatever the number of conferences."""
    per_year: dict[int, list] = {}
    recorded = conferences.filter(participants_count_recorded__isnull=False)
    rows = _attendee_rows(Attendee.objects.filter(conference__in=recorded.values("pk")))
    for year, *person in rows.annotate(_year=ExtractYear("conference__starts_at")).values_list(
        "_year", "_kind", "_position", "_organization"
    ):
        per_year.setdefault(year, []).append(person)
    result = {}
    for year, people in per_year.items():
        figures = _people(people)
        result[year] = {
            "by_kind": figures["by_kind"],
            "by_organization": figures["by_organization"],
        }
    return result
