"""Writes for conferences. The status changes here and nowhere else; a conference's
organisations, agenda and experts are written here and nowhere else."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_iso, activity_record
from elyurt.text import text_clean, texts_clean
from experts.models import Expert, Organization

from . import signals
from .models import Conference, ConferenceOrganization, Presentation
from .slugs import slug_base, slug_unique

Status = Conference.Status

# Held is final: its facts feed the press release. A cancelled conference may be reopened.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SCHEDULED, Status.CANCELLED},
    Status.SCHEDULED: {Status.HELD, Status.CANCELLED},
    Status.CANCELLED: {Status.DRAFT},
    Status.HELD: set(),
}

# The fields whose change reaches people already invited (calendar UPDATE, Zoom sync); a held or
# cancelled conference keeps them.
SCHEDULE_FIELDS = {"title", "starts_at", "duration_minutes", "join_url", "meeting_id", "passcode"}

# What an invitee's calendar entry shows: the schedule, and the agenda in its description. A
# change to any of these sends conference_schedule_changed (on a scheduled conference, a
# calendar UPDATE).
CALENDAR_FIELDS = SCHEDULE_FIELDS | {"presentations", "title_latn", "title_cyrl"}

# The topic's corrections in the other script (elyurt/script_text.py): blank means derived.
TITLE_OVERRIDES = ("title_latn", "title_cyrl")

# The rows of a conference's programme, as names in a `changed` set.
PROGRAM_NAMES = {"organizations", "presentations", "experts"}

# How a refusal names one programme entry's field, such as ``presentations[1].title``: the
# staff pages show it on that entry's row.
PROGRAM_ERROR_KEY = re.compile(r"^(organizations|presentations)\[(\d+)\]\.(\w+)$")

# The upper bound of a PositiveSmallIntegerField, which both `order` columns are.
ORDER_MAX = 32767

# A conference's text, one line each: the title goes into mail subjects, the .ics, the feeds
# and the .docx; the link, meeting id and passcode into calendar and mail lines. Cleaned here,
# once (elyurt.text), so no renderer needs a guard of its own.
TEXT_FIELDS = ("title", *TITLE_OVERRIDES, "join_url", "meeting_id", "passcode", "recording_url")


def _texts_clean(fields: dict) -> tuple[dict, dict[str, list[str]]]:
    """`fields` with their text cleaned, and the refusals (a line break in a title) by field."""
    try:
        return texts_clean(fields, single_line=TEXT_FIELDS), {}
    except ValidationError as exc:
        return fields, exc.message_dict


def conference_slug_new(*, title: str, starts_at) -> str:
    """A free public address for a new conference (conferences.slugs); never changed later."""
    base = slug_base(title=title, starts_at=starts_at)
    return slug_unique(base, lambda slug: Conference.objects.filter(slug=slug).exists())


@transaction.atomic
def conference_create(*, council, title: str, starts_at, by=None, **fields) -> Conference:
    """Create a conference in draft; `fields` are other Conference fields (not `status`).

    Text is cleaned (TEXT_FIELDS, elyurt.text); a line break in the title, or any field the
    model refuses, raises ValidationError naming the field and nothing is written.
    """
    if "status" in fields:
        raise ValueError("status is set through conference_set_status")
    fields, errors = _texts_clean({"title": title, **fields})
    if errors:
        raise ValidationError(errors)
    conference = Conference(council=council, starts_at=starts_at, **fields)
    if starts_at is not None:
        conference.slug = conference_slug_new(title=conference.title, starts_at=starts_at)
    conference.full_clean()
    conference.save()
    activity_record(action=Action.CONFERENCE_CREATED, target=conference, by=by)
    return conference


@transaction.atomic
def conference_update(
    *,
    conference: Conference,
    by=None,
    organizations: Sequence["ProgramOrganization"] | None = None,
    presentations: Sequence["ProgramPresentation"] | None = None,
    **fields,
) -> set[str]:
    """Change a conference's fields, and its programme when `organizations` or `presentations`
    is given (replaced as conference_program_set does); returns the names that changed.

    Receivers hear of every saved change once per call (conferences.signals): a new time
    and a new agenda saved together make one calendar UPDATE, not two. A held or cancelled
    conference keeps its schedule: changing it raises ValidationError on `starts_at`. Text is
    cleaned as conference_create does, agenda titles too. Nothing is written when any of it is
    refused.
    """
    if "status" in fields:
        raise ValueError("status is set through conference_set_status")
    fields, errors = _texts_clean(fields)
    program, program_errors = _program_validate(
        organizations=organizations, presentations=presentations
    )
    errors |= program_errors
    changed = {name for name, value in fields.items() if getattr(conference, name) != value}
    if "title" in changed:
        # A correction of the old topic's other script is wrong for the new one: derive again,
        # unless this very call brings the correction along.
        for name in TITLE_OVERRIDES:
            if name not in fields and getattr(conference, name):
                fields[name] = ""
                changed.add(name)
    if changed & SCHEDULE_FIELDS and conference.status in (Status.HELD, Status.CANCELLED):
        errors["starts_at"] = [_("A held or cancelled conference cannot be rescheduled.")]
    if errors:
        raise ValidationError(errors)
    starts_before = conference.starts_at
    if changed:
        for name in changed:
            setattr(conference, name, fields[name])
        conference.full_clean()
        conference.save()
    changed |= _program_write(conference=conference, program=program)
    if changed:
        data = {"changed": sorted(changed)}
        if "starts_at" in changed:
            data["from"], data["to"] = (
                activity_iso(starts_before),
                activity_iso(conference.starts_at),
            )
        action = Action.CONFERENCE_MOVED if "starts_at" in changed else Action.CONFERENCE_UPDATED
        activity_record(action=action, target=conference, by=by, data=data)
    _changes_announce(conference=conference, changed=changed, by=by)
    return changed


@transaction.atomic
def conference_save(
    *,
    conference: Conference | None,
    by=None,
    organizations: Sequence["ProgramOrganization"] | None = None,
    presentations: Sequence["ProgramPresentation"] | None = None,
    experts: Sequence[Expert | int] | None = None,
    **fields,
) -> tuple[Conference, set[str]]:
    """What a form or a document saves: a new conference (`conference` None; `fields` hold at
    least council, title and starts_at) or a change to one, with its programme and, when
    given, the experts who took part. Returns the conference and the names that changed
    ({"created"} and what else was given, for a new one).

    The one path of the dashboard's form, the admin's form and the import: a change is one
    conference_update call, so a moved start and a new agenda are one calendar UPDATE. Raises
    ValidationError as the services it calls do; nothing is written then.
    """
    if conference is None:
        conference = conference_create(
            council=fields.pop("council", None),
            title=fields.pop("title", ""),
            starts_at=fields.pop("starts_at", None),
            by=by,
            **fields,
        )
        changed = {"created"}
        changed |= conference_program_set(
            conference=conference,
            organizations=organizations or (),
            presentations=presentations or (),
            by=by,
        )
    else:
        changed = conference_update(
            conference=conference,
            by=by,
            organizations=organizations,
            presentations=presentations,
            **fields,
        )
    if experts is not None and conference_experts_set(
        conference=conference, experts=experts, by=by
    ):
        changed.add("experts")
    return conference, changed


def conference_transition_allowed(*, current: str, target: str) -> bool:
    return target in ALLOWED_TRANSITIONS.get(current, set())


@transaction.atomic
def conference_set_status(*, conference: Conference, status: str, by=None) -> Conference:
    """Move a conference to `status` if the transition is allowed; record who did it.

    Held is final and drafts the press release and the meeting record, so a conference whose
    `starts_at` is still ahead is never marked held, by staff or by Zoom (issue 15: a
    conference marked held by hand before it started could not be undone).

    Raises ValidationError naming the `status` field when the transition is not allowed
    (code "not_started" when only the start still ahead stands in the way).
    """
    locked = Conference.objects.select_for_update().get(pk=conference.pk)
    previous = locked.status
    if not conference_transition_allowed(current=previous, target=status):
        raise ValidationError(
            {
                "status": _("A conference cannot go from %(current)s to %(target)s.")
                % {"current": previous, "target": status}
            }
        )
    if status == Status.HELD and locked.starts_at > timezone.now():
        raise ValidationError(
            {
                "status": ValidationError(
                    _("This conference has not started yet; it cannot be marked held."),
                    code="not_started",
                )
            }
        )
    # updated_at too: conditional GETs compare it, and a status shows in every answer.
    now = timezone.now()
    Conference.objects.filter(pk=conference.pk).update(status=status, updated_at=now)
    conference.status, conference.updated_at = status, now
    activity_record(
        action=Action.CONFERENCE_STATUS_CHANGED,
        target=conference,
        by=by,
        data={"from": previous, "to": status},
    )
    signals.conference_status_changed.send(
        sender=Conference, conference=conference, previous=previous, by=by
    )
    return conference


def conference_walk_to_status(*, conference: Conference, status: str, by=None) -> Conference:
    """Reach `status` by allowed steps: an imported past event goes draft→scheduled→held."""
    paths = {
        (Status.DRAFT, Status.HELD): [Status.SCHEDULED, Status.HELD],
    }
    if conference.status == status:
        return conference
    for step in paths.get((conference.status, status), [status]):
        conference_set_status(conference=conference, status=step, by=by)
    return conference


# --- organisations, agenda and experts --------------------------------------------------------


@dataclass(frozen=True)
class ProgramOrganization:
    """An organisation taking part in a conference. `organization` and each representative are
    a saved row or its primary key."""

    organization: Organization | int
    role: str
    order: int = 0
    representatives: Sequence[Expert | int] = ()


@dataclass(frozen=True)
class ProgramPresentation:
    """One talk of the agenda. `presenter` is a saved Expert or its primary key. `slides` is the
    stored file's name; None keeps the file of the talk now at this `order` (the import knows
    no slides; they are uploaded in the admin)."""

    order: int
    title: str
    presenter: Expert | int
    slides: str | None = None
    # Corrections of the title's other script (elyurt/script_text.py); None keeps the stored
    # one (the dashboard's agenda and the import know none), "" goes back to derived.
    title_latn: str | None = None
    title_cyrl: str | None = None


@dataclass(frozen=True)
class _Program:
    # (organization id, role) -> (order, representative ids); None: leave them as they are.
    organizations: dict[tuple[int, str], tuple[int, frozenset[int]]] | None
    # order -> (title, presenter id, slides, {override field: text} given)
    presentations: dict[int, tuple[str, int, str | None, dict[str, str]]] | None


def _pk(value, model) -> int | None:
    """The primary key of a `model` row the caller gave as the row or the number; None when
    it is neither (an unsaved row, a row of another model, text)."""
    if isinstance(value, models.Model):
        return value.pk if isinstance(value, model) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


class _Check:
    """The rules a programme breaks, keyed by the entry's field (``presentations[1].order``),
    and the rows it names, looked up together at the end (one query per model)."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}
        self.named: dict[type[models.Model], list[tuple[str, int]]] = {Organization: [], Expert: []}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def row_id(self, value, path: str, model: type[models.Model]) -> int | None:
        pk = _pk(value, model)
        if pk is None:
            self.fail(path, _("%(value)r is not a saved row or its id.") % {"value": value})
        else:
            self.named[model].append((path, pk))
        return pk

    def whole(self, value, path: str, *, low: int) -> bool:
        """Whether `value` is an order from `low` (0 or 1) to ORDER_MAX; refused if not."""
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= ORDER_MAX:
            return True
        if low == 0:
            message = _("Must be a whole number from 0 to %(max)d.")
        else:
            message = _("Must be a whole number from 1 to %(max)d.")
        self.fail(path, message % {"max": ORDER_MAX})
        return False

    def text(self, value, path: str) -> str | None:
        """`value` cleaned as one line of text (elyurt.text); None when refused."""
        try:
            return text_clean(value, field=path)
        except ValidationError as exc:
            for message in exc.message_dict[path]:
                self.fail(path, message)
            return None

    def rows_exist(self) -> None:
        messages = {
            Organization: _("No organisation has the id %(id)s."),
            Expert: _("No expert has the id %(id)s."),
        }
        for model, named in self.named.items():
            _rows_exist(model, named, messages[model], self.fail)


def _organizations_check(
    entries: Sequence[ProgramOrganization], check: _Check
) -> dict[tuple[int, str], tuple[int, frozenset[int]]]:
    roles: dict[tuple[int, str], tuple[int, frozenset[int]]] = {}
    for i, entry in enumerate(entries):
        path = f"organizations[{i}]"
        org_id = check.row_id(entry.organization, f"{path}.organization", Organization)
        role_valid = entry.role in ConferenceOrganization.Role.values
        if not role_valid:
            check.fail(
                f"{path}.role",
                _("%(value)r is not one of %(choices)s.")
                % {"value": entry.role, "choices": ", ".join(ConferenceOrganization.Role.values)},
            )
        check.whole(entry.order, f"{path}.order", low=0)
        reps = {
            check.row_id(person, f"{path}.representatives", Expert)
            for person in entry.representatives
        }
        if org_id is None or not role_valid:
            continue
        if (org_id, entry.role) in roles:
            check.fail(
                f"{path}.organization",
                _("This organisation is listed twice in the role %(role)s.") % {"role": entry.role},
            )
        roles[(org_id, entry.role)] = (entry.order, frozenset(reps - {None}))
    return roles


def _presentations_check(
    items: Sequence[ProgramPresentation], check: _Check
) -> dict[int, tuple[str, int, str | None, dict[str, str]]]:
    max_title = Presentation._meta.get_field("title").max_length
    max_slides = Presentation._meta.get_field("slides").max_length
    talks: dict[int, tuple[str, int, str | None, dict[str, str]]] = {}
    for i, item in enumerate(items):
        path = f"presentations[{i}]"
        order_valid = check.whole(item.order, f"{path}.order", low=1)
        if order_valid and item.order in talks:
            check.fail(f"{path}.order", _("Order %(order)d is used twice.") % {"order": item.order})
            order_valid = False
        title = check.text(item.title, f"{path}.title")
        if title == "":
            check.fail(f"{path}.title", _("A talk needs a title."))
        elif title is not None and len(title) > max_title:
            check.fail(f"{path}.title", _("Must be at most %(n)d characters.") % {"n": max_title})
        presenter_id = check.row_id(item.presenter, f"{path}.presenter", Expert)
        if item.slides is not None and (
            not isinstance(item.slides, str) or len(item.slides) > max_slides
        ):
            check.fail(
                f"{path}.slides",
                _("Must be a file name of at most %(n)d characters.") % {"n": max_slides},
            )
        overrides = {}
        for name in TITLE_OVERRIDES:
            value = getattr(item, name, None)
            if value is not None:
                value = check.text(value, f"{path}.{name}")
                if value is not None and len(value) > max_title:
                    check.fail(
                        f"{path}.{name}", _("Must be at most %(n)d characters.") % {"n": max_title}
                    )
                overrides[name] = value or ""
        if order_valid:
            talks[item.order] = (title, presenter_id, item.slides, overrides)
    return talks


def _program_validate(
    *,
    organizations: Sequence[ProgramOrganization] | None,
    presentations: Sequence[ProgramPresentation] | None,
) -> tuple[_Program, dict[str, list[str]]]:
    """The programme as ids, and every rule it breaks keyed by the entry's field, such as
    ``presentations[1].order``. Reads only."""
    check = _Check()
    roles = _organizations_check(organizations or (), check)
    talks = _presentations_check(presentations or (), check)
    check.rows_exist()
    program = _Program(
        organizations=None if organizations is None else roles,
        presentations=None if presentations is None else talks,
    )
    return program, check.errors


def _rows_exist(model, named: list[tuple[str, int]], message: str, fail) -> None:
    found = set(
        model.objects.filter(pk__in={pk for _path, pk in named}).values_list("pk", flat=True)
    )
    for path, pk in named:
        if pk not in found:
            fail(path, message % {"id": pk})


def _organizations_write(
    *, conference: Conference, wanted: dict[tuple[int, str], tuple[int, frozenset[int]]]
) -> bool:
    stored = {
        (row.organization_id, row.role): row
        for row in ConferenceOrganization.objects.filter(conference=conference).prefetch_related(
            "representatives"
        )
    }
    gone = [row.pk for key, row in stored.items() if key not in wanted]
    ConferenceOrganization.objects.filter(pk__in=gone).delete()
    changed = bool(gone)
    for (org_id, role), (order, reps) in wanted.items():
        row = stored.get((org_id, role))
        if row is None:
            row = ConferenceOrganization.objects.create(
                conference=conference, organization_id=org_id, role=role, order=order
            )
            current: set[int] = set()
            changed = True
        else:
            current = {person.pk for person in row.representatives.all()}
            if row.order != order:
                row.order = order
                row.save(update_fields=["order"])
                changed = True
        if current != reps:
            row.representatives.set(reps)
            changed = True
    return changed


def _presentations_write(
    *, conference: Conference, wanted: dict[int, tuple[str, int, str | None, dict[str, str]]]
) -> bool:
    stored = {talk.order: talk for talk in Presentation.objects.filter(conference=conference)}
    gone = [talk.pk for order, talk in stored.items() if order not in wanted]
    Presentation.objects.filter(pk__in=gone).delete()
    changed = bool(gone)
    for order, (title, presenter_id, slides, overrides) in wanted.items():
        talk = stored.get(order)
        if talk is None:
            Presentation.objects.create(
                conference=conference,
                order=order,
                title=title,
                presenter_id=presenter_id,
                slides=slides or "",
                **overrides,
            )
            changed = True
            continue
        if talk.title != title:
            # The old title's corrections in the other script no longer apply.
            overrides = {name: "" for name in TITLE_OVERRIDES} | overrides
        want = (title, presenter_id, talk.slides.name if slides is None else slides)
        want_overrides = {
            name: overrides.get(name, getattr(talk, name)) for name in TITLE_OVERRIDES
        }
        have_overrides = {name: getattr(talk, name) for name in TITLE_OVERRIDES}
        if (talk.title, talk.presenter_id, talk.slides.name) != want or (
            have_overrides != want_overrides
        ):
            talk.title, talk.presenter_id, talk.slides = want
            for name, value in want_overrides.items():
                setattr(talk, name, value)
            talk.save(update_fields=["title", *TITLE_OVERRIDES, "presenter", "slides"])
            changed = True
    return changed


def _program_write(*, conference: Conference, program: _Program) -> set[str]:
    """Make the stored programme what `program` says; returns what changed.

    Rows are kept where their key stays, (organisation, role) or the talk's order, so a saved
    programme that is saved again changes nothing, and one that changes little keeps its rows
    (and their slides) rather than being deleted and written anew.
    """
    changed: set[str] = set()
    if program.organizations is None and program.presentations is None:
        return changed
    # Two saves of one programme at once would each add the same new rows: one waits.
    Conference.objects.select_for_update().filter(pk=conference.pk).first()
    if program.organizations is not None and _organizations_write(
        conference=conference, wanted=program.organizations
    ):
        changed.add("organizations")
    if program.presentations is not None and _presentations_write(
        conference=conference, wanted=program.presentations
    ):
        changed.add("presentations")
    return changed


def _changes_announce(*, conference: Conference, changed: set[str], by) -> None:
    """Send the signals a saved change calls for, each at most once (see conferences.signals)."""
    if changed & CALENDAR_FIELDS:
        signals.conference_schedule_changed.send(
            sender=Conference, conference=conference, changed=set(changed), by=by
        )
    if changed & PROGRAM_NAMES:
        signals.conference_program_changed.send(
            sender=Conference, conference=conference, changed=changed & PROGRAM_NAMES, by=by
        )


@transaction.atomic
def conference_program_set(
    *,
    conference: Conference,
    organizations: Sequence[ProgramOrganization],
    presentations: Sequence[ProgramPresentation],
    by=None,
) -> set[str]:
    """Replace the conference's organisations (with their representatives) and its agenda.

    Afterwards the conference has exactly the entries given, in any status: a held
    conference's programme feeds its press release and may be corrected. Returns the names
    that changed, "organizations" and/or "presentations". Bad input raises ValidationError
    keyed by the entry's field (``presentations[1].order``) and writes nothing.

    Invitees hear of a new agenda: the .ics description they were sent lists it, so
    conference_schedule_changed is sent and, for a scheduled conference, the conferences
    receiver mails a calendar UPDATE to everyone already mailed
    (those whose invitation is still waiting get the new agenda in it). Organisations are not
    in the calendar entry and mail nobody. To change the conference's own fields and its
    programme in one go, pass both to conference_update: one change, one UPDATE.
    """
    program, errors = _program_validate(organizations=organizations, presentations=presentations)
    if errors:
        raise ValidationError(errors)
    changed = _program_write(conference=conference, program=program)
    if changed:
        activity_record(
            action=Action.CONFERENCE_PROGRAM_CHANGED,
            target=conference,
            by=by,
            data={"changed": sorted(changed)},
        )
    _changes_announce(conference=conference, changed=changed, by=by)
    return changed


@transaction.atomic
def conference_experts_set(
    *, conference: Conference, experts: Sequence[Expert | int], by=None
) -> bool:
    """Make `experts` the experts who took part; returns whether that changed anything.

    Each is a saved Expert or its primary key; one that is neither, or that does not exist,
    raises ValidationError on `experts` and nothing is written. conference_program_changed
    carries "experts"; who took part reaches no invitee.
    """
    errors: dict[str, list[str]] = {}

    def fail(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    named = []
    for person in experts:
        pk = _pk(person, Expert)
        if pk is None:
            fail("experts", _("%(value)r is not a saved row or its id.") % {"value": person})
        else:
            named.append(("experts", pk))
    _rows_exist(Expert, named, _("No expert has the id %(id)s."), fail)
    if errors:
        raise ValidationError(errors)
    wanted = {pk for _path, pk in named}
    current = set(conference.experts.values_list("pk", flat=True))
    if current == wanted:
        return False
    conference.experts.set(wanted)
    activity_record(
        action=Action.CONFERENCE_EXPERTS_CHANGED,
        target=conference,
        by=by,
        data={"added": sorted(wanted - current), "removed": sorted(current - wanted)},
    )
    _changes_announce(conference=conference, changed={"experts"}, by=by)
    return True


# --- facts from the meeting platform -----------------------------------------------------------

# What the platform (Zoom, or its participant report uploaded by staff) tells about a
# conference. Code outside this module writes them only through conference_platform_facts_set;
# staff typing a join link or passcode by hand go through conference_update.
PLATFORM_FACTS = (
    "join_url",
    "meeting_id",
    "passcode",
    "recording_url",
    "participants_count_recorded",
    "qa_held",
)


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


# The default of every fact below: the caller did not name it, so it stays as it is.
UNCHANGED = _Unchanged()


@transaction.atomic
def conference_platform_facts_set(
    *,
    conference: Conference,
    by=None,
    join_url: str | _Unchanged = UNCHANGED,
    meeting_id: str | _Unchanged = UNCHANGED,
    passcode: str | _Unchanged = UNCHANGED,
    recording_url: str | _Unchanged = UNCHANGED,
    participants_count_recorded: int | None | _Unchanged = UNCHANGED,
    qa_held: bool | _Unchanged = UNCHANGED,
) -> set[str]:
    """Store what the meeting platform reports: its join link, meeting id and passcode, the
    recording link, how many people took part, whether questions were asked.

    Only the facts given change; returns the names that did. Each is checked as the model
    declares it (a join link is a URL of at most 500 characters...): a refused value raises
    ValidationError keyed by its name and nothing is written. A held or cancelled conference
    keeps its join link, meeting id and passcode, as conference_update says (ValidationError on
    `starts_at`); its recording and attendance may still arrive.

    Listeners hear the change as they hear conference_update's: a new join link, meeting id or
    passcode of a scheduled conference mails the calendar UPDATE to everyone already mailed.
    Only the changed columns are saved, so a report arriving while staff edit the conference
    does not undo their edit.
    """
    given = {
        name: value
        for name, value in (
            ("join_url", join_url),
            ("meeting_id", meeting_id),
            ("passcode", passcode),
            ("recording_url", recording_url),
            ("participants_count_recorded", participants_count_recorded),
            ("qa_held", qa_held),
        )
        if value is not UNCHANGED
    }
    changed = {name for name, value in given.items() if getattr(conference, name) != value}
    if not changed:
        return changed
    if changed & SCHEDULE_FIELDS and conference.status in (Status.HELD, Status.CANCELLED):
        raise ValidationError(
            {"starts_at": [_("A held or cancelled conference cannot be rescheduled.")]}
        )
    before = {name: getattr(conference, name) for name in changed}
    for name in changed:
        setattr(conference, name, given[name])
    try:
        conference.full_clean(
            exclude=[f.name for f in Conference._meta.fields if f.name not in changed]
        )
    except ValidationError:
        # The caller's object stays as the database has it.
        for name, value in before.items():
            setattr(conference, name, value)
        raise
    conference.save(update_fields=[*sorted(changed), "updated_at"])
    activity_record(
        action=Action.CONFERENCE_UPDATED,
        target=conference,
        by=by,
        data={"changed": sorted(changed)},
    )
    _changes_announce(conference=conference, changed=changed, by=by)
    return changed


@transaction.atomic
def conference_scripts_set(
    *,
    conference: Conference,
    by=None,
    title_latn: str | None = None,
    title_cyrl: str | None = None,
    talks: Mapping[int, tuple[str, str]] | None = None,
) -> set[str]:
    """Store a person's corrections of the topic and agenda titles in the other script
    (elyurt/script_text.py): `title_latn` / `title_cyrl` for the topic, and `talks` mapping a
    talk's order to its (Latin, Cyrillic) titles. None leaves a value as it is; "" goes back
    to the derived form. A held conference may be corrected too: it changes no fact.

    Text is cleaned (elyurt.text): a line break is refused naming the field
    (``title_latn``, ``presentations[<order>].title_latn``); an order the agenda lacks is
    refused on ``presentations[<order>].order``. Nothing is written when anything is refused.
    Returns the names that changed (``title_latn``, ``title_cyrl``, ``presentations``), logged
    as conference.updated; invitees hear of it as of any change to what their calendar shows.
    """
    given = {
        name: value
        for name, value in (("title_latn", title_latn), ("title_cyrl", title_cyrl))
        if value is not None
    }
    fields, errors = _texts_clean(given)
    stored = {talk.order: talk for talk in conference.presentations.all()} if talks else {}
    wanted: dict[int, dict[str, str]] = {}
    for order, (latn, cyrl) in (talks or {}).items():
        path = f"presentations[{order}]"
        if order not in stored:
            errors[f"{path}.order"] = [_("The agenda has no talk %(order)s.") % {"order": order}]
            continue
        try:
            wanted[order] = texts_clean(
                {f"{path}.title_latn": latn, f"{path}.title_cyrl": cyrl},
                single_line=(f"{path}.title_latn", f"{path}.title_cyrl"),
            )
        except ValidationError as exc:
            errors |= exc.message_dict
    if errors:
        raise ValidationError(errors)
    changed = {name for name, value in fields.items() if getattr(conference, name) != value}
    if changed:
        for name in changed:
            setattr(conference, name, fields[name])
        conference.full_clean(
            exclude=[f.name for f in Conference._meta.fields if f.name not in changed]
        )
        conference.save(update_fields=[*sorted(changed), "updated_at"])
    for order, texts in wanted.items():
        talk = stored[order]
        latn, cyrl = texts.values()
        if (talk.title_latn, talk.title_cyrl) != (latn, cyrl):
            talk.title_latn, talk.title_cyrl = latn, cyrl
            talk.full_clean(exclude=["conference", "presenter", "slides", "order", "title"])
            talk.save(update_fields=list(TITLE_OVERRIDES))
            changed.add("presentations")
    if changed:
        activity_record(
            action=Action.CONFERENCE_UPDATED,
            target=conference,
            by=by,
            data={"changed": sorted(changed)},
        )
        _changes_announce(conference=conference, changed=changed, by=by)
    return changed
