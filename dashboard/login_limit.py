"""Failed-login limiting in the cache: per username and per client address.

A small limiter rather than django-axes: it guards only the staff login form, leaves every
other authenticate() call (the partner API, the test client) untouched, and needs no tables.
With Redis as the cache the counts are shared by every app server.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _max_failures() -> int:
    return settings.LOGIN_FAILURE_LIMIT


def _window() -> int:
    return settings.LOGIN_FAILURE_WINDOW_SECONDS


def lockout_minutes() -> int:
    return max(1, _window() // 60)


def _keys(*, username: str, address: str) -> list[str]:
    user = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:user:{user}", f"login-fail:addr:{address}"]


def is_locked(*, username: str, address: str) -> bool:
    counts = cache.get_many(_keys(username=username, address=address))
    user_key, addr_key = _keys(username=username, address=address)
    # One address may try several people (a shared office); it gets more room than one name.
    return (
        counts.get(user_key, 0) >= _max_failures() or counts.get(addr_key, 0) >= _max_failures() * 4
    )


def record_failure(*, username: str, address: str) -> None:
    for key in _keys(username=username, address=address):
        # add() starts the window on the first failure; incr() keeps the window's expiry.
        if not cache.add(key, 1, timeout=_window()):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=_window())


def reset(*, username: str, address: str) -> None:
    cache.delete(_keys(username=username, address=address)[0])
