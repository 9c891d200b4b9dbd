"""A new version's units matched to the last version's, so comments follow the article.

An article is the same one when its text (its number left out, so renumbering changes
nothing) is the same, or failing that when it keeps its number and most of its text, or failing
that when most of its text is found in an article nobody else matched. Similarity is difflib's
ratio over words.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .splitting import _NUMBERED, _WORDED

# A ratio at or above this is "the same article, changed" (difflib's ratio on words).
SAME_ARTICLE_RATIO = 0.6
_SPACE = re.compile(r"\s+")


def unit_body(text: str) -> str:
    """The text without its heading's number, whitespace folded: what identity compares."""
    first, _sep, rest = text.partition("\n")
    match = _WORDED.match(first) or _NUMBERED.match(first)
    if match is not None:
        first = first[match.end() :]
    return _SPACE.sub(" ", f"{first} {rest}").strip()


@dataclass
class Match:
    """For each new unit (by index): the old unit's index it continues, or None for a new one;
    and whether its text changed."""

    old_index: list[int | None]
    changed: list[bool]


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def units_match(*, old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]) -> Match:
    """Match `new` (number, text) units to `old` ones; see the module's rules."""
    old_bodies = [unit_body(text) for _n, text in old]
    new_bodies = [unit_body(text) for _n, text in new]
    result = Match(old_index=[None] * len(new), changed=[False] * len(new))
    free = set(range(len(old)))
    by_body: dict[str, list[int]] = {}
    for index, body in enumerate(old_bodies):
        by_body.setdefault(body, []).append(index)
    for index, body in enumerate(new_bodies):
        candidates = [i for i in by_body.get(body, []) if i in free]
        if candidates:
            result.old_index[index] = candidates[0]
            free.discard(candidates[0])
    _match_changed(old, new, old_bodies, new_bodies, result, free, same_number=True)
    _match_changed(old, new, old_bodies, new_bodies, result, free, same_number=False)
    return result


def _match_changed(old, new, old_bodies, new_bodies, result: Match, free: set, *, same_number):
    for index, body in enumerate(new_bodies):
        if result.old_index[index] is not None:
            continue
        best, best_ratio = None, SAME_ARTICLE_RATIO
        for old_index in sorted(free):
            if same_number and old[old_index][0] != new[index][0]:
                continue
            ratio = _ratio(old_bodies[old_index], body)
            if ratio >= best_ratio:
                best, best_ratio = old_index, ratio
        if best is not None:
            result.old_index[index] = best
            result.changed[index] = True
            free.discard(best)
