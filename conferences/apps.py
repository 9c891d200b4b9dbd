from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conferences"
    verbose_name = _("Conferences")

    def ready(self) -> None:
        from . import invitations, services

        # Rescheduling sends calendar updates; cancelling sends cancellations.
        if invitations.on_conference_change not in services.CHANGE_LISTENERS:
            services.CHANGE_LISTENERS.append(invitations.on_conference_change)
        if invitations.on_conference_status not in services.STATUS_LISTENERS:
            services.STATUS_LISTENERS.append(invitations.on_conference_status)
