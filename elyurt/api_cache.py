"""The partner API's answers, stored per version of what they show.

Each resource the API serves (`conferences`, `experts`, `councils`, `releases`) has a version
number in the shared cache (Redis in production). Every write to a row an answer can show bumps
the version of each resource showing it (partners.receivers), which makes every stored answer of
that resource stale at once, in every worker: answers are stored under a key holding the
version, so an old one is never looked up again and simply expires.

A write bumps at once, so the process that wrote never serves what it has just changed, and
again after commit: an answer another worker rendered from the rows before the commit, but under
the first bump's version, is stale by then too.

Each worker process reads a version from the shared cache at most every LOCAL_VERSION_SECONDS
and keeps recent answers in memory, so an answer served again costs no round trip at all; the
process that wrote sees its change at once, the others within LOCAL_VERSION_SECONDS.

The cache is an optimisation: with the shared cache unreachable, `version` answers None and
the API renders every answer from the database (as the throttle fails open, partners.throttling);
a write then cannot bump, and is logged. Answers stored before such an outage may outlive it for
up to ANSWER_SECONDS if the cache keeps its data.

A version starts from the clock in microseconds, not 1: if the shared cache is emptied, the new
numbers are above every old one, so an old ETag (which derives from the version) never matches
a different answer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

import redis
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)
# What an unreachable shared cache raises (Redis in production; the memory cache never does).
CACHE_DOWN = (redis.RedisError, OSError)

RESOURCES = ("conferences", "experts", "councils", "releases")
ANSWER_SECONDS = 60 * 60
# Versions have a TTL too, like every cache entry (settings.py: Redis evicts keys with a TTL
# first); longer than an answer lives, and a version recreated after it expired starts from
# the clock, above every old one.
VERSION_SECONDS = 7 * 24 * 60 * 60
LOCAL_VERSION_SECONDS = 1.0
LOCAL_ANSWERS = 512

_lock = threading.Lock()
_local_answers: OrderedDict[str, Answer] = OrderedDict()
_local_versions: dict[str, tuple[float, int]] = {}  # resource: (read at, version)


class Answer(NamedTuple):
    """A stored 200: its body as sent, its Content-Type, and its Last-Modified (seconds since
    the epoch) or None."""

    content: bytes
    content_type: str
    last_modified: int | None


def _version_key(resource: str) -> str:
    return f"api:version:{resource}"


def _bumped_key(resource: str) -> str:
    return f"api:bumped:{resource}"


def bumped_at(resource: str) -> float | None:
    """When the resource was last bumped (seconds since the epoch); None if unknown.

    A detail's Last-Modified is at least this: a write that moves no row's `updated_at` (an
    agenda row deleted, an expert ticked as attending) still moves the date a client compares.
    """
    try:
        return cache.get(_bumped_key(resource))
    except CACHE_DOWN:
        return None


def version(resource: str) -> int | None:
    """The resource's current version; None when the shared cache is unreachable."""
    now = time.monotonic()
    local = _local_versions.get(resource)
    if local is not None and now - local[0] < LOCAL_VERSION_SECONDS:
        return local[1]
    try:
        current = cache.get(_version_key(resource))
        if current is None:
            cache.add(_version_key(resource), time.time_ns() // 1000, timeout=VERSION_SECONDS)
            current = cache.get(_version_key(resource)) or time.time_ns() // 1000
    except CACHE_DOWN as exc:
        logger.warning("partner API cache: %s unreadable, answering uncached (%s)", resource, exc)
        return None
    _local_versions[resource] = (now, current)
    return current


def bump(*resources: str) -> None:
    """Make every stored answer of `resources` stale, in every worker."""
    for resource in resources:
        _local_versions.pop(resource, None)
        try:
            try:
                cache.incr(_version_key(resource))
            except ValueError:
                cache.set(_version_key(resource), time.time_ns() // 1000, timeout=VERSION_SECONDS)
            cache.set(_bumped_key(resource), time.time(), timeout=VERSION_SECONDS)
        except CACHE_DOWN as exc:
            logger.warning("partner API cache: %s not bumped (%s)", resource, exc)


def bump_now_and_on_commit(*resources: str) -> None:
    """What a write calls: see the module's docstring for why twice."""
    bump(*resources)
    transaction.on_commit(lambda: bump(*resources))


def get(key: str) -> Answer | None:
    with _lock:
        local = _local_answers.get(key)
        if local is not None:
            _local_answers.move_to_end(key)
            return local
    try:
        stored = cache.get(key)
    except CACHE_DOWN:
        return None
    if stored is None:
        return None
    answer = Answer(*stored)
    _remember(key, answer)
    return answer


def set(key: str, answer: Answer) -> None:  # noqa: A001 — the cache API's name
    try:
        cache.set(key, tuple(answer), ANSWER_SECONDS)
    except CACHE_DOWN:
        return
    _remember(key, answer)


def _remember(key: str, answer: Answer) -> None:
    with _lock:
        _local_answers[key] = answer
        _local_answers.move_to_end(key)
        while len(_local_answers) > LOCAL_ANSWERS:
            _local_answers.popitem(last=False)


def clear_local() -> None:
    """Forget this process's memory layer (tests clear the shared cache between runs)."""
    with _lock:
        _local_answers.clear()
    _local_versions.clear()
