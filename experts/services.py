"""Writes for experts, organisations, councils and memberships."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_iso, activity_record, activity_record_save
from elyurt.text import text_clean, texts_clean

from .models import Council, CouncilMembership, Expert, Organization
from .names import clean_name, name_key


def _update_fields(obj, values: dict) -> list[str]:
    """Assign the non-empty values that differ; save only what changed. Returns the names
    saved, sorted (empty: nothing was)."""
    changed = sorted(k for k, v in values.items() if v not in (None, "") and getattr(obj, k) != v)
    for key in changed:
        setattr(obj, key, values[key])
    if changed:
        obj.save(update_fields=[*changed, *(["updated_at"] if hasattr(obj, "updated_at") else [])])
    return changed


# An expert's text as people type it in the dashboard's form: one line each, but the bio.
EXPERT_LINES = (
    "full_name", "full_name_latin", "city", "position", "position_latn", "position_cyrl",
    "academic_degree", "phone",
)  # fmt: skip
EXPERT_PARAGRAPHS = ("bio",)


def organization_get_or_create(
    *, name: str, name_latin: str = "", kind: str = "", country: str = ""
) -> Organization:
    """The organisation of that name (matched after folding), created if new.

    Given values update the matched row in place; empty ones leave it as it is. The names are
    cleaned (elyurt.text): a line break is refused naming `name` or `name_latin`.
    """
    cleaned = texts_clean(
        {"name": name, "name_latin": name_latin}, single_line=("name", "name_latin")
    )
    name, name_latin = cleaned["name"], cleaned["name_latin"]
    key = name_key(name)
    org, created = Organization.objects.get_or_create(
        name_key=key,
        defaults={
            "name": clean_name(name),
            "name_latin": name_latin,
            "kind": kind or Organization.Kind.OTHER,
            "country": country,
        },
    )
    if not created:
        _update_fields(org, {"name_latin": name_latin, "kind": kind, "country": country})
    return org


# The text of an organisation or a council as people type it in the admin.
NAMED_LINES = ("name", "name_latin", "name_cyrl")
NAMED_PARAGRAPHS = ("mission",)


def _named_save(
    obj: Organization | Council, *, created: str, updated: str, by
) -> Organization | Council:
    """Clean the text of an organisation or council edited in a form and save it, its key in
    step with its name. A name another row holds after folding (case, spaces) is refused on
    `name`, naming that row: the key is unique, and the database would refuse it anyway."""
    values = {name: getattr(obj, name) for name in (*NAMED_LINES, *NAMED_PARAGRAPHS)}
    for name, value in texts_clean(
        values, single_line=NAMED_LINES, multiline=NAMED_PARAGRAPHS
    ).items():
        setattr(obj, name, value)
    obj.name = clean_name(obj.name)
    obj.name_key = name_key(obj.name)
    model = type(obj)
    taken = model.objects.filter(name_key=obj.name_key).exclude(pk=obj.pk).first()
    if taken is not None:
        raise ValidationError(
            {"name": _("This name is taken (“%(name)s”).") % {"name": taken.name}}
        )
    obj.full_clean()
    try:
        with transaction.atomic():
            activity_record_save(target=obj, created=created, updated=updated, by=by)
    except IntegrityError:
        # The same name saved at the same moment by someone else.
        raise ValidationError({"name": _("This name is taken.")}) from None
    return obj


def organization_save(*, organization: Organization, by=None) -> Organization:
    """Save an organisation edited in a form (the admin): text cleaned (elyurt.text), a line
    break in a name refused naming the field, a name already taken refused on `name`; logged
    as organization.created or organization.updated (the fields that changed)."""
    return _named_save(
        organization,
        created=Action.ORGANIZATION_CREATED,
        updated=Action.ORGANIZATION_UPDATED,
        by=by,
    )


def council_save(*, council: Council, by=None) -> Council:
    """Save a council edited in a form (the admin), by organization_save's rules."""
    return _named_save(
        council, created=Action.COUNCIL_CREATED, updated=Action.COUNCIL_UPDATED, by=by
    )


def council_get_or_create(*, name: str) -> Council:
    """The council of that name (matched after folding), created if new; a line break in the
    name is refused naming `name`."""
    name = text_clean(name, field="name")
    council, _created = Council.objects.get_or_create(
        name_key=name_key(name), defaults={"name": clean_name(name)}
    )
    return council


def expert_match(*, name: str, email: str = "") -> Expert | None:
    """The person a document means: by email where given, else by folded name."""
    if email:
        found = Expert.objects.filter(email__iexact=email).first()
        if found:
            return found
        # A name match only counts when that person has no other email on record.
        return (
            Expert.objects.filter(name_key=name_key(name))
            .filter(Q(email="") | Q(email__iexact=email))
            .order_by("pk")
            .first()
        )
    return Expert.objects.filter(name_key=name_key(name)).order_by("pk").first()


@transaction.atomic
def expert_get_or_create(
    *,
    name: str,
    name_latin: str = "",
    country: str = "",
    organization: Organization | None = None,
    position: str = "",
    email: str = "",
    by=None,
) -> Expert:
    """Match a person by email or name and update what is given, or create them.

    Text is cleaned (elyurt.text): a line break is refused naming the argument.
    """
    cleaned = texts_clean(
        {"name": name, "name_latin": name_latin, "position": position, "email": email},
        single_line=("name", "name_latin", "position", "email"),
    )
    name = cleaned["name"]
    expert = expert_match(name=name, email=cleaned["email"])
    values = {
        "full_name_latin": cleaned["name_latin"],
        "country": country,
        "organization": organization,
        "position": cleaned["position"],
        "email": cleaned["email"],
    }
    if expert is None:
        expert = Expert.objects.create(
            full_name=clean_name(name),
            name_key=name_key(name),
            **{k: v for k, v in values.items() if v not in (None, "")},
        )
        activity_record(action=Action.EXPERT_CREATED, target=expert, by=by)
        return expert
    changed = _update_fields(expert, values)
    if changed:
        activity_record(
            action=Action.EXPERT_UPDATED, target=expert, by=by, data={"changed": changed}
        )
    return expert


@transaction.atomic
def expert_save(*, expert: Expert, by=None) -> Expert:
    """Save an expert edited in a form, keeping the matching key in step with the name.

    Text is cleaned (elyurt.text): one line each but the bio, whose paragraphs stay; a line
    break in a name or position raises ValidationError naming the field. The log gets
    `expert.created`, or `expert.updated` naming the fields that differ from the stored row
    (none when nothing does). The form's many-to-many fields (fields of expertise) are saved
    by the caller afterwards and are not named.
    """
    values = {name: getattr(expert, name) for name in (*EXPERT_LINES, *EXPERT_PARAGRAPHS)}
    cleaned = texts_clean(values, single_line=EXPERT_LINES, multiline=EXPERT_PARAGRAPHS)
    for name, value in cleaned.items():
        setattr(expert, name, value)
    expert.full_name = clean_name(expert.full_name)
    expert.name_key = name_key(expert.full_name)
    expert.full_clean()
    activity_record_save(
        target=expert, created=Action.EXPERT_CREATED, updated=Action.EXPERT_UPDATED, by=by
    )
    return expert


@transaction.atomic
def membership_add(
    *,
    expert: Expert,
    council: Council,
    role: str = CouncilMembership.Role.MEMBER,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    by=None,
) -> CouncilMembership:
    """Add a term; an expert sits on a council once at a time (the database enforces it too)."""
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    overlapping = CouncilMembership.objects.select_for_update().filter(
        expert=expert, council=council
    )
    overlapping = overlapping.filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    if overlapping.exists():
        raise ValidationError(
            {"start_date": _("This expert already has a term on this council in that period.")}
        )
    membership = CouncilMembership.objects.create(
        expert=expert, council=council, role=role, start_date=start_date, end_date=end_date
    )
    activity_record(
        action=Action.MEMBERSHIP_ADDED,
        target=membership,
        by=by,
        data={
            "council": council.name,
            "role": role,
            "start_date": activity_iso(start_date),
            "end_date": activity_iso(end_date),
        },
    )
    return membership


@transaction.atomic
def membership_end(
    *, membership: CouncilMembership, end_date: datetime.date, by=None
) -> CouncilMembership:
    """Set the last day of a term (or move it); the expert is off the council after that day.

    The end may not come before the term's start, nor run into a later term of the same expert
    on the same council; either is refused on `end_date` and nothing is saved.
    """
    if end_date is None:
        raise ValidationError({"end_date": _("Give the last day of the term.")})
    # The row as it is now, locked: two people ending the same term at once take turns, each
    # checking against the other's result.
    membership.refresh_from_db(from_queryset=CouncilMembership.objects.select_for_update())
    if end_date < membership.start_date:
        raise ValidationError(
            {
                "end_date": _("The end date is before the start date (%(start)s).")
                % {"start": membership.start_date.isoformat()}
            }
        )
    others = (
        CouncilMembership.objects.filter(
            expert_id=membership.expert_id, council_id=membership.council_id
        )
        .exclude(pk=membership.pk)
        .filter(start_date__lte=end_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=membership.start_date))
    )
    overlap = ValidationError(
        {"end_date": _("This end date runs into another term of this expert on this council.")}
    )
    if others.exists():
        raise overlap
    previous, membership.end_date = membership.end_date, end_date
    try:
        with transaction.atomic():
            membership.save(update_fields=["end_date"])
    except IntegrityError:
        # A term added at the same moment: the exclusion constraint (PostgreSQL) caught it.
        membership.end_date = previous
        raise overlap from None
    if end_date != previous:
        activity_record(
            action=Action.MEMBERSHIP_ENDED,
            target=membership,
            by=by,
            data={
                "council": membership.council.name,
                "from": activity_iso(previous),
                "to": activity_iso(end_date),
            },
        )
    return membership
