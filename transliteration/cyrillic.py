"""Uzbek Latin to Cyrillic (the 1995 Latin alphabet back to the Cyrillic one).

Not certain everywhere, and it says so: an editor corrects the other script by hand, as the
Latin of a release is corrected today ("Latin follows the Cyrillic" in pressroom.services).
What is certain (the 1995 alphabet's table, read backwards):

- sh ш, ch ch ч, ng н+г, oʻ ў, gʻ ғ, q қ, x х, h ҳ, j ж; ``sʼh`` сҳ (Isʼhoq).
- yo yu ya ye are ё ю я е at a word start, after a vowel and after y (tayyor → тайёр); after
  another consonant yo yu ya are ё ю я (Ilyos → Илёс) and ye is ъе (obyekt → объект).
- e is э at a word start and after a vowel (eksport, poeziya), е elsewhere.
- The apostrophe: ʻ (U+02BB) and ʼ (U+02BC) and the four look-alikes people type (' ‘ ’ `)
  after o or g make ў or ғ; elsewhere between letters they are ъ (taʼlim → таълим). A closing
  quote after a word in quotes stays a quote (‘Ziyo’).
- Paired words: kecha-yu kunduz → кечаю кундуз, tun-u kun → туну кун; izofa ``-ayi`` → аи
  (nuqtayi nazar → нуқтаи назар); ``2020-yil 28-avgustda`` → ``2020 йил 28 августда`` (the
  house style of the Cyrillic releases, /work/shared/domain.md).
- ``-tsiya``, ``-ksiya``, ``-psiya`` → ция, кция, пция (militsiya, aksiya, konsepsiya).

What is not certain, and comes from the exception dictionary or from the editor:

- s may be ц in a loanword (sirk → цирк, Fransiya → Франция): dictionary entries only, since
  native words write s; ts may be ц (litsey → лицей): dictionary only, since verbs write ts
  (ketsa → кетса).
- A dropped ь (Belgiya → Бельгия, modul → модуль), ъ before yo/yu/ya (syomka → съёмка), ье
  (premyer → премьер): dictionary only.
- A ғ-stem with -ga: togʻga → тоққа (dictionary); other -ga stay -га.
- Latin that is not Uzbek is kept: URLs, e-mail addresses, a word with c (not in ch) or w
  (Coursera), and dictionary entries whose two sides are the same Latin word (ZOOM, edX). An
  all-caps word not in the dictionary is Uzbek (AQSH → АҚШ, OTM → ОТМ).
- An initial ``Y.`` stays ``Й.``: the letter it stood for (ё, ю, я, е, й) is not known.
"""

from __future__ import annotations

import re
import unicodedata

from .dictionary import APOSTROPHES, Dictionary, latin_key

_PAIRS = {"sh": "ш", "ch": "ч"}
_IOTATED = {"yo": "ё", "yu": "ю", "ya": "я", "ye": "е"}
_LETTERS = {
    "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "ҳ", "i": "и", "j": "ж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с",
    "t": "т", "u": "у", "v": "в", "x": "х", "y": "й", "z": "з", "c": "ц", "w": "в",
}  # fmt: skip
_VOWELS = frozenset("aeiou")
_FOREIGN = re.compile(r"w|c(?!h)")

_MONTHS = "yanvar|fevral|mart|aprel|may|iyun|iyul|avgust|sentabr|oktabr|noyabr|dekabr"
# URLs and e-mail addresses are kept whole; the hyphen of a year or day before its date word
# becomes a space (2020-yil → 2020 йил); the hyphen of a paired word's particle goes (kecha-yu
# → кечаю, tun-u → туну); a run of Latin letters (with apostrophes) is a word.
_TOKEN = re.compile(
    r"(?P<keep>(?i:https?://|www\.)[^\s\"“”«»„‘’<>]+"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    rf"|(?<![\d.,:/-])(?P<date>(?:[12]\d{{3}}(?=-(?i:yil))|(?:[1-9]|[12]\d|3[01])"
    rf"(?=-(?i:{_MONTHS})(?i:i)?(?i:da|dan|ga|gacha|ni|ning|dagi)?\b))-)"
    r"|(?P<particle>(?<=[aeiouAEIOU])-(?=(?:yu|YU)\b)"
    r"|(?<=[b-df-hj-np-tv-zB-DF-HJ-NP-TV-Z])-(?=[uU]\b))"
    rf"|[A-Za-z](?:[A-Za-z]|[{APOSTROPHES}](?=[A-Za-z])|(?<=[oOgG])[{APOSTROPHES}])*"
)
_OPENING = "\"'‘’`“«„\u02bb\u02bc"


def _spell(key: str, before: str) -> list[tuple[str, int]]:
    """Cyrillic pieces of a Latin word (``latin_key`` form), each with the index of the
    Latin character it starts at (for its case). ``before``: the Latin letter before ``key``
    in its word (a dictionary stem's last), "" at a word start."""
    out: list[tuple[str, int]] = []
    i, n = 0, len(key)
    prev_vowel, prev = before in _VOWELS and before != "", before
    while i < n:
        ch = key[i]
        at_start = i == 0 and before == ""
        nxt = key[i + 1] if i + 1 < n else ""
        if ch in "og" and nxt == "'":
            out.append(("ў" if ch == "o" else "ғ", i))
            prev_vowel, prev, i = ch == "o", ch, i + 2
            continue
        if ch == "'":
            # s'h is сҳ; any other apostrophe between letters is ъ.
            if not (prev == "s" and nxt == "h"):
                out.append(("ъ", i))
            prev_vowel, prev, i = False, "'", i + 1
            continue
        pair = key[i : i + 2]
        if pair in _PAIRS and not (ch == "s" and prev == "'"):
            out.append((_PAIRS[pair], i))
            prev_vowel, prev, i = False, pair[1], i + 2
            continue
        if pair in _IOTATED and key[i + 2 : i + 3] != "'":  # yoʻl is йўл, not ёъл
            at_start = (i == 0 and before == "") or prev_vowel or prev == "y"
            if pair == "ye" and not at_start and prev != "'":
                out.append(("ъе", i))
            else:
                out.append((_IOTATED[pair], i))
            prev_vowel, prev, i = True, pair[1], i + 2
            continue
        if ch == "t" and key.startswith("tsiya", i):
            out.append(("ц", i))
            prev_vowel, prev, i = False, "s", i + 2
            continue
        if ch == "s" and prev in ("k", "p") and key.startswith("siya", i):
            out.append(("ц", i))
            prev_vowel, prev, i = False, "s", i + 1
            continue
        if ch == "e" and (at_start or prev_vowel):
            out.append(("э", i))
        elif ch == "y" and i == n - 2 and key.endswith("ayi") and n > 4:
            out.append(("", i))  # izofa: nuqtayi → нуқтаи
        else:
            out.append((_LETTERS.get(ch, ch), i))
        prev_vowel, prev, i = ch in _VOWELS, ch, i + 1
    return out


def _cyrillic(word: str, dictionary: Dictionary) -> str:
    key = latin_key(word)
    found = dictionary.for_latin(key)
    if found is None and _FOREIGN.search(key):
        return word  # not Uzbek Latin (Coursera)
    letters = [c for c in word if c.lower() != c.upper()]  # not ʼ, a letter without case
    all_caps = len(letters) > 1 and all(c.isupper() for c in letters)
    head, start = "", 0
    if found is not None:
        start, entry = found
        if latin_key(entry) == key[:start]:
            head = word[:start]  # a Latin word the dictionary keeps Latin (ZOOM, edX)
        elif all_caps:
            head = entry.upper()
        elif word[0].isupper():
            head = entry[:1].upper() + entry[1:].lower()
        else:
            head = entry.lower()
    rest = _spell(key[start:], key[start - 1] if start else "")
    return head + "".join(
        piece.upper() if all_caps or word[start + i].isupper() else piece for piece, i in rest
    )


def _word(word: str, dictionary: Dictionary) -> str:
    memo = dictionary.cyrillic_memo
    cyrillic = memo.get(word)
    if cyrillic is None:
        cyrillic = _cyrillic(word, dictionary)
        if len(memo) >= 50_000:
            memo.clear()
        memo[word] = cyrillic
    return cyrillic


def transliterate(text: str, dictionary: Dictionary) -> str:
    """``text`` in Uzbek Cyrillic with `dictionary`'s entries; see the module's docstring."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)

    def replace(match: re.Match[str]) -> str:
        group = match.lastgroup
        if group == "keep":
            return match.group()
        if group == "date":
            return match.group()[:-1] + " "
        if group == "particle":
            return ""
        word = match.group()
        tail = ""
        start = match.start()
        if word[-1] in APOSTROPHES and start and text[start - 1] in _OPENING:
            word, tail = word[:-1], word[-1]  # ‘Ziyo’: a closing quote, not oʻ
        return _word(word, dictionary) + tail

    return _TOKEN.sub(replace, text)
