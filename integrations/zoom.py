"""A small client for Zoom's REST API (v2) with Server-to-Server OAuth.

Every HTTP exchange is recorded as a ZoomApiCall (method, path, status, outcome) for staff to see.
Tokens, secrets and request bodies are never recorded or logged: only the path, without its query.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import random
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from .models import ZoomApiCall

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20
# Zoom answers 429 with hours to wait once a daily quota is spent; past this the call fails as
# transient and the sweeper tries again later instead of a worker sleeping.
MAX_RETRY_WAIT_SECONDS = 60
ERROR_TEXT_LIMIT = 500


class ZoomError(Exception):
    """A Zoom call failed. `transient` says whether trying later may succeed."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        transient: bool = False,
        code: int | None = None,
    ):
        super().__init__(message)
        self.status_code = status_code
        self.transient = transient
        # Zoom's own error code from the body ({"code": 3001, "message": ...}), when it sent one.
        self.code = code


class ZoomNotConfigured(ZoomError):
    pass


def zoom_configured() -> bool:
    """True when the account id, client id and secret are all set."""
    return bool(
        settings.ZOOM_ACCOUNT_ID and settings.ZOOM_CLIENT_ID and settings.ZOOM_CLIENT_SECRET
    )


def _setting(name: str, default):
    return getattr(settings, name, default)


def _token_cache_key() -> str:
    # Keyed by account and client so a change of credentials never reuses an old token.
    ident = f"{settings.ZOOM_ACCOUNT_ID}:{settings.ZOOM_CLIENT_ID}:{settings.ZOOM_OAUTH_TOKEN_URL}"
    return "zoom:token:" + hashlib.sha256(ident.encode()).hexdigest()[:24]


def _retry_after_seconds(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    parsed = email.utils.parsedate_to_datetime(value) if value else None
    if parsed is None:
        return None
    return max(0.0, parsed.timestamp() - time.time())


class ZoomClient:
    """One client per unit of work; `conference` is what the recorded calls are attached to."""

    def __init__(self, *, conference=None):
        if not zoom_configured():
            raise ZoomNotConfigured(_("Zoom credentials are not configured."))
        self.conference = conference
        self.base_url = settings.ZOOM_API_BASE_URL.rstrip("/")
        self.max_attempts = int(_setting("ZOOM_MAX_ATTEMPTS", 4))
        self.backoff = float(_setting("ZOOM_RETRY_BACKOFF_SECONDS", 1.0))
        self.session = requests.Session()

    # Recording -------------------------------------------------------------------------------

    def _scrub(self, text: str, token: str | None = None) -> str:
        secrets_ = [settings.ZOOM_CLIENT_SECRET, settings.ZOOM_WEBHOOK_SECRET_TOKEN, token]
        for secret in secrets_:
            if secret:
                text = text.replace(secret, "***")
        return text[:ERROR_TEXT_LIMIT]

    def _record(
        self,
        *,
        method: str,
        path: str,
        status_code: int | None,
        outcome: str,
        error: str = "",
        started: float,
        token: str | None = None,
    ) -> None:
        error = self._scrub(error, token)
        ZoomApiCall.objects.create(
            conference=self.conference,
            method=method,
            path=path[:300],
            status_code=status_code,
            outcome=outcome,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        log = logger.info if outcome == ZoomApiCall.Outcome.OK else logger.warning
        log("zoom %s %s -> %s %s", method, path, status_code or "no answer", outcome)

    # Sending ---------------------------------------------------------------------------------

    def _wait_before(self, attempt: int, response: requests.Response | None) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None when waiting is pointless."""
        if attempt >= self.max_attempts:
            return None
        retry_after = _retry_after_seconds(response) if response is not None else None
        if retry_after is not None:
            if retry_after > MAX_RETRY_WAIT_SECONDS:
                return None
            return retry_after
        base = self.backoff * (2 ** (attempt - 1))
        return base + random.uniform(0, base / 2)

    def _send(
        self,
        method: str,
        url: str,
        record_path: str,
        *,
        token: str | None = None,
        expected: frozenset = frozenset(),
        creates: bool = False,
        **kwargs,
    ) -> requests.Response:
        """Send with bounded retries of 429, 5xx and network errors; record every attempt.

        A request that `creates` something is retried on 429 only: after a 5xx or a lost
        answer Zoom may have made it, and sending again could make a second one.
        """
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            try:
                response = self.session.request(method, url, timeout=TIMEOUT_SECONDS, **kwargs)
            except requests.RequestException as exc:
                wait = None if creates else self._wait_before(attempt, None)
                outcome = (
                    ZoomApiCall.Outcome.FAILED if wait is None else ZoomApiCall.Outcome.RETRIED
                )
                message = f"{type(exc).__name__}: {exc}"
                self._record(
                    method=method,
                    path=record_path,
                    status_code=None,
                    outcome=outcome,
                    error=message,
                    started=started,
                    token=token,
                )
                if wait is None:
                    raise ZoomError(self._scrub(message, token), transient=True) from exc
                time.sleep(wait)
                continue
            status = response.status_code
            if status == 429 or status >= 500:
                wait = None if creates and status != 429 else self._wait_before(attempt, response)
                outcome = (
                    ZoomApiCall.Outcome.FAILED if wait is None else ZoomApiCall.Outcome.RETRIED
                )
                message = self._error_text(response)
                if wait is not None:
                    message = _("%(error)s (retrying in %(seconds).1f s)") % {
                        "error": message,
                        "seconds": wait,
                    }
                self._record(
                    method=method,
                    path=record_path,
                    status_code=status,
                    outcome=outcome,
                    error=message,
                    started=started,
                    token=token,
                )
                if wait is None:
                    raise ZoomError(
                        self._scrub(self._error_text(response), token),
                        status_code=status,
                        transient=True,
                    )
                time.sleep(wait)
                continue
            ok = status < 400 or status in expected
            self._record(
                method=method,
                path=record_path,
                status_code=status,
                outcome=ZoomApiCall.Outcome.OK if ok else ZoomApiCall.Outcome.FAILED,
                error="" if status < 400 else self._error_text(response),
                started=started,
                token=token,
            )
            return response

    @staticmethod
    def _error_code(response: requests.Response) -> int | None:
        try:
            code = response.json().get("code")
        except (ValueError, AttributeError):
            return None
        return code if isinstance(code, int) else None

    @staticmethod
    def _error_text(response: requests.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return f"HTTP {response.status_code}: {response.text[:200]}"
        if isinstance(body, dict) and "message" in body:
            code = body.get("code")
            return f"HTTP {response.status_code}: {body['message']}" + (
                f" (code {code})" if code is not None else ""
            )
        return f"HTTP {response.status_code}: {str(body)[:200]}"

    # OAuth -----------------------------------------------------------------------------------

    def token(self, *, refresh: bool = False) -> str:
        """An access token, from the cache until shortly before it expires."""
        key = _token_cache_key()
        if not refresh:
            cached = cache.get(key)
            if cached:
                return cached
        url = settings.ZOOM_OAUTH_TOKEN_URL
        response = self._send(
            "POST",
            url,
            urlsplit(url).path or "/oauth/token",
            data={"grant_type": "account_credentials", "account_id": settings.ZOOM_ACCOUNT_ID},
            auth=(settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET),
        )
        if response.status_code != 200:
            raise ZoomError(
                self._scrub(self._error_text(response)), status_code=response.status_code
            )
        try:
            body = response.json()
            access_token = body["access_token"]
            expires_in = int(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise ZoomError(_("Zoom's token answer had no access_token.")) from exc
        # A minute's margin so a token never expires between the cache and Zoom.
        cache.set(key, access_token, timeout=max(1, expires_in - 60))
        return access_token

    # API ---------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: dict | None = None,
        params: dict | None = None,
        missing_ok: bool = False,
        creates: bool = False,
    ) -> Any:
        """Call `path` (relative to the API base); return the decoded JSON body, or None.

        Raises ZoomError for a failed call; with `missing_ok` a 404 returns None instead.
        With `creates`, only a 429 is retried (see _send).
        """
        token = self.token()
        for fresh_token in (False, True):
            if fresh_token:
                token = self.token(refresh=True)
            response = self._send(
                method,
                self.base_url + path,
                path,
                token=token,
                json=json,
                params=params,
                headers={"Authorization": f"Bearer {token}"},
                expected=frozenset({404}) if missing_ok else frozenset(),
                creates=creates,
            )
            # A cached token Zoom no longer accepts (revoked, clock skew): fetch one and retry once.
            if response.status_code == 401 and not fresh_token:
                cache.delete(_token_cache_key())
                continue
            break
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise ZoomError(
                self._scrub(self._error_text(response), token),
                status_code=response.status_code,
                code=self._error_code(response),
            )
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ZoomError(
                _("Zoom answered %(path)s with a body that is not JSON.") % {"path": path}
            ) from exc

    def paginate(
        self, path: str, *, key: str, page_size: int = 300, params: dict | None = None
    ) -> list[dict]:
        """Every item under `key` across pages linked by next_page_token."""
        items: list[dict] = []
        base = {**(params or {}), "page_size": page_size}
        params = dict(base)
        seen_tokens: set[str] = set()
        while True:
            body = self.request("GET", path, params=params) or {}
            items.extend(body.get(key) or [])
            next_token = body.get("next_page_token") or ""
            # A token seen before would loop forever; Zoom's tokens are single-use.
            if not next_token or next_token in seen_tokens:
                return items
            seen_tokens.add(next_token)
            params = {**base, "next_page_token": next_token}
