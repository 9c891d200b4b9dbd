"""Failed-login limiting in the cache, shared by the dashboard's and the admin's login forms.

Three counts, none of which lets a stranger lock a person out for long:

- per (username, client address): a hard limit, LOGIN_FAILURE_LIMIT failures in the window;
  guessing from one place stops there, the person logging in from elsewhere is not touched;
- per username, from any address: a backoff, not a lock. From the LOGIN_FAILURE_LIMIT-th failure
  on, each failure closes the name for LOGIN_BACKOFF_BASE_SECONDS doubled per further failure, at
  most LOGIN_BACKOFF_MAX_SECONDS: guesses spread over many addresses slow to a handful an hour,
  and the real user waits minutes at worst;
- per client address over every name (password spraying): four times the limit. The address is
  elyurt.proxy.client_address's, so behind a trusted proxy one visitor cannot fill it for all.

Usernames are counted in one form (login_username): NFKC-normalised as Django's login form
authenticates them, then case-folded, so `ａｄｍｉｎ` and `Admin` count as `admin`.

A small limiter rather than django-axes: it guards only the staff login forms, leaves every
other authenticate() call (the partner API, the test client) untouched, and needs no tables.
With Redis as the cache the counts are shared by every app server.
"""

import hashlib
import math
import time
import unicodedata

from django.conf import settings
from django.core.cache import cache


def login_username(username: str) -> str:
    """The form in which failures are counted: NFKC, case-folded, without surrounding spaces."""
    return unicodedata.normalize("NFKC", username).casefold().strip()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _keys(*, username: str, address: str) -> dict[str, str]:
    user = _digest(login_username(username))
    return {
        "pair": f"login-fail:pair:{user}:{_digest(address)}",
        "user": f"login-fail:user:{user}",
        "addr": f"login-fail:addr:{_digest(address)}",
        "closed": f"login-closed:user:{user}",
    }


def refused_for_seconds(*, username: str, address: str) -> int:
    """How long this attempt must wait (0: it may go on to authenticate)."""
    keys = _keys(username=username, address=address)
    values = cache.get_many(list(keys.values()))
    limit = settings.LOGIN_FAILURE_LIMIT
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    if values.get(keys["pair"], 0) >= limit or values.get(keys["addr"], 0) >= limit * 4:
        return window
    closed_until = values.get(keys["closed"], 0)
    return max(0, math.ceil(closed_until - time.time()))


def refusal_minutes(seconds: int) -> int:
    """A refusal's wait as whole minutes, at least one, for the message."""
    return max(1, math.ceil(seconds / 60))


def _increment(key: str, timeout: int) -> int:
    # add() starts the window on the first failure; incr() keeps the window's expiry.
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=timeout)
        return 1


def record_failure(*, username: str, address: str) -> None:
    keys = _keys(username=username, address=address)
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    _increment(keys["pair"], window)
    _increment(keys["addr"], window)
    failures = _increment(keys["user"], window)
    beyond = failures - settings.LOGIN_FAILURE_LIMIT
    if beyond >= 0:
        delay = min(
            settings.LOGIN_BACKOFF_BASE_SECONDS * 2**beyond, settings.LOGIN_BACKOFF_MAX_SECONDS
        )
        cache.set(keys["closed"], time.time() + delay, timeout=math.ceil(delay))


def reset(*, username: str, address: str) -> None:
    """A success forgets this name's failures (the address's spraying count stays)."""
    keys = _keys(username=username, address=address)
    cache.delete_many([keys["pair"], keys["user"], keys["closed"]])
