"""Uzbek Cyrillic to Latin (the 1995 Latin alphabet, as the press service writes).

``transliterate(text, dictionary)`` rewrites runs of Cyrillic letters and copies everything
else unchanged: Latin words, digits, punctuation, quotation marks, whitespace, URLs and e-mail
addresses. The input is put in Unicode NFC first (``Й`` typed as ``И`` + U+0306 is ``Й``).

Rules (Vazirlar Mahkamasining 1995-yil 24-avgustdagi 339-son qarori, "Oʻzbek tilining asosiy
imlo qoidalari"; /work/shared/domain.md "Writing Uzbek"), one Latin piece per Cyrillic letter:

- е is ``ye`` at a word start (also after a hyphen, quote or digit), after a vowel, ъ or ь;
  otherwise ``e``. ё yo, ю yu, я ya, э e, ш sh, ч ch, қ q, ҳ h, х x, ж j, й y, ў oʻ, ғ gʻ.
- ц is ``ts`` between vowels (litsey, militsiya), otherwise ``s`` (sirk, konsert, abzas).
- ъ is ʼ (U+02BC), dropped before е, after ў and ғ (moʻjiza), and before ё ю я after a
  consonant (syomka); ь is dropped (Belgiya), ``y`` before о (batalyon).
- сҳ is ``sʼh`` (Isʼhoq); izofa after а, о, ё is ``-yi`` (nuqtayi nazar); the particle -ю of
  paired words after a vowel is ``-yu`` (kecha-yu kunduz).
- A year or day before a date word takes the hyphen of ordinals: ``2020 йил 28 августда`` →
  ``2020-yil 28-avgustda`` (the 1995 rules: an ordinal in digits takes a hyphen for its
  suffix, 5-sinf; the portal's Latin mail writes the same).
- A capital initial followed by a full stop is the first letter of the Latin name: Ш. → Sh.
  (sh is one letter of the 1995 alphabet), but Ё. Ю. Я. Е. → Y. (yo, yu, ya, ye are two
  letters, and a Latin initial is one: Yorqin → Y.; most references measured in issue 14
  expect Y. too). Latin → Cyrillic cannot know the letter back and writes Й.
- Case is kept per letter: Ш is ``Sh`` in a capitalised word, ``SH`` beside another capital
  (АҚШ → AQSH, АҚШдаги → AQSHdagi).

Everything else comes from the exception dictionary (``transliteration.dictionary``): a word or
its stem found there is written as the entry says, the rest of the word by the rules above.
"""

from __future__ import annotations

import re
import unicodedata

from .dictionary import Dictionary

OKINA = "\u02bb"  # ʻ in oʻ and gʻ
TUTUQ = "\u02bc"  # ʼ, the glottal stop written for ъ

_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "s",
    "ч": "ch", "ш": "sh", "ъ": TUTUQ, "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "ў": "o" + OKINA, "қ": "q", "ғ": "g" + OKINA, "ҳ": "h",
    # Not Uzbek letters, but they turn up in Russian names and loanwords.
    "щ": "sh", "ы": "i", "і": "i",
}  # fmt: skip
_TABLE = str.maketrans(_LETTERS)
# Letters whose Latin depends on a neighbour; a word without any goes through _TABLE at once.
_CONTEXT_LETTERS = frozenset("ецъьҳию")
_VOWELS = frozenset("аеёиоуэюяўы")
_IZOFA_AFTER = frozenset("аоё")
_INITIAL_Y = frozenset("ёюяе")

# What precedes a run of Cyrillic letters decides its first е (ye or e) and ц.
WORD_START, AFTER_VOWEL, AFTER_CONSONANT = 0, 1, 2

_MONTH_STEMS = "январ|феврал|март|апрел|май|июн|июл|август|сентябр|октябр|ноябр|декабр"
_DATE_SUFFIXES = "(?:ь|и)?(?:да|дан|га|гача|ни|нинг|даги)?"

# URLs and e-mail addresses are kept whole; the space between a year (or a day) and its date
# word becomes the ordinal's hyphen; a run of Cyrillic letters is a word.
_TOKEN = re.compile(
    r"(?P<keep>(?i:https?://|www\.)[^\s\"“”«»„‘’<>]+"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    rf"|(?<![\d.,:/-])(?P<date>(?:[12]\d{{3}}(?= (?i:йил))|(?:[1-9]|[12]\d|3[01])"
    rf"(?= (?i:{_MONTH_STEMS}){_DATE_SUFFIXES}(?![\u0400-\u04ff]))) )"
    r"|[\u0400-\u04ff]+"
)


def _letter(lower: str, i: int, before: str | None) -> str:
    """The Latin of ``lower[i]``; ``before`` is the letter before it (None at a word start)."""
    ch = lower[i]
    after = lower[i + 1] if i + 1 < len(lower) else ""
    if ch == "е":
        return "ye" if before is None or before in _VOWELS or before in "ъь" else "e"
    if ch == "ц":
        return "ts" if before is not None and before in _VOWELS and after in _VOWELS else "s"
    if ch == "ъ":
        if after == "е" or before in ("ў", "ғ"):
            return ""
        if after and after in "ёюя" and before is not None and before not in _VOWELS:
            return ""
        return TUTUQ
    if ch == "ь":
        return "y" if after == "о" else ""
    if ch == "ҳ":
        return TUTUQ + "h" if before == "с" else "h"
    last = i == len(lower) - 1 and i >= 3
    if ch == "и" and last and before in _IZOFA_AFTER:
        return "yi"  # izofa: нуқтаи назар → nuqtayi nazar
    if ch == "ю" and last and before in _VOWELS:
        return "-yu"  # paired words: кечаю кундуз → kecha-yu kunduz
    return _LETTERS.get(ch, ch)


def _start_letter(context: int) -> str | None:
    # Stand-ins for what precedes the run: a vowel, a consonant, or nothing.
    return {WORD_START: None, AFTER_VOWEL: "а", AFTER_CONSONANT: "б"}[context]


def _pieces(lower: str, context: int, dictionary: Dictionary | None) -> list[str]:
    """One Latin piece per letter of ``lower`` (a stem from the dictionary is one piece, the
    letters it covers empty ones); the rest of the word after a stem by the rules."""
    found = dictionary.for_cyrillic(lower) if dictionary is not None else None
    if found is not None:
        length, latin = found
        rest = []
        if length < len(lower):
            after = AFTER_VOWEL if lower[length - 1] in _VOWELS else AFTER_CONSONANT
            rest = _pieces(lower[length:], after, None)
        return [latin, *([""] * (length - 1)), *rest]
    if _CONTEXT_LETTERS.isdisjoint(lower):
        return [_LETTERS.get(ch, ch) for ch in lower]
    pieces = []
    before = _start_letter(context)
    for i, ch in enumerate(lower):
        pieces.append(_letter(lower, i, before))
        before = ch
    return pieces


def _upper_near(word: str, i: int) -> bool:
    """Whether a capital's neighbour in the word is a capital too (АҚШ, АҚШдаги; not Шаҳар)."""
    nxt = word[i + 1] if i + 1 < len(word) else ""
    return nxt.isupper() or (i > 0 and word[i - 1].isupper())


def _capitalise(piece: str) -> str:
    for j, ch in enumerate(piece):
        if ch != ch.upper():  # not ʼ, which is a letter without case
            return piece[:j] + ch.upper() + piece[j + 1 :]
    return piece


def _cased(word: str, lower: str, pieces: list[str]) -> str:
    if word == lower:
        return "".join(pieces)
    if len(word) > 1 and word == word.upper():
        return "".join(pieces).upper()
    out = []
    for i, piece in enumerate(pieces):
        if not piece or not word[i].isupper():
            out.append(piece)
        elif piece != piece.lower():
            out.append(piece)  # a dictionary entry with its own capitals (a brand)
        elif _upper_near(word, i):
            out.append(piece.upper())
        else:
            out.append(_capitalise(piece))
    return "".join(out)


def _word(word: str, context: int, dictionary: Dictionary) -> str:
    memo = dictionary.latin_memo
    key = (word, context)
    latin = memo.get(key)
    if latin is None:
        lower = word.lower()
        if word == lower and _CONTEXT_LETTERS.isdisjoint(lower):
            found = dictionary.for_cyrillic(lower)
            latin = lower.translate(_TABLE) if found is None else None
        if latin is None:
            latin = _cased(word, lower, _pieces(lower, context, dictionary))
        if len(memo) >= 50_000:
            memo.clear()
        memo[key] = latin
    return latin


def _context_before(text: str, start: int) -> int:
    if not start:
        return WORD_START
    char = text[start - 1].lower()
    if char in _VOWELS or char in "aeiou":
        return AFTER_VOWEL
    if not char.isalpha():
        return WORD_START
    return AFTER_CONSONANT


def transliterate(text: str, dictionary: Dictionary) -> str:
    """``text`` in Uzbek Latin with `dictionary`'s entries; see the module's rules."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)

    def replace(match: re.Match[str]) -> str:
        if match.lastgroup == "keep":
            return match.group()
        if match.lastgroup == "date":
            return match.group()[:-1] + "-"
        word, start = match.group(), match.start()
        if len(word) == 1 and word.isupper() and text[match.end() : match.end() + 1] == ".":
            if word.lower() in _INITIAL_Y:
                return "Y"  # Ё. → Y.: see the module's docstring
        return _word(word, _context_before(text, start), dictionary)

    return _TOKEN.sub(replace, text)
