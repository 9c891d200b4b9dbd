"""Reads of the exception dictionary, and the preview of what an entry changes."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from . import to_latin
from .dictionary import Entry, merged
from .models import DictionaryEntry

PREVIEW_PAIRS = 10  # changed phrases shown per release


def dictionary_entry_list(*, search: str = "") -> QuerySet[DictionaryEntry]:
    """The press service's entries, alphabetically; `search` matches either script or the note."""
    rows = DictionaryEntry.objects.select_related("created_by").order_by("cyrillic")
    search = search.strip()
    if search:
        rows = rows.filter(
            Q(cyrillic__icontains=search) | Q(latin__icontains=search) | Q(note__icontains=search)
        )
    return rows


def dictionary_entries_after(
    *, entry: Entry | None = None, replacing: int | None = None
) -> list[Entry]:
    """The press service's entries as they would be with `entry` added, or put in place of the
    entry with pk `replacing` (`entry` None: that entry removed)."""
    rows = DictionaryEntry.objects.order_by("pk").values_list(
        "pk", "cyrillic", "latin", "whole_word"
    )
    entries = [Entry(c, latin, w) for pk, c, latin, w in rows if pk != replacing]
    if entry is not None:
        entries.append(entry)
    return entries


@dataclass
class ReleaseChange:
    """A release whose derived Latin would change: its id, title and the changed phrases."""

    pk: int
    slug: str
    title: str
    status: str
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (now, after), at most 10
    count: int = 0  # every changed phrase, even those not shown


_WORDS = re.compile(r"\S+")


def _changed_phrases(before: str, after: str) -> list[tuple[str, str]]:
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    pairs = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            pairs.append((" ".join(old[i1:i2]), " ".join(new[j1:j2])))
    return pairs


def releases_following(*, words=()) -> QuerySet:
    """Press releases whose Latin follows the Cyrillic (not edited by hand) and, when `words`
    are given, whose Cyrillic title or body holds one of them (any case): the releases a
    dictionary entry for those words can change."""
    from pressroom.models import PressRelease

    releases = PressRelease.objects.filter(latin_edited=False)
    words = [w for w in words if w]
    if words:
        holds = Q()
        for word in words:
            holds |= Q(title_cyrl__icontains=word) | Q(body_cyrl__icontains=word)
        releases = releases.filter(holds)
    return releases


def dictionary_preview(*, entries: list[Entry], words=()) -> list[ReleaseChange]:
    """What saving would change: every press release whose Latin follows the Cyrillic (not
    edited by hand), holds one of `words` (the entry's Cyrillic, before and after; all releases
    when none are given) and whose title or body Latin, derived with the shipped entries and
    `entries` (the press service's, as they would be), differs from the stored Latin.

    The stored Latin is what pressroom.services.press_release_latin_follow replaces on saving.
    One query for the releases; the transliteration itself is in memory.
    """
    candidate = merged(entries)
    rows = (
        releases_following(words=words)
        .order_by("-pk")
        .only("pk", "slug", "status", "title_cyrl", "body_cyrl", "title_latn", "body_latn")
    )
    changes = []
    for release in rows:
        title = to_latin(release.title_cyrl, dictionary=candidate)
        body = to_latin(release.body_cyrl, dictionary=candidate)
        if title == release.title_latn and body == release.body_latn:
            continue
        pairs = _changed_phrases(release.title_latn, title)
        pairs += _changed_phrases(release.body_latn, body)
        unique = list(dict.fromkeys(pairs))
        changes.append(
            ReleaseChange(
                pk=release.pk,
                slug=release.slug,
                title=release.title_cyrl,
                status=release.status,
                pairs=unique[:PREVIEW_PAIRS],
                count=len(pairs),
            )
        )
    return changes
