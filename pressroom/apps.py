from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def on_conference_status(*, conference, previous, by=None, **kwargs) -> None:
    """A conference just became held: draft its release once the change is committed."""
    from django.db import transaction

    from conferences.models import Conference

    if conference.status != Conference.Status.HELD or previous == Conference.Status.HELD:
        return
    from .tasks import draft_release_task

    conference_id = conference.pk
    # robust: a broker hiccup must not undo the conference's change; the command drafts by hand.
    transaction.on_commit(
        lambda: draft_release_task.delay(conference_id=conference_id), robust=True
    )


class PressroomConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pressroom"
    verbose_name = _("Pressroom")

    def ready(self) -> None:
        from conferences import services

        if on_conference_status not in services.STATUS_LISTENERS:
            services.STATUS_LISTENERS.append(on_conference_status)
