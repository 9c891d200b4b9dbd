"""How the pressroom reacts to conferences: a conference that was held gets its release drafted,
and the public home page (its next conferences) is made stale by a status or schedule change."""

from django.db import transaction
from django.dispatch import receiver

from conferences.models import Conference
from conferences.signals import conference_schedule_changed, conference_status_changed
from elyurt.celery import task_after_commit

from . import public_cache


@receiver(conference_status_changed, dispatch_uid="pressroom.draft_on_held")
def draft_release_on_held(sender, *, conference, previous, by=None, **kwargs) -> None:
    """A conference just became held: draft its release once the change is committed (a broker
    that is down leaves it to `manage.py draft_release` or the next redraft)."""
    if conference.status != Conference.Status.HELD or previous == Conference.Status.HELD:
        return
    from .tasks import draft_release_task

    task_after_commit(draft_release_task, conference_id=conference.pk)


@receiver(conference_status_changed, dispatch_uid="pressroom.home_on_status")
@receiver(conference_schedule_changed, dispatch_uid="pressroom.home_on_schedule")
def public_pages_stale_on_conference_change(sender, *, conference, **kwargs) -> None:
    """The home page lists scheduled conferences with topic and start: a conference scheduled,
    cancelled, held or moved shows there once the change is committed."""
    transaction.on_commit(public_cache.invalidate)
