"""The conference import format: one JSON document describes one conference.

One code path for the `import_conference` command, the staff API and the demo data. A document is
validated whole before anything is written; an invalid one is refused with messages that name the
field and the rule (``presentations[1].presenter.country: 'UKK' is not an ISO 3166-1 code``).
"""

import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from experts.models import Language, Organization
from experts.services import council_get_or_create, expert_get_or_create, organization_get_or_create

from .models import Conference, ConferenceOrganization, ParticipantGroup
from .services import (
    ProgramOrganization,
    ProgramPresentation,
    conference_create,
    conference_experts_set,
    conference_program_set,
    conference_transition_allowed,
    conference_update,
    conference_walk_to_status,
)

EXTERNAL_ID_RE = re.compile(r"^[a-z0-9_.-]{1,100}\Z")

TOP_FIELDS = {
    "external_id",
    "language",
    "council",
    "title",
    "starts_at",
    "duration_minutes",
    "platform",
    "join_url",
    "status",
    "organizations",
    "presentations",
    "experts",
    "expert_summary",
    "participants",
    "qa",
}
PERSON_FIELDS = {"name", "name_latin", "country", "organization", "position", "email"}
ORG_FIELDS = {"name", "name_latin", "kind", "country", "role", "representatives"}
PRESENTATION_FIELDS = {"order", "title", "presenter"}
SUMMARY_FIELDS = {"count", "countries"}
PARTICIPANT_FIELDS = {"count", "approximate", "groups"}


class ConferenceImportError(Exception):
    """A refused document; `errors` lists 'field: rule' messages."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    conference: Conference
    outcome: str  # "created", "updated" or "unchanged"


@dataclass
class _Checker:
    errors: list[str] = field(default_factory=list)

    def fail(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def obj(self, value: Any, path: str, allowed: set[str], required: set[str]) -> bool:
        if not isinstance(value, dict):
            self.fail(path, _("must be an object"))
            return False
        for key in sorted(set(value) - allowed):
            self.fail(_join(path, key), _("unknown field"))
        for key in sorted(required - set(value)):
            self.fail(_join(path, key), _("is required"))
        return True

    def text(self, value: Any, path: str, *, max_length: int, required: bool = True) -> None:
        if value is None and not required:
            return
        if not isinstance(value, str):
            self.fail(path, _("must be a string"))
        elif required and not value.strip():
            self.fail(path, _("must not be empty"))
        elif len(value) > max_length:
            self.fail(path, _("must be at most %(n)d characters") % {"n": max_length})

    def choice(self, value: Any, path: str, choices) -> None:
        if value not in choices:
            self.fail(
                path,
                _("%(value)s is not one of %(choices)s")
                % {"value": json.dumps(value, ensure_ascii=False), "choices": ", ".join(choices)},
            )

    def integer(self, value: Any, path: str, *, low: int, high: int | None = None) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, _("must be an integer"))
        elif value < low or (high is not None and value > high):
            if high is None:
                self.fail(path, _("must be at least %(low)d") % {"low": low})
            else:
                self.fail(path, _("must be between %(low)d and %(high)d") % locals())

    def boolean(self, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            self.fail(path, _("must be true or false"))

    def country(self, value: Any, path: str) -> None:
        if not isinstance(value, str) or len(value) != 2 or value not in countries:
            self.fail(
                path,
                _("%(value)s is not an ISO 3166-1 code")
                % {"value": repr(value) if isinstance(value, str) else json.dumps(value)},
            )

    def array(self, value: Any, path: str) -> list:
        if not isinstance(value, list):
            self.fail(path, _("must be a list"))
            return []
        return value

    def person(self, value: Any, path: str) -> None:
        if not self.obj(value, path, PERSON_FIELDS, {"name"}):
            return
        if "name" in value:
            self.text(value["name"], _join(path, "name"), max_length=200)
        self.text(
            value.get("name_latin"), _join(path, "name_latin"), max_length=200, required=False
        )
        self.text(value.get("position"), _join(path, "position"), max_length=300, required=False)
        self.text(
            value.get("organization"), _join(path, "organization"), max_length=300, required=False
        )
        if "country" in value:
            self.country(value["country"], _join(path, "country"))
        if "email" in value:
            email = value["email"]
            try:
                if not isinstance(email, str):
                    raise ValidationError("")
                EmailValidator()(email)
            except ValidationError:
                self.fail(
                    _join(path, "email"), _("%(value)r is not an email address") % {"value": email}
                )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _parse_starts_at(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def conference_document_validate(document: Any) -> list[str]:
    """Every rule the document breaks, as 'field: rule' messages; empty when it is valid."""
    check = _Checker()
    required = {"external_id", "language", "council", "title", "starts_at", "status"}
    if not check.obj(document, "", TOP_FIELDS, required):
        return [_("document: must be a JSON object")]
    doc = document

    if "external_id" in doc and not (
        isinstance(doc["external_id"], str) and EXTERNAL_ID_RE.match(doc["external_id"])
    ):
        check.fail("external_id", _("must be 1–100 characters of a-z, 0-9, '-', '_' and '.'"))
    if "language" in doc:
        check.choice(doc["language"], "language", Language.values)
    if "council" in doc:
        check.text(doc["council"], "council", max_length=300)
    if "title" in doc:
        check.text(doc["title"], "title", max_length=300)
    if "starts_at" in doc and _parse_starts_at(doc["starts_at"]) is None:
        check.fail("starts_at", _("must be an ISO 8601 date and time with an offset"))
    if "duration_minutes" in doc:
        check.integer(doc["duration_minutes"], "duration_minutes", low=1, high=1440)
    if "platform" in doc:
        check.choice(doc["platform"], "platform", Conference.Platform.values)
    if "join_url" in doc:
        try:
            if not isinstance(doc["join_url"], str):
                raise ValidationError("")
            URLValidator(schemes=["https"])(doc["join_url"])
        except ValidationError:
            check.fail("join_url", _("must be an https URL"))
    if "status" in doc:
        check.choice(doc["status"], "status", Conference.Status.values)
    if "qa" in doc:
        check.boolean(doc["qa"], "qa")

    for i, org in enumerate(check.array(doc.get("organizations", []), "organizations")):
        path = f"organizations[{i}]"
        if not check.obj(org, path, ORG_FIELDS, {"name", "kind", "country", "role"}):
            continue
        if "name" in org:
            check.text(org["name"], f"{path}.name", max_length=300)
        check.text(org.get("name_latin"), f"{path}.name_latin", max_length=300, required=False)
        if "kind" in org:
            check.choice(org["kind"], f"{path}.kind", Organization.Kind.values)
        if "country" in org:
            check.country(org["country"], f"{path}.country")
        if "role" in org:
            check.choice(org["role"], f"{path}.role", ConferenceOrganization.Role.values)
        for j, rep in enumerate(
            check.array(org.get("representatives", []), f"{path}.representatives")
        ):
            check.person(rep, f"{path}.representatives[{j}]")

    orders: set[int] = set()
    for i, pres in enumerate(check.array(doc.get("presentations", []), "presentations")):
        path = f"presentations[{i}]"
        if not check.obj(pres, path, PRESENTATION_FIELDS, PRESENTATION_FIELDS):
            continue
        if "order" in pres:
            before = len(check.errors)
            check.integer(pres["order"], f"{path}.order", low=1, high=32767)
            if len(check.errors) == before:
                if pres["order"] in orders:
                    check.fail(f"{path}.order", _("%(n)d is used twice") % {"n": pres["order"]})
                orders.add(pres["order"])
        if "title" in pres:
            check.text(pres["title"], f"{path}.title", max_length=300)
        if "presenter" in pres:
            check.person(pres["presenter"], f"{path}.presenter")

    for i, person in enumerate(check.array(doc.get("experts", []), "experts")):
        check.person(person, f"experts[{i}]")

    if "expert_summary" in doc:
        summary = doc["expert_summary"]
        if check.obj(summary, "expert_summary", SUMMARY_FIELDS, {"count"}):
            if "count" in summary:
                check.integer(summary["count"], "expert_summary.count", low=0)
            for i, code in enumerate(
                check.array(summary.get("countries", []), "expert_summary.countries")
            ):
                check.country(code, f"expert_summary.countries[{i}]")

    if "participants" in doc:
        part = doc["participants"]
        if check.obj(part, "participants", PARTICIPANT_FIELDS, {"count"}):
            if "count" in part:
                check.integer(part["count"], "participants.count", low=0)
            if "approximate" in part:
                check.boolean(part["approximate"], "participants.approximate")
            for i, group in enumerate(check.array(part.get("groups", []), "participants.groups")):
                check.choice(group, f"participants.groups[{i}]", ParticipantGroup.values)
    return check.errors


def conference_document_parse(text: str | bytes) -> Any:
    """The JSON of a document; a syntax error becomes a refusal naming the line and column."""
    try:
        return json.loads(text)
    except UnicodeDecodeError:
        raise ConferenceImportError([_("document: is not UTF-8 text")]) from None
    except json.JSONDecodeError as exc:
        raise ConferenceImportError(
            [
                _("document: not valid JSON (%(msg)s at line %(line)d, column %(col)d)")
                % {"msg": exc.msg, "line": exc.lineno, "col": exc.colno}
            ]
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
        "starts_at": _parse_starts_at(doc["starts_at"]),
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
    program = _program(doc)
    experts = [_person(p) for p in doc.get("experts", [])]
    if existing is None:
        conference = conference_create(external_id=doc["external_id"], by=by, **values)
        conference_program_set(conference=conference, by=by, **program)
        changed = True
    else:
        conference = existing
        changed = bool(conference_update(conference=conference, by=by, **values, **program))
    changed |= conference_experts_set(conference=conference, experts=experts, by=by)
    return conference, changed


@transaction.atomic
def conference_import(*, document: Any, by=None) -> ImportResult:
    """Create or update the conference a document describes, keyed by `external_id`.

    Validates the whole document first: a refused document raises ConferenceImportError and
    writes nothing. Importing the same document again changes nothing; a changed one updates
    the conference in place, through the same services as the dashboard and the admin, so
    invitees hear of it as they would from there. People and organisations are matched, never
    duplicated.
    """
    errors = conference_document_validate(document)
    existing = None
    if not errors:
        existing = (
            Conference.objects.select_for_update()
            .filter(external_id=document["external_id"])
            .first()
        )
        errors = _status_refusal(existing, document["status"])
    if errors:
        raise ConferenceImportError(errors)
    try:
        conference, changed = _conference_write(doc=document, existing=existing, by=by)
    except ValidationError as exc:
        # The document was checked whole above, so this is a rule only the services know,
        # such as one organisation named twice in one role, or a held conference moved.
        raise ConferenceImportError(_refusal_lines(exc)) from None
    previous = conference.status
    conference_walk_to_status(conference=conference, status=document["status"], by=by)
    if existing is None:
        outcome = "created"
    else:
        outcome = "updated" if changed or conference.status != previous else "unchanged"
    return ImportResult(conference=conference, outcome=outcome)


def conference_import_text(*, text: str | bytes, by=None) -> ImportResult:
    return conference_import(document=conference_document_parse(text), by=by)
