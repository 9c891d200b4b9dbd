"""Uzbek Latin to Cyrillic (the 1995 Latin alphabet back to the Cyrillic one).

Latin to Cyrillic is not certain everywhere: ``s`` may be ``ц`` in a loanword, ``e`` inside a
word is always ``е``, ``ye`` may be ``е`` or ``йе``. The rules here follow the 1995 alphabet's
table; an editor corrects the rest by hand, as the Latin of a release is corrected today.
"""

from __future__ import annotations

import re
from functools import lru_cache

# ʻ (U+02BB) after o and g, and the look-alikes people type for it and for ʼ (U+02BC).
APOSTROPHES = "\u02bb\u02bc'\u2018\u2019`"

_DIGRAPHS = {"sh": "ш", "ch": "ч", "yo": "ё", "yu": "ю", "ya": "я", "ye": "е"}
_LETTERS = {
    "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "ҳ", "i": "и", "j": "ж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с",
    "t": "т", "u": "у", "v": "в", "x": "х", "y": "й", "z": "з", "c": "с", "w": "в",
}  # fmt: skip
_VOWELS = "aeiou"

_TOKEN = re.compile(
    r"(?P<keep>(?i:https?://|www\.)[^\s\"“”«»„‘’<>]+"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    rf"|[A-Za-z](?:[A-Za-z]|[{APOSTROPHES}](?=[A-Za-z]))*"
)


def _spell(lower: str) -> str:
    out: list[str] = []
    i, n = 0, len(lower)
    while i < n:
        ch = lower[i]
        nxt = lower[i + 1] if i + 1 < n else ""
        if ch in "og" and nxt and nxt in APOSTROPHES:
            out.append("ў" if ch == "o" else "ғ")
            i += 2
            continue
        if ch in APOSTROPHES:
            out.append("ъ")
            i += 1
            continue
        pair = lower[i : i + 2]
        if pair in _DIGRAPHS:
            out.append(_DIGRAPHS[pair])
            i += 2
            continue
        if ch == "e" and (i == 0 or lower[i - 1] in _VOWELS):
            out.append("э")
        else:
            out.append(_LETTERS.get(ch, ch))
        i += 1
    return "".join(out)


@lru_cache(maxsize=16384)
def _word(word: str) -> str:
    lower = word.lower()
    cyr = _spell(lower)
    if word == lower:
        return cyr
    letters = [c for c in word if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return cyr.upper()
    if word[0].isupper():
        return cyr[:1].upper() + cyr[1:]
    return cyr


def _replace(match: re.Match[str]) -> str:
    if match.lastgroup == "keep":
        return match.group()
    return _word(match.group())


def to_cyrillic(text: str) -> str:
    """Return Uzbek Latin ``text`` in Uzbek Cyrillic; anything not Latin is copied as it is."""
    return _TOKEN.sub(_replace, text)
