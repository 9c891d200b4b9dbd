"""The cache of public press pages (elyurt/versioned_cache.py): Redis shared by all workers, a
small memory layer in each, one version for every page.

The services bump the version (after commit) on publish, edit and withdrawal, which makes every
stored page stale at once. Every stored page carries the version it was made under; the version
is read before a missing page is rendered, so a page rendered from data older than a bump is
never stored as current. When the cache is unreachable or full, nothing is found or stored, the
error is logged and the page is rendered from the database.
"""

from __future__ import annotations

import logging

from elyurt.versioned_cache import VERSION_SECONDS, VersionedCache

VERSION_KEY = "pressroom:public-version"
PAGE_SECONDS = 60 * 60
LOCAL_PAGES = 256
assert VERSION_SECONDS > PAGE_SECONDS  # no page outlives its version

_pages = VersionedCache(
    label="public page cache",
    entry="page",
    log=logging.getLogger(__name__),
    version_key=lambda _resource: VERSION_KEY,
    entry_seconds=PAGE_SECONDS,
    local_entries=LOCAL_PAGES,
)
_local_pages = _pages.local  # this process's memory layer (the tests look at it)


def version() -> int | None:
    """The current version; None when the shared cache is unreachable."""
    return _pages.version()


def invalidate() -> None:
    """Make every cached public page stale, in every worker."""
    _pages.bump()
    _pages.forget_local()


def get(key: str) -> tuple[object | None, int | None]:
    """The page stored under `key` if it is current, and the version it must be stored under
    (None: the cache is down, store nothing)."""
    current = version()
    if current is None:
        return None, None
    stored = _pages.get(key)
    if stored is None or stored[0] != current:
        return None, current
    return stored[1], current


def set(key: str, value: tuple, *, made_under: int | None) -> None:  # noqa: A001 — the cache API's name
    if made_under is not None:
        _pages.set(key, (made_under, value))


def clear_local() -> None:
    """Forget this process's memory layer (tests clear the shared cache between runs)."""
    _pages.forget_local()
