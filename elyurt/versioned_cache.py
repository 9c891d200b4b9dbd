"""Stored answers made stale by a version number: the shared core of the partner API's cache
(elyurt/api_cache.py) and the public pages' cache (pressroom/public_cache.py).

Each cache keeps one version per resource in the shared cache (Redis in production). Entries
are stored under keys or beside values that carry the version they were made under; a bump
makes every one of them stale at once, in every worker. Each worker process reads a version at
most every `local_version_seconds` and keeps recent entries in a small memory layer, so an
entry served again costs no round trip; the process that bumped sees its change at once, the
others within `local_version_seconds`.

Every key has a TTL (entries `entry_seconds`, versions VERSION_SECONDS, longer than an entry
lives), so a Redis run with `maxmemory-policy volatile-lru` evicts them before the broker's
queues, which have none. A version starts from the clock in microseconds, not 1: a version
recreated after it expired, was evicted or the cache was emptied is above every old one, so no
entry stored before is current again (and no old ETag derived from it matches).

The cache is an optimisation: when it is unreachable or full, a version reads None, nothing is
stored, the error is logged, and the caller renders from the database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import redis
from django.core.cache import cache

# What an unreachable or full shared cache raises (Redis in production; "OOM command not
# allowed" is a ResponseError); the memory cache never does.
CACHE_DOWN = (redis.RedisError, OSError)
VERSION_SECONDS = 7 * 24 * 60 * 60


def fresh_version() -> int:
    return time.time_ns() // 1000


class VersionedCache:
    """One cache: `label` names it and `entry` what it stores in the messages, which go to
    `log` (the owning module's logger); `version_key(resource)` is a version's key."""

    def __init__(
        self,
        *,
        label: str,
        entry: str,
        log: logging.Logger,
        version_key: Callable[[str], str],
        entry_seconds: int,
        local_entries: int,
        local_version_seconds: float = 1.0,
    ) -> None:
        self.label = label
        self.entry = entry
        self.log = log
        self.version_key = version_key
        self.entry_seconds = entry_seconds
        self.local_entries = local_entries
        self.local_version_seconds = local_version_seconds
        self.lock = threading.Lock()
        self.local: OrderedDict[str, object] = OrderedDict()  # key: entry, most recent last
        self.local_versions: dict[str, tuple[float, int]] = {}  # resource: (read at, version)

    def version(self, resource: str = "") -> int | None:
        """The resource's current version; None when the shared cache is unreachable."""
        now = time.monotonic()
        local = self.local_versions.get(resource)
        if local is not None and now - local[0] < self.local_version_seconds:
            return local[1]
        key = self.version_key(resource)
        try:
            current = cache.get(key)
            if current is None:
                cache.add(key, fresh_version(), timeout=VERSION_SECONDS)
                current = cache.get(key) or fresh_version()
        except CACHE_DOWN as exc:
            self.log.warning("%s: %s unreadable, answering uncached (%s)", self.label, key, exc)
            return None
        self.local_versions[resource] = (now, current)
        return current

    def bump(self, resource: str = "") -> bool:
        """Make every entry of `resource` stale, in every worker; False when the shared cache
        is down (entries stored before may then be served until they expire)."""
        self.local_versions.pop(resource, None)
        key = self.version_key(resource)
        try:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, fresh_version(), timeout=VERSION_SECONDS)
        except CACHE_DOWN as exc:
            self.log.warning("%s: version not bumped (%s)", self.label, exc)
            return False
        return True

    def get(self, key: str):
        """The entry stored under `key` (memory first, then shared), or None."""
        with self.lock:
            if key in self.local:
                self.local.move_to_end(key)
                return self.local[key]
        try:
            stored = cache.get(key)
        except CACHE_DOWN as exc:
            self.log.warning("%s: unreadable, rendering uncached (%s)", self.label, exc)
            return None
        if stored is not None:
            self.remember(key, stored)
        return stored

    def set(self, key: str, stored) -> None:  # noqa: A003 — the cache API's name
        try:
            cache.set(key, stored, self.entry_seconds)
        except CACHE_DOWN as exc:
            self.log.warning("%s: %s not stored (%s)", self.label, self.entry, exc)
            return
        self.remember(key, stored)

    def remember(self, key: str, stored) -> None:
        with self.lock:
            self.local[key] = stored
            self.local.move_to_end(key)
            while len(self.local) > self.local_entries:
                self.local.popitem(last=False)

    def forget_local(self) -> None:
        """Forget this process's memory layer and versions."""
        with self.lock:
            self.local.clear()
        self.local_versions.clear()
