"""How the Zoom integration reacts to conferences: the meeting follows the conference, and
partner registrations become Zoom registrants.

Connected on import by IntegrationsConfig.ready(), each with its dispatch_uid. Each receiver
only marks what is to do and queues the work after commit, so Zoom being slow or down never
holds a change.
"""

from django.dispatch import receiver

from conferences.signals import (
    conference_schedule_changed,
    conference_status_changed,
    invitations_registered,
)

from .registrants import zoom_registrants_queue
from .sync import zoom_on_conference_change, zoom_on_status_change


@receiver(conference_status_changed, dispatch_uid="integrations.zoom_on_status")
def zoom_on_status(sender, *, conference, previous, by=None, **kwargs) -> None:
    """Scheduled: the meeting is made. Cancelled after scheduling: it is deleted."""
    zoom_on_status_change(conference=conference, previous=previous, by=by)


@receiver(conference_schedule_changed, dispatch_uid="integrations.zoom_on_schedule")
def zoom_on_schedule(sender, *, conference, changed, by=None, **kwargs) -> None:
    """Topic, time, length, passcode or agenda changed: the meeting is updated."""
    zoom_on_conference_change(conference=conference, changed=changed, by=by)


@receiver(invitations_registered, dispatch_uid="integrations.zoom_registrants_on_registration")
def zoom_registrants_on_registration(sender, *, conference, invitation_ids, **kwargs) -> None:
    """New partner registrations go to Zoom now, so their invitations, held until then, carry
    each person's own join link (the sweeper sends what this misses)."""
    zoom_registrants_queue(conference=conference)
