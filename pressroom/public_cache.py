"""The cache of public press pages: Redis shared by all workers, a small memory layer in each.

Every stored page carries the version it was made under. The services bump the version in
Redis (after commit) on publish, edit and withdrawal, which makes every stored page stale at
once. Each worker process reads the version from Redis at most every LOCAL_VERSION_SECONDS and
keeps recent pages in memory, so a page served again costs no round trip at all; the process
that made a change sees it at once, the others within LOCAL_VERSION_SECONDS.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.core.cache import cache

VERSION_KEY = "pressroom:public-version"
PAGE_SECONDS = 60 * 60
LOCAL_VERSION_SECONDS = 1.0
LOCAL_PAGES = 256

_lock = threading.Lock()
_local_pages: OrderedDict[str, tuple[int, tuple]] = OrderedDict()
_local_version: tuple[float, int] | None = None  # (read at, version)


def version() -> int:
    global _local_version
    now = time.monotonic()
    local = _local_version
    if local is not None and now - local[0] < LOCAL_VERSION_SECONDS:
        return local[1]
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        current = cache.get(VERSION_KEY) or 1
    _local_version = (now, current)
    return current


def invalidate() -> None:
    """Make every cached public page stale, in every worker."""
    global _local_version
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
    with _lock:
        _local_pages.clear()
    _local_version = None


def get(key: str) -> tuple[object | None, int]:
    """The page stored under `key` if it is current, and the version it must be stored under.

    The version is read before the caller renders a missing page, so a page rendered from data
    older than a bump can never be stored as current.
    """
    current = version()
    with _lock:
        local = _local_pages.get(key)
        if local is not None and local[0] == current:
            _local_pages.move_to_end(key)
            return local[1], current
    stored = cache.get(key)
    if stored is None or stored[0] != current:
        return None, current
    _remember(key, stored)
    return stored[1], current


def set(key: str, value: tuple, *, made_under: int) -> None:  # noqa: A001 — the cache API's name
    stored = (made_under, value)
    cache.set(key, stored, PAGE_SECONDS)
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
