"""The partner API's answers, stored per version of what they show.

Each resource the API serves (`conferences`, `experts`, `councils`, `releases`) has a version
number in the shared cache (Redis in production). Every write to a row an answer can show bumps
the version of each resource showing it (partners.receivers), which makes every stored answer of
that resource stale at once, in every worker: answers are stored under a key holding the
version, so an old one is never looked up again and simply expires.

A write bumps at once, so the process that wrote never serves what it has just changed, and
again after commit: an answer another worker rendered from the rows before the commit, but under
the first bump's version, is stale by then too.

The versions, the memory layer in each worker and the behaviour when Redis is down are
elyurt/versioned_cache.py's, shared with the public pages' cache.

The cache is an optimisation: with the shared cache unreachable, `version` answers None and
the API renders every answer from the database (as the throttle fails open, partners.throttling);
a write then cannot bump, and is logged. Answers stored before such an outage may outlive it for
up to ANSWER_SECONDS if the cache keeps its data.
"""

from __future__ import annotations

import logging
import time
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction

from .versioned_cache import CACHE_DOWN, VERSION_SECONDS, VersionedCache

RESOURCES = ("conferences", "experts", "councils", "releases")
ANSWER_SECONDS = 60 * 60
LOCAL_ANSWERS = 512


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


_answers = VersionedCache(
    label="partner API cache",
    entry="answer",
    log=logging.getLogger(__name__),
    version_key=_version_key,
    entry_seconds=ANSWER_SECONDS,
    local_entries=LOCAL_ANSWERS,
)


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
    return _answers.version(resource)


def bump(*resources: str) -> None:
    """Make every stored answer of `resources` stale, in every worker."""
    for resource in resources:
        if _answers.bump(resource):
            try:
                cache.set(_bumped_key(resource), time.time(), timeout=VERSION_SECONDS)
            except CACHE_DOWN:
                pass  # logged by the bump's next failure; the version moved


def bump_now_and_on_commit(*resources: str) -> None:
    """What a write calls: see the module's docstring for why twice."""
    bump(*resources)
    transaction.on_commit(lambda: bump(*resources))


def get(key: str) -> Answer | None:
    stored = _answers.get(key)
    return None if stored is None else Answer(*stored)


def set(key: str, answer: Answer) -> None:  # noqa: A001 — the cache API's name
    _answers.set(key, tuple(answer))


def clear_local() -> None:
    """Forget this process's memory layer (tests clear the shared cache between runs)."""
    _answers.forget_local()
