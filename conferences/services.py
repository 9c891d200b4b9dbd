"""Writes for conferences. The status changes here and nowhere else."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Conference, ConferenceStatusChange

Status = Conference.Status

# Held is final: its facts feed the press release. A cancelled conference may be reopened.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SCHEDULED, Status.CANCELLED},
    Status.SCHEDULED: {Status.HELD, Status.CANCELLED},
    Status.CANCELLED: {Status.DRAFT},
    Status.HELD: set(),
}

# Other apps react to a status change (send cancellations, draft the release) by registering a
# callable here from their AppConfig.ready(); each runs inside the transaction of the change and
# queues its own work with transaction.on_commit.
STATUS_LISTENERS: list = []

# Called as listener(conference=..., changed=set_of_field_names, by=...) after conference_update
# saved a change (rescheduling sends calendar updates, Zoom follows the new time).
CHANGE_LISTENERS: list = []

# The fields whose change reaches people already invited (calendar UPDATE, Zoom sync).
SCHEDULE_FIELDS = {"title", "starts_at", "duration_minutes", "join_url", "meeting_id", "passcode"}


@transaction.atomic
def conference_create(*, council, title: str, starts_at, by=None, **fields) -> Conference:
    """Create a conference in draft; `fields` are other Conference fields (not `status`)."""
    if "status" in fields:
        raise ValueError("status is set through conference_set_status")
    conference = Conference(council=council, title=title, starts_at=starts_at, **fields)
    conference.full_clean()
    conference.save()
    ConferenceStatusChange.objects.create(
        conference=conference,
        from_status="",
        to_status=conference.status,
        changed_by=by if getattr(by, "is_authenticated", False) else None,
    )
    return conference


@transaction.atomic
def conference_update(*, conference: Conference, by=None, **fields) -> set[str]:
    """Change a conference's fields; returns the names that changed.

    Listeners in CHANGE_LISTENERS hear about every saved change. A held or cancelled
    conference keeps its schedule: changing it raises ValidationError on `starts_at`.
    """
    if "status" in fields:
        raise ValueError("status is set through conference_set_status")
    changed = {name for name, value in fields.items() if getattr(conference, name) != value}
    if not changed:
        return changed
    if changed & SCHEDULE_FIELDS and conference.status in (Status.HELD, Status.CANCELLED):
        raise ValidationError(
            {"starts_at": _("A held or cancelled conference cannot be rescheduled.")}
        )
    for name in changed:
        setattr(conference, name, fields[name])
    conference.full_clean()
    conference.save()
    for listener in CHANGE_LISTENERS:
        listener(conference=conference, changed=changed, by=by)
    return changed


def conference_transition_allowed(*, current: str, target: str) -> bool:
    return target in ALLOWED_TRANSITIONS.get(current, set())


@transaction.atomic
def conference_set_status(*, conference: Conference, status: str, by=None) -> Conference:
    """Move a conference to `status` if the transition is allowed; record who did it.

    Raises ValidationError naming the `status` field when the transition is not allowed.
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
    Conference.objects.filter(pk=conference.pk).update(status=status)
    conference.status = status
    ConferenceStatusChange.objects.create(
        conference=conference,
        from_status=previous,
        to_status=status,
        changed_by=by if getattr(by, "is_authenticated", False) else None,
    )
    for listener in STATUS_LISTENERS:
        listener(conference=conference, previous=previous, by=by)
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
