"""The cache of public press pages: Redis shared by all workers, a small memory layer in each.

Every stored page carries the version it was made under. The services bump the version in
Redis (after commit) on publish, edit and withdrawal, which makes every stored page stale at
once. Each worker process reads the version from Redis at most every LOCAL_VERSION_SECONDS and
keeps recent pages in memory, so a page served again costs no round trip at all; the process
that made a change sees it at once, the others within LOCAL_VERSION_SECONDS.

Every key in the shared cache has a TTL (pages PAGE_SECONDS, the version VERSION_SECONDS), so
a Redis run with `maxmemory-policy volatile-lru` evicts them before the broker's queues, which
have none. A version starts from the clock in microseconds, not 1: a version recreated after
it expired or was evicted is above every old one, so no page stored before is current again.

The cache is an optimisation: when it is unreachable or full, `get` finds nothing, `set`
stores nothing, the error is logged and the page is rendered from the database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

import redis
from django.core.cache import cache

logger = logging.getLogger(__name__)
# What an unreachable or full shared cache raises (Redis in production; "OOM command not
# allowed" is a ResponseError); the memory cache never does.
CACHE_DOWN = (redis.RedisError, OSError)

VERSION_KEY = "pressroom:public-version"
PAGE_SECONDS = 60 * 60
VERSION_SECONDS = 7 * 24 * 60 * 60  # longer than a page lives, so no page outlives its version
LOCAL_VERSION_SECONDS = 1.0
LOCAL_PAGES = 256

_lock = threading.Lock()
_local_pages: OrderedDict[str, tuple[int, tuple]] = OrderedDict()
_local_version: tuple[float, int] | None = None  # (read at, version)


def _fresh_version() -> int:
    return time.time_ns() // 1000


def version() -> int | None:
    """The current version; None when the shared cache is unreachable."""
    global _local_version
    now = time.monotonic()
    local = _local_version
    if local is not None and now - local[0] < LOCAL_VERSION_SECONDS:
        return local[1]
    try:
        current = cache.get(VERSION_KEY)
        if current is None:
            cache.add(VERSION_KEY, _fresh_version(), timeout=VERSION_SECONDS)
            current = cache.get(VERSION_KEY) or _fresh_version()
    except CACHE_DOWN as exc:
        logger.warning("public page cache unreadable, rendering uncached (%s)", exc)
        return None
    _local_version = (now, current)
    return current


def invalidate() -> None:
    """Make every cached public page stale, in every worker."""
    global _local_version
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, _fresh_version(), timeout=VERSION_SECONDS)
    except CACHE_DOWN as exc:
        # Pages stored before the outage may be served until PAGE_SECONDS if Redis keeps them.
        logger.warning("public page cache: version not bumped (%s)", exc)
    with _lock:
        _local_pages.clear()
    _local_version = None


def get(key: str) -> tuple[object | None, int | None]:
    """The page stored under `key` if it is current, and the version it must be stored under
    (None: the cache is down, store nothing).

    The version is read before the caller renders a missing page, so a page rendered from data
    older than a bump can never be stored as current.
    """
    current = version()
    if current is None:
        return None, None
    with _lock:
        local = _local_pages.get(key)
        if local is not None and local[0] == current:
            _local_pages.move_to_end(key)
            return local[1], current
    try:
        stored = cache.get(key)
    except CACHE_DOWN as exc:
        logger.warning("public page cache unreadable, rendering uncached (%s)", exc)
        return None, None
    if stored is None or stored[0] != current:
        return None, current
    _remember(key, stored)
    return stored[1], current


def set(key: str, value: tuple, *, made_under: int | None) -> None:  # noqa: A001 — the cache API's name
    if made_under is None:
        return
    stored = (made_under, value)
    try:
        cache.set(key, stored, PAGE_SECONDS)
    except CACHE_DOWN as exc:
        logger.warning("public page cache: page not stored (%s)", exc)
        return
    _remember(key, stored)


def _remember(key: str, stored: tuple) -> None:
    with _lock:
        _local_pages[key] = stored
        _local_pages.move_to_end(key)
        while len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


def clear_local() -> None:
    """Forget this process's memory layer (tests clear the shared cache between runs)."""
    global _local_version
    with _lock:
        _local_pages.clear()
    _local_version = None
