"""Logging filters."""

import logging
import re

# /i/<conference>/<token>/: the token is the only key to a person's answer page.
_ANSWER_LINK = re.compile(r"(/i/[^/\s]+/)[^/\s?]+")


class MaskAnswerTokens(logging.Filter):
    """Django logs the path of every 4xx and CSRF refusal; keep answer tokens out of the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _ANSWER_LINK.sub(r"\1…", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


# /bot<id>:<secret>/<method>: the Bot API puts the token in the path (urllib3 logs the path at
# DEBUG level); the token is the bot's password.
_BOT_TOKEN = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")


class MaskBotToken(logging.Filter):
    """Keep the Telegram bot's token out of the logs, whoever logs a Bot API URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _BOT_TOKEN.sub("/bot…", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
