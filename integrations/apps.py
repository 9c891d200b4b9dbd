from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from conferences import services as conference_services

        from . import services

        if services.zoom_on_status_change not in conference_services.STATUS_LISTENERS:
            conference_services.STATUS_LISTENERS.append(services.zoom_on_status_change)
        if services.zoom_on_conference_change not in conference_services.CHANGE_LISTENERS:
            conference_services.CHANGE_LISTENERS.append(services.zoom_on_conference_change)
