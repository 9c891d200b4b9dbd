from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from conferences import delivery

        from . import (
            receivers,  # noqa: F401 — connects with dispatch_uid on import
            registrants,
        )

        # The one hook that is not a signal: delivery asks it for an answer (how long to hold
        # a message), which a signal cannot give. A partner registration's invitation waits,
        # bounded, for its personal Zoom link. See conferences.delivery.MESSAGE_HOLDS.
        if registrants.messages_awaiting_join_link not in delivery.MESSAGE_HOLDS:
            delivery.MESSAGE_HOLDS.append(registrants.messages_awaiting_join_link)
