"""How the Zoom integration reacts to conferences: the meeting follows the conference.

Connected in IntegrationsConfig.ready(); each receiver only marks what is to do and queues the
work after commit (the services below), so Zoom being slow or down never holds a change.
"""

from django.dispatch import receiver

from conferences.signals import conference_schedule_changed, conference_status_changed

from . import services


@receiver(conference_status_changed, dispatch_uid="integrations.zoom_on_status")
def zoom_on_status(sender, *, conference, previous, by=None, **kwargs) -> None:
    """Scheduled: the meeting is made. Cancelled after scheduling: it is deleted."""
    services.zoom_on_status_change(conference=conference, previous=previous, by=by)


@receiver(conference_schedule_changed, dispatch_uid="integrations.zoom_on_schedule")
def zoom_on_schedule(sender, *, conference, changed, by=None, **kwargs) -> None:
    """Topic, time, length, passcode or agenda changed: the meeting is updated."""
    services.zoom_on_conference_change(conference=conference, changed=changed, by=by)
