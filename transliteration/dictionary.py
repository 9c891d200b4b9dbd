"""The exception dictionary: spellings the letter rules do not give, in both directions.

Two sources, merged (the press service's entries win over shipped ones with the same key):

- shipped entries, ``transliteration/data/dictionary.tsv`` (loanwords, ц/е/ь/ъ words, months,
  ғ-stems with -га, Latin brands kept Latin), read once at import;
- the press service's entries, ``transliteration.models.DictionaryEntry``, edited on the
  dashboard (``/dashboard/dictionary/``) through ``transliteration.services``.

A :class:`Dictionary` is immutable and carries its own memo of transliterated words, so the pure
functions (``latin.transliterate``, ``cyrillic.transliterate``) take one as an argument and are
fast on repeated words. :func:`current` gives the dictionary in effect in this process.

Applied at once, in every process: a write bumps a version number in the shared cache (Redis in
production) at once and again after commit (as ``elyurt.api_cache`` does); each process reads
that version at most every ``CHECK_SECONDS`` and, when it moved, reads the entries again. The
process that wrote rebuilds at once. The entries are read on a short-lived connection of their
own, never on the request's: a page that transliterates costs none of its own queries (the
query-count tests of the API and the pages stay exact), and an entry not yet committed is seen
only by the process that wrote it. Without a reachable cache or database the process keeps what
it has (at worst the shipped entries).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data" / "dictionary.tsv"

# ʻ (U+02BB) after o and g, ʼ (U+02BC), and the look-alikes people type for both.
APOSTROPHES = "\u02bb\u02bc'\u2018\u2019`"
_APOSTROPHE_KEY = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))

CHECK_SECONDS = 1.0
VERSION_KEY = "transliteration:dictionary:version"
VERSION_SECONDS = 7 * 24 * 60 * 60  # every cache entry has a TTL (README, "Production")
MEMO_WORDS = 50_000  # words remembered per direction before the memo starts again


def latin_key(text: str) -> str:
    """How a Latin word is looked up: lowercase, every apostrophe look-alike as ``'``."""
    return text.lower().translate(_APOSTROPHE_KEY)


def cyrillic_key(text: str) -> str:
    return text.lower()


@dataclass(frozen=True)
class Entry:
    """One spelling: ``cyrillic`` ↔ ``latin``; ``whole_word`` False covers suffixed forms too."""

    cyrillic: str
    latin: str
    whole_word: bool = False


class Dictionary:
    """Merged entries, indexed both ways. Later entries win over earlier ones with the same key."""

    def __init__(self, entries=()):
        self.entries = tuple(entries)
        self.cyrillic_words: dict[str, str] = {}
        self.cyrillic_stems: dict[str, str] = {}
        self.latin_words: dict[str, str] = {}
        self.latin_stems: dict[str, str] = {}
        for entry in self.entries:
            ckey, lkey = cyrillic_key(entry.cyrillic), latin_key(entry.latin)
            if entry.whole_word:
                self.cyrillic_words[ckey] = entry.latin
                self.latin_words[lkey] = entry.cyrillic
            else:
                self.cyrillic_stems[ckey] = entry.latin
                self.latin_stems[lkey] = entry.cyrillic
        self._cyrillic_lengths = sorted({len(k) for k in self.cyrillic_stems}, reverse=True)
        self._latin_lengths = sorted({len(k) for k in self.latin_stems}, reverse=True)
        # Memo of whole words, one per direction and context: {(word, context): result}.
        self.latin_memo: dict = {}
        self.cyrillic_memo: dict = {}

    @staticmethod
    def _lookup(key: str, words: dict, stems: dict, lengths: list[int]):
        if key in words:
            return len(key), words[key]
        for n in lengths:
            if n <= len(key) and key[:n] in stems:
                return n, stems[key[:n]]
        return None

    def for_cyrillic(self, lower: str) -> tuple[int, str] | None:
        """(letters matched, their Latin) for a lowercase Cyrillic word, the longest entry."""
        return self._lookup(lower, self.cyrillic_words, self.cyrillic_stems, self._cyrillic_lengths)

    def for_latin(self, key: str) -> tuple[int, str] | None:
        """(characters matched, their Cyrillic) for a Latin word as ``latin_key`` gives it."""
        return self._lookup(key, self.latin_words, self.latin_stems, self._latin_lengths)

    def __len__(self) -> int:
        return len(self.entries)


def parse_shipped(text: str) -> list[Entry]:
    """Entries of the shipped file's format (see its header); ValueError names a bad line."""
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) < 3 or columns[2] not in ("stem", "word"):
            raise ValueError(f"{DATA.name}:{number}: expected cyrillic, latin, stem|word, note")
        entries.append(Entry(columns[0], columns[1], columns[2] == "word"))
    return entries


SHIPPED: tuple[Entry, ...] = tuple(parse_shipped(DATA.read_text(encoding="utf-8")))
SHIPPED_DICTIONARY = Dictionary(SHIPPED)


def merged(entries) -> Dictionary:
    """The shipped entries with `entries` (the press service's) over them."""
    return Dictionary((*SHIPPED, *entries))


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.dictionary = SHIPPED_DICTIONARY
        self.version: int | None = None
        self.loaded = False
        self.checked = float("-inf")


_state = _State()


def _cache_version() -> int | None:
    """The shared version; a missing one is created from the clock. None: no cache at hand."""
    try:
        from django.core.cache import cache

        current = cache.get(VERSION_KEY)
        if current is None:
            cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=VERSION_SECONDS)
            current = cache.get(VERSION_KEY)
        return current
    except Exception as exc:  # noqa: BLE001 — no settings, cache down: keep what we have
        logger.debug("transliteration: dictionary version unreadable (%s)", exc)
        return None


def _stored_entries() -> list[Entry] | None:
    """The press service's entries, read on a connection of our own; None if unreadable."""
    try:
        from django.db import DEFAULT_DB_ALIAS, connections

        from .models import DictionaryEntry

        connection = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            table = connection.ops.quote_name(DictionaryEntry._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT cyrillic, latin, whole_word FROM {table} ORDER BY id")  # noqa: S608
                rows = cursor.fetchall()
        finally:
            connection.close()
    except Exception as exc:  # noqa: BLE001 — no database yet (tests without one, migrate)
        logger.debug("transliteration: dictionary entries unreadable (%s)", exc)
        return None
    return [Entry(c, latin, bool(w)) for c, latin, w in rows]


def current() -> Dictionary:
    """The dictionary in effect: shipped plus stored entries, at most CHECK_SECONDS old."""
    now = time.monotonic()
    if now - _state.checked < CHECK_SECONDS:
        return _state.dictionary
    with _state.lock:
        if now - _state.checked < CHECK_SECONDS:
            return _state.dictionary
        _state.checked = now
        version = _cache_version()
        if _state.loaded and (version is None or version == _state.version):
            return _state.dictionary
        entries = _stored_entries()
        if entries is not None:
            _state.dictionary = merged(entries)
            _state.version = version
            _state.loaded = True
        return _state.dictionary


def install(entries, *, version: int | None = None) -> Dictionary:
    """Use shipped + `entries` in this process now (the writer's process, after a write)."""
    with _state.lock:
        _state.dictionary = merged(entries)
        _state.version = version
        _state.loaded = True
        _state.checked = time.monotonic()
        return _state.dictionary


def bump() -> int | None:
    """Move the shared version so every process reads the entries again; the new version."""
    try:
        from django.core.cache import cache

        try:
            return cache.incr(VERSION_KEY)
        except ValueError:
            version = time.time_ns() // 1000
            cache.set(VERSION_KEY, version, timeout=VERSION_SECONDS)
            return version
    except Exception as exc:  # noqa: BLE001 — cache down: the others catch up when it is back
        logger.warning("transliteration: dictionary version not bumped (%s)", exc)
        return None


def forget() -> None:
    """Back to the shipped entries until the next check (tests, after a rolled-back write)."""
    with _state.lock:
        _state.dictionary = SHIPPED_DICTIONARY
        _state.version = None
        _state.loaded = False
        _state.checked = float("-inf")
