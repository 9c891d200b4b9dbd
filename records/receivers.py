"""How meeting records react to conferences: a conference just held gets its record drafted,
beside its press release, once the change is committed."""

from django.dispatch import receiver

from conferences.models import Conference
from conferences.signals import conference_status_changed
from elyurt.celery import task_after_commit


@receiver(conference_status_changed, dispatch_uid="records.draft_on_held")
def draft_record_on_held(sender, *, conference, previous, by=None, **kwargs) -> None:
    if conference.status != Conference.Status.HELD or previous == Conference.Status.HELD:
        return
    from .tasks import draft_record_task

    task_after_commit(draft_record_task, conference_id=conference.pk)
