from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramChannelsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    # Not "telegram": that is the import name of python-telegram-bot.
    name = "telegram_channels"
    verbose_name = _("Telegram channels")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 — connects with dispatch_uid on import
