"""`manage.py telegram_channel_add @handle --script latn`: add a channel from the command line."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from telegram_channels.models import TelegramChannel
from telegram_channels.services import telegram_channel_add


class Command(BaseCommand):
    help = "Add a Telegram channel (@handle or numeric chat id) the bot posts releases to."

    def add_arguments(self, parser):
        parser.add_argument("handle", help="@handle of the channel, or its numeric chat id")
        parser.add_argument(
            "--script", required=True, choices=TelegramChannel.Script.values, help="latn or cyrl"
        )
        parser.add_argument(
            "--disabled", action="store_true", help="add it switched off (nothing is posted)"
        )

    def handle(self, *args, handle, script, disabled, **options):
        try:
            channel = telegram_channel_add(
                chat=handle, script=script, enabled=not disabled, by=None
            )
        except ValidationError as exc:
            messages = [
                f"{field}: {message}"
                for field, errors in exc.message_dict.items()
                for message in errors
            ]
            raise CommandError("; ".join(messages)) from None
        state = "enabled" if channel.enabled else "disabled"
        self.stdout.write(f"Added {channel.chat} ({channel.script}, {state}).")
