from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransliterationConfig(AppConfig):
    name = "transliteration"
    verbose_name = _("Uzbek scripts")
