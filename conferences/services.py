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
