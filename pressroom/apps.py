from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PressroomConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pressroom"
    verbose_name = _("Pressroom")
