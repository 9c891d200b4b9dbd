"""The conference import: one JSON document describes one conference.

One code path for the `import_conference` command, the staff API and the demo data. A document is
validated whole before anything is written (the format is declared in `import_format`); an
invalid one is refused with messages that name the field and the rule
(``presentations[1].presenter.country: 'UKK' is not an ISO 3166-1 code``).
"""

import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from elyurt.json_bounded import JsonTooDeep, json_depth, json_loads_bounded
from elyurt.text import text_clean, text_has_line_break
from experts.models import Organization
from experts.names import name_key
from experts.services import council_get_or_create, expert_get_or_create, organization_get_or_create
from recommendations.services import conference_recommendations_import

from .import_format import conference_document_validate
from .models import Conference
from .services import (
    ProgramOrganization,
    ProgramPresentation,
    conference_save,
    conference_transition_allowed,
    conference_walk_to_status,
)


class ConferenceImportError(Exception):
    """A refused document; `errors` lists 'field: rule' messages."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    conference: Conference
    outcome: str  # "created", "updated" or "unchanged"
    # 'field: note' lines about what was taken other than as given (a line break folded).
    notes: list[str] = field(default_factory=list)


def _document_fold(value: Any, path: str = "") -> tuple[Any, list[str]]:
    """The document with every string cleaned as one line (elyurt.text): a line break, as a
    file from Word or Excel carries, is folded into a space, and a note names each field
    folded. Every text of the format is one line; other values pass as they are."""
    if isinstance(value, str):
        where = path or "document"
        notes = [f"{where}: " + _("line breaks folded into spaces")]
        folded = text_clean(value, field=where, fold_lines=True)
        return folded, notes if text_has_line_break(value) else []
    if isinstance(value, dict):
        entries = {
            key: _document_fold(item, f"{path}.{key}" if path else key)
            for key, item in value.items()
        }
        folded = {key: item for key, (item, _notes) in entries.items()}
        return folded, [note for _item, notes in entries.values() for note in notes]
    if isinstance(value, list):
        entries = [_document_fold(item, f"{path}[{i}]") for i, item in enumerate(value)]
        return [item for item, _notes in entries], [note for _item, ns in entries for note in ns]
    return value, []


def conference_document_parse(text: str | bytes) -> Any:
    """The JSON of a document; a syntax error becomes a refusal naming the line and column."""
    try:
        return json_loads_bounded(text)
    except JsonTooDeep as exc:
        raise ConferenceImportError(["document: " + str(exc)]) from None
    except UnicodeDecodeError:
        raise ConferenceImportError([_("document: is not UTF-8 text")]) from None
    except json.JSONDecodeError as exc:
        raise ConferenceImportError(
            [
                _("document: not valid JSON (%(msg)s at line %(line)d, column %(col)d)")
                % {"msg": exc.msg, "line": exc.lineno, "col": exc.colno}
            ]
        ) from None
    except ValueError as exc:
        # Valid syntax Python still refuses, such as a number of more than 4,300 digits.
        raise ConferenceImportError(
            [_("document: not valid JSON (%(msg)s)") % {"msg": exc}]
        ) from None


def _person(data: dict):
    org = None
    if data.get("organization"):
        org = organization_get_or_create(name=data["organization"])
    return expert_get_or_create(
        name=data["name"],
        name_latin=data.get("name_latin", ""),
        country=data.get("country", ""),
        organization=org,
        position=data.get("position", ""),
        email=data.get("email", ""),
    )


# The document's name of a Conference field where it is not the field's own, so a refusal by
# the service names the document's field.
DOCUMENT_PATHS = {
    "expert_count_declared": "expert_summary.count",
    "expert_countries_declared": "expert_summary.countries",
    "participants_count_declared": "participants.count",
    "participants_approximate": "participants.approximate",
    "participant_groups": "participants.groups",
    "qa_held": "qa",
}


def _conference_values(doc: dict) -> dict:
    """The Conference fields a valid document gives, as conference_create takes them."""
    summary = doc.get("expert_summary") or {}
    participants = doc.get("participants") or {}
    # A document without a join link leaves the stored one: the link Zoom made for a scheduled
    # conference must survive the document being imported again.
    link = {"join_url": doc["join_url"]} if "join_url" in doc else {}
    return {
        **link,
        "council": council_get_or_create(name=doc["council"]),
        "title": doc["title"],
        "language": doc["language"],
        "starts_at": doc["starts_at"],
        "duration_minutes": doc.get("duration_minutes", 120),
        "platform": doc.get("platform", Conference.Platform.ZOOM),
        "expert_count_declared": summary.get("count"),
        "expert_countries_declared": summary.get("countries", []),
        "participants_count_declared": participants.get("count"),
        "participants_approximate": participants.get("approximate", False),
        "participant_groups": participants.get("groups", []),
        "qa_held": doc.get("qa", False),
    }


def _program(doc: dict) -> dict:
    """The organisations and agenda of a valid document as the services' entries."""
    organizations = [
        ProgramOrganization(
            organization=organization_get_or_create(
                name=org_doc["name"],
                name_latin=org_doc.get("name_latin", ""),
                kind=org_doc["kind"],
                country=org_doc["country"],
            ),
            role=org_doc["role"],
            order=index,
            representatives=[_person(p) for p in org_doc.get("representatives", [])],
        )
        for index, org_doc in enumerate(doc.get("organizations", []))
    ]
    presentations = [
        ProgramPresentation(
            order=pres_doc["order"],
            title=pres_doc["title"],
            presenter=_person(pres_doc["presenter"]),
        )
        for pres_doc in doc.get("presentations", [])
    ]
    return {"organizations": organizations, "presentations": presentations}


def _status_refusal(existing: Conference | None, target: str) -> list[str]:
    """The refusal of a document whose status the stored conference cannot reach."""
    if existing is None or existing.status == target:
        return []
    reachable = conference_transition_allowed(current=existing.status, target=target) or (
        existing.status == Conference.Status.DRAFT and target == Conference.Status.HELD
    )
    if reachable:
        return []
    return [
        "status: "
        + _("cannot change from %(current)s to %(target)s")
        % {"current": existing.status, "target": target}
    ]


def _refusal_lines(exc: ValidationError) -> list[str]:
    """A service's refusal as the import's 'field: rule' lines, fields named as in the
    document (entries of the programme are numbered as in the document)."""
    return [
        f"{DOCUMENT_PATHS.get(path, path)}: {message}"
        for path, messages in exc.message_dict.items()
        for message in messages
    ]


def _conference_write(*, doc: dict, existing: Conference | None, by) -> tuple[Conference, bool]:
    """Create or update the conference through the services; whether anything changed.

    An update is one conference_update call, its fields and programme together: a moved start
    and a new agenda are one change, one calendar UPDATE.
    """
    values = _conference_values(doc)
    if existing is None:
        values["external_id"] = doc["external_id"]
    conference, changed = conference_save(
        conference=existing,
        by=by,
        experts=[_person(p) for p in doc.get("experts", [])],
        **values,
        **_program(doc),
    )
    return conference, bool(changed)


def _recommendations_write(*, doc: dict, conference: Conference, by) -> bool:
    """The document's recommendations made (or their due date and addressee brought up to date)
    through recommendations.services; whether anything changed. The addressees were checked
    by the format (an organisation of the document or one already known)."""
    if "recommendations" not in doc:
        return False
    entries = doc["recommendations"]
    keys = {name_key(entry["addressee"]) for entry in entries}
    organizations = {org.name_key: org for org in Organization.objects.filter(name_key__in=keys)}
    items = [
        {
            "text": entry["text"],
            "addressee": organizations[name_key(entry["addressee"])],
            "due_on": entry["due"],
        }
        for entry in entries
    ]
    try:
        return conference_recommendations_import(conference=conference, items=items, by=by)
    except ValidationError as exc:
        lines = []
        for path, messages in exc.message_dict.items():
            path = path.replace("items[", "recommendations[").replace(".due_on", ".due")
            lines += [f"{path}: {message}" for message in messages]
        raise ConferenceImportError(lines) from None


@transaction.atomic
def conference_import(*, document: Any, by=None) -> ImportResult:
    """Create or update the conference a document describes, keyed by `external_id`.

    Validates the whole document first: a refused document raises ConferenceImportError and
    writes nothing. Importing the same document again changes nothing; a changed one updates
    the conference in place, through the same services as the dashboard and the admin, so
    invitees hear of it as they would from there. People and organisations are matched, never
    duplicated. Text is cleaned as one line, a line break folded into a space and noted in the
    result's `notes`.
    """
    if json_depth(document) > settings.JSON_MAX_DEPTH:
        # Folding and validation recurse per level; a document from Python is bounded as one
        # parsed from text is.
        raise ConferenceImportError(
            [
                "document: "
                + _("JSON nested more than %(max)d levels deep") % {"max": settings.JSON_MAX_DEPTH}
            ]
        )
    document, notes = _document_fold(document)
    doc, errors = conference_document_validate(document)
    existing = None
    if not errors:
        existing = (
            Conference.objects.select_for_update().filter(external_id=doc["external_id"]).first()
        )
        errors = _status_refusal(existing, doc["status"])
    if errors:
        raise ConferenceImportError(errors)
    try:
        conference, changed = _conference_write(doc=doc, existing=existing, by=by)
    except ValidationError as exc:
        # The document was checked whole above, so this is a rule only the services know,
        # such as one organisation named twice in one role, or a held conference moved.
        raise ConferenceImportError(_refusal_lines(exc)) from None
    previous = conference.status
    conference_walk_to_status(conference=conference, status=doc["status"], by=by)
    changed |= _recommendations_write(doc=doc, conference=conference, by=by)
    if existing is None:
        outcome = "created"
    else:
        outcome = "updated" if changed or conference.status != previous else "unchanged"
    return ImportResult(conference=conference, outcome=outcome, notes=notes)


def conference_import_text(*, text: str | bytes, by=None) -> ImportResult:
    return conference_import(document=conference_document_parse(text), by=by)
