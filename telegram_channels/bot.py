"""The one client of Telegram's Bot API (https://core.telegram.org/bots/api).

Every call is a POST of JSON to ``{TELEGRAM_API_BASE_URL}/bot{token}/{method}`` with
OUTSIDE_TIMEOUT_SECONDS; the answer is ``{"ok": true, "result": ...}`` or ``{"ok": false,
"error_code": n, "description": "...", "parameters": {"retry_after": s}}``. The token is part
of the URL, so no URL and no exception text leaves this module without it scrubbed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

# Telegram's limits, in UTF-16 code units of the text after entities are parsed
# (https://core.telegram.org/bots/api#sendmessage, #sendphoto).
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


@dataclass
class BotError(Exception):
    """A refused or failed call. `code` is Telegram's error_code (0: no answer at all);
    `retry_after` the seconds a 429 asks to wait."""

    code: int
    description: str
    retry_after: float | None = None

    def __str__(self) -> str:
        return f"{self.code} {self.description}" if self.code else self.description

    @property
    def transient(self) -> bool:
        """Worth trying again: flood control, Telegram's own errors, no answer."""
        return self.code in (0, 429) or self.code >= 500

    def says(self, *fragments: str) -> bool:
        text = self.description.lower()
        return any(fragment in text for fragment in fragments)


def bot_configured() -> bool:
    return bool(getattr(settings, "TELEGRAM_BOT_TOKEN", ""))


def _scrub(text: str) -> str:
    token = getattr(settings, "TELEGRAM_BOT_TOKEN", "")
    return text.replace(token, "<token>") if token else text


class BotApi:
    """`BotApi().call("sendMessage", chat_id=..., text=...)` returns the answer's `result`."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()

    def call(self, method: str, **params):
        """Raises BotError; never retries (the caller's row holds the attempt count)."""
        if not bot_configured():
            raise BotError(0, "TELEGRAM_BOT_TOKEN is not set")
        base = settings.TELEGRAM_API_BASE_URL.rstrip("/")
        url = f"{base}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}"
        try:
            response = self.session.post(url, json=params, timeout=settings.OUTSIDE_TIMEOUT_SECONDS)
        except requests.RequestException as exc:
            raise BotError(0, _scrub(f"{method}: {type(exc).__name__}: {exc}")) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.ok and body.get("ok"):
            return body.get("result")
        code = int(body.get("error_code") or response.status_code)
        description = _scrub(str(body.get("description") or response.reason or "no answer"))
        retry_after = (body.get("parameters") or {}).get("retry_after")
        error = BotError(code, f"{method}: {description}"[:1000], _seconds(retry_after))
        logger.warning("Telegram %s refused: %s", method, error)
        raise error


def _seconds(value) -> float | None:
    try:
        return max(float(value), 0.0) if value is not None else None
    except (TypeError, ValueError):
        return None
