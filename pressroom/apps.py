from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PressroomConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pressroom"
    verbose_name = _("Pressroom")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 — connects with dispatch_uid on import
