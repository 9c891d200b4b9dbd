from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conferences"
    verbose_name = _("Conferences")

    def ready(self) -> None:
        # Rescheduling sends calendar updates; cancelling sends cancellations. The @receiver
        # decorators connect on import, each with its dispatch_uid.
        from . import receivers  # noqa: F401
