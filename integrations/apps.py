from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from conferences import delivery
        from conferences import services as conference_services

        from . import registrants, sync

        if sync.zoom_on_status_change not in conference_services.STATUS_LISTENERS:
            conference_services.STATUS_LISTENERS.append(sync.zoom_on_status_change)
        if sync.zoom_on_conference_change not in conference_services.CHANGE_LISTENERS:
            conference_services.CHANGE_LISTENERS.append(sync.zoom_on_conference_change)
        # A partner registration's invitation waits (bounded) for its personal Zoom link.
        if registrants.messages_awaiting_join_link not in delivery.MESSAGE_HOLDS:
            delivery.MESSAGE_HOLDS.append(registrants.messages_awaiting_join_link)

        from conferences.signals import invitations_registered

        from . import receivers

        invitations_registered.connect(
            receivers.zoom_registrants_on_registration,
            dispatch_uid="integrations.zoom_registrants_on_registration",
        )
