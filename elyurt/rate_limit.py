"""A fixed-window counter in the cache, for the public forms (registration, subscription).

`rate_hit` counts one attempt and says whether it is within the limit. Keys hold a hash of what
is counted (an address, an email), never the value itself. With Redis as the cache the counts
are shared by every app server; a cache that is down lets the attempt through (the forms are
double opt-in, so a flood costs mail only to addresses whose owners never confirm).
"""

from __future__ import annotations

import hashlib
import logging

import redis
from django.core.cache import cache

# What an unreachable or full Redis raises; the memory cache never does.
CACHE_DOWN = (redis.RedisError, OSError)

logger = logging.getLogger(__name__)


def _key(scope: str, value: str) -> str:
    return f"rate:{scope}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def rate_hit(*, scope: str, value: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt of `value` (a client address, a lower-cased email) in `scope`; True
    while at most `limit` attempts fell in the current window of `window_seconds`."""
    key = _key(scope, value)
    try:
        # add() starts the window on the first attempt; incr() keeps the window's expiry.
        if cache.add(key, 1, timeout=window_seconds):
            return limit >= 1
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window_seconds)
            count = 1
    except CACHE_DOWN as exc:
        logger.warning("rate limit not counted, cache down (%s)", exc)
        return True
    return count <= limit
