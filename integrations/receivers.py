"""How the Zoom integration reacts to events of the conferences app (connected in apps.py)."""

from .registrants import zoom_registrants_queue


def zoom_registrants_on_registration(sender, *, conference, invitation_ids, **kwargs) -> None:
    """New partner registrations go to Zoom now, so their invitations, held until then, carry
    each person's own join link (the sweeper sends what this misses)."""
    zoom_registrants_queue(conference=conference)
