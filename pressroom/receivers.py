"""How the pressroom reacts to conferences: a conference that was held gets its release drafted."""

from django.dispatch import receiver

from conferences.models import Conference
from conferences.signals import conference_status_changed
from elyurt.celery import task_after_commit


@receiver(conference_status_changed, dispatch_uid="pressroom.draft_on_held")
def draft_release_on_held(sender, *, conference, previous, by=None, **kwargs) -> None:
    """A conference just became held: draft its release once the change is committed (a broker
    that is down leaves it to `manage.py draft_release` or the next redraft)."""
    if conference.status != Conference.Status.HELD or previous == Conference.Status.HELD:
        return
    from .tasks import draft_release_task

    task_after_commit(draft_release_task, conference_id=conference.pk)
