"""Uzbek Cyrillic to Latin transliteration (the 1995 Latin alphabet, as the press service writes).

``to_latin`` rewrites runs of Cyrillic letters and copies everything else unchanged: Latin words,
digits, punctuation, quotation marks, whitespace, URLs and e-mail addresses.
"""

from __future__ import annotations

import re
from functools import lru_cache

OKINA = "\u02bb"  # ʻ in oʻ and gʻ
TUTUQ = "\u02bc"  # ʼ, the glottal stop written for ъ

_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "s",
    "ч": "ch", "ш": "sh", "ъ": TUTUQ, "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "ў": "o" + OKINA, "қ": "q", "ғ": "g" + OKINA, "ҳ": "h",
    # Not Uzbek letters, but they turn up in Russian names and loanwords.
    "щ": "sh", "ы": "i",
}  # fmt: skip
_TABLE = str.maketrans(_LETTERS)

# Letters whose spelling depends on a neighbour; everything else goes through _TABLE.
_VOWELS = "аеёиоуэюяўы"
_NEIGHBOURS = rf"[ъь]е|ьо|сҳ|(?<=[{_VOWELS}])[ец]"
_CONTEXT_SPELLING = {
    "е": "ye",  # only matched at a word start or after a vowel
    "ц": "ts",  # only matched after a vowel
    "ъе": "ye",
    "ье": "ye",
    "ьо": "yo",
    "сҳ": "s" + TUTUQ + "h",  # keeps Isʼhoq from reading as Ishoq
}

# What precedes a run of Cyrillic letters decides its first е (ye or e) and ц (ts or s).
WORD_START, AFTER_VOWEL, AFTER_CONSONANT = 0, 1, 2
_PATTERNS = (
    re.compile(rf"^е|{_NEIGHBOURS}"),
    re.compile(rf"^[ец]|{_NEIGHBOURS}"),
    re.compile(_NEIGHBOURS),
)

# Spelled from Russian (сентябрь, октябрь), not letter by letter: sentabr, oktabr.
_MONTH_STEMS = (("сентябр", "сентабр"), ("октябр", "октабр"))

_TOKEN = re.compile(
    r"(?P<keep>(?i:https?://|www\.)[^\s\"“”«»„‘’<>]+"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|[\u0400-\u04ff]+"
)


def _spell(lower: str, context: int) -> str:
    """Spell a lowercase run of Cyrillic letters in lowercase Latin."""
    for stem, spelled in _MONTH_STEMS:
        if lower.startswith(stem):
            lower = spelled + lower[len(stem) :]
            break
    return _PATTERNS[context].sub(_context_spelling, lower).translate(_TABLE)


def _context_spelling(match: re.Match[str]) -> str:
    return _CONTEXT_SPELLING[match.group()]


def _context_after(char: str) -> int:
    lower = char.lower()
    if lower in _VOWELS or lower in "aeiou":
        return AFTER_VOWEL
    if lower in "ъь" or not lower.isalpha():
        return WORD_START
    return AFTER_CONSONANT


def _case_runs(word: str) -> list[str]:
    """Split a mixed-case word: ЗиёТек -> Зиё, Тек; АҚШдаги -> АҚШ, даги."""
    runs, i, n = [], 0, len(word)
    while i < n:
        j = i + 1
        if word[i].isupper():
            while j < n and word[j].isupper():
                j += 1
            if j - i == 1:  # one capital starts a title-case part
                while j < n and not word[j].isupper():
                    j += 1
        else:
            while j < n and not word[j].isupper():
                j += 1
        runs.append(word[i:j])
        i = j
    return runs


@lru_cache(maxsize=16384)
def _word(word: str, context: int) -> str:
    """Transliterate one run of Cyrillic letters, keeping its case pattern."""
    lower = word.lower()
    if word == lower:
        return _spell(lower, context)
    if word == word.upper() and len(word) > 1:
        return _spell(lower, context).upper()  # АҚШ -> AQSH, not AQSh
    if word[0].isupper() and word[1:] == lower[1:]:
        latin = _spell(lower, context)
        return latin[:1].upper() + latin[1:]  # Шаҳар -> Shahar
    parts = []
    for run in _case_runs(word):
        parts.append(_word(run, context))
        context = _context_after(run[-1])
    return "".join(parts)


def _replace(match: re.Match[str]) -> str:
    if match.lastgroup == "keep":
        return match.group()
    start = match.start()
    context = _context_after(match.string[start - 1]) if start else WORD_START
    return _word(match.group(), context)


def to_latin(text: str) -> str:
    """Return ``text`` in Uzbek Latin; anything that is not Cyrillic is copied as it is."""
    return _TOKEN.sub(_replace, text)
