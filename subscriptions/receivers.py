"""How subscriptions react to the pressroom: a release just published is mailed to the
"releases" subscribers, by a worker once the publication is committed."""

from django.dispatch import receiver

from elyurt.celery import task_after_commit
from pressroom.models import PressRelease
from pressroom.signals import press_release_status_changed


@receiver(press_release_status_changed, dispatch_uid="subscriptions.mail_on_publish")
def mail_on_publish(sender, *, release, previous, **kwargs) -> None:
    if release.status != PressRelease.Status.PUBLISHED or previous == release.status:
        return
    from .tasks import release_letters_task

    task_after_commit(release_letters_task, release_id=release.pk)
