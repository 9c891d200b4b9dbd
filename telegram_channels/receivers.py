"""How the Telegram channels react to releases and conferences: a release published, edited
or withdrawn, a conference announced and then moved or cancelled. The rows are recorded in the
transaction of the change (the signals are sent inside it); the worker is woken after commit."""

from django.dispatch import receiver

from conferences.models import Conference
from conferences.signals import conference_schedule_changed, conference_status_changed
from pressroom.models import PressRelease
from pressroom.signals import press_release_edited, press_release_status_changed

from . import services

Status = PressRelease.Status


@receiver(press_release_status_changed, dispatch_uid="telegram_channels.release_status")
def release_status_changed(sender, *, release, previous, **kwargs) -> None:
    if release.status == Status.PUBLISHED and previous != Status.PUBLISHED:
        services.release_posts_publish(release=release)
    elif previous == Status.PUBLISHED and release.status != Status.PUBLISHED:
        services.release_posts_withdraw(release=release)


@receiver(press_release_edited, dispatch_uid="telegram_channels.release_edited")
def release_edited(sender, *, release, changed, **kwargs) -> None:
    services.release_posts_update(release=release, changed=set(changed))


@receiver(conference_schedule_changed, dispatch_uid="telegram_channels.conference_schedule")
@receiver(conference_status_changed, dispatch_uid="telegram_channels.conference_status")
def conference_changed(sender, *, conference, **kwargs) -> None:
    if conference.status in (Conference.Status.SCHEDULED, Conference.Status.CANCELLED):
        services.conference_posts_update(conference=conference)
