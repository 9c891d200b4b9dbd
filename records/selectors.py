"""Reads for meeting records: the facts a record is drafted from, and the records staff see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone, translation

from conferences.models import Conference, Invitation, ParticipantGroup
from integrations.figures import attendance_figures
from integrations.models import Attendee, Question

from .models import MeetingRecord


def council_attendance(*, conference: Conference) -> dict[str, list[str]]:
    """The council's members on the conference's day (Tashkent), by name, split into
    {"present": [...], "excused": [...], "absent": [...]}, each sorted by name.

    Present: the participant reports hold them (matched to them or to their invitation) and
    they attended (integrations.attendance's threshold). Excused: not present, and they
    declined the invitation. Absent: the rest, those who never answered included. Three
    queries.
    """
    day = timezone.localtime(conference.starts_at).date()
    memberships = conference.council.memberships.select_related("expert").filter(
        start_date__lte=day
    )
    members = {
        m.expert_id: m.expert.full_name
        for m in memberships
        if m.end_date is None or m.end_date >= day
    }
    present = set(
        Attendee.objects.filter(
            conference=conference, attended=True, expert_id__in=members
        ).values_list("expert_id", flat=True)
    )
    declined = set(
        Invitation.objects.filter(
            conference=conference, expert_id__in=members, answer=Invitation.Answer.DECLINED
        ).values_list("expert_id", flat=True)
    )
    split: dict[str, list[str]] = {"present": [], "excused": [], "absent": []}
    for pk, name in members.items():
        if pk in present:
            split["present"].append(name)
        elif pk in declined:
            split["excused"].append(name)
        else:
            split["absent"].append(name)
    return {part: sorted(names) for part, names in split.items()}


def _agenda(conference: Conference) -> str:
    lines = []
    for item in conference.presentations.select_related(
        "presenter", "presenter__organization"
    ).order_by("order"):
        presenter = item.presenter
        about = ", ".join(
            part
            for part in (
                presenter.position,
                presenter.organization.name if presenter.organization else "",
            )
            if part
        )
        who = f"{presenter.full_name} ({about})" if about else presenter.full_name
        lines.append(f"{item.order}. «{item.title}» — {who}")
    return "\n".join(lines)


def _audience(conference: Conference) -> str:
    figures = attendance_figures(conference=conference)
    if figures["total"] is None:
        return ""
    labels = dict(ParticipantGroup.choices)
    with translation.override("uz-cyrl"):
        lines = [f"Жами: {figures['total']} нафар"]
        lines += [f"{labels[kind]}: {count}" for kind, count in figures["by_kind"].items()]
    return "\n".join(lines)


def _questions(conference: Conference) -> str:
    lines = []
    for question in Question.objects.filter(conference=conference).order_by("asked_at", "pk"):
        asker = f" ({question.asker_name})" if question.asker_name else ""
        answer = f" — {question.answer}" if question.answer else ""
        lines.append(f"— {question.question}{asker}{answer}")
    return "\n".join(lines)


def record_facts(*, conference: Conference) -> dict[str, str]:
    """Every part of a drafted record (models.PARTS) as text in Uzbek Cyrillic; the names
    lists hold one name a line, the decisions are left for the secretary."""
    council = council_attendance(conference=conference)
    return {
        "agenda": _agenda(conference),
        "present": "\n".join(council["present"]),
        "excused": "\n".join(council["excused"]),
        "absent": "\n".join(council["absent"]),
        "audience": _audience(conference),
        "questions": _questions(conference),
        "decisions": "",
    }


def record_list() -> QuerySet[MeetingRecord]:
    return MeetingRecord.objects.select_related("conference", "conference__council").order_by(
        "-conference__starts_at", "pk"
    )
