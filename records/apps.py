from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "records"
    verbose_name = _("Meeting records")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers
