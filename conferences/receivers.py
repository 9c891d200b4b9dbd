"""How the conferences app reacts to its own signals: invitees hear of changes by mail.

Connected in ConferencesConfig.ready(). Each runs inside the transaction of the change, so the
outbox rows it writes commit or roll back with it.
"""

from django.dispatch import receiver

from . import invitations
from .signals import conference_schedule_changed, conference_status_changed


@receiver(conference_schedule_changed, dispatch_uid="conferences.calendar_update")
def calendar_update_on_schedule_change(sender, *, conference, changed, by=None, **kwargs) -> None:
    """A scheduled conference moved, got a new link or agenda: calendar UPDATE to those mailed."""
    invitations.on_conference_change(conference=conference, changed=changed, by=by)


@receiver(conference_status_changed, dispatch_uid="conferences.mail_on_status")
def mail_on_status_change(sender, *, conference, previous, by=None, **kwargs) -> None:
    """Cancelled: calendar CANCEL; scheduled again after a cancellation: a new REQUEST."""
    invitations.on_conference_status(conference=conference, previous=previous, by=by)
