"""Dates as Uzbek is written in each script, so releases and mail agree.

Latin writes an ordinal number in digits with a hyphen (the 1995 rules: ``2020-yil 28-avgust``,
``15-iyul``, ``3-modda``); the Cyrillic of the press service's releases writes the year and the
day without it (``2020 йил 28 август``, /work/shared/domain.md). ``to_latin`` adds the hyphen
to a year or day written before a date word, and ``to_cyrillic`` takes it away, so a date
written with these functions or transliterated reads the same.
"""

from __future__ import annotations

import datetime

from . import CYRILLIC, LATIN

MONTHS_CYRL = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
# Spelled as the spelling dictionary has them (sentabr, oktabr), not letter by letter.
MONTHS_LATN = (
    "yanvar", "fevral", "mart", "aprel", "may", "iyun",
    "iyul", "avgust", "sentabr", "oktabr", "noyabr", "dekabr",
)  # fmt: skip


def month_name(month: int, script: str) -> str:
    """The month's name (1-12) in ``script`` ("cyrl" or "latn"), lowercase."""
    return (MONTHS_LATN if script == LATIN else MONTHS_CYRL)[month - 1]


def date_words(day: datetime.date, script: str) -> str:
    """``2020 йил 28 август`` (Cyrillic) or ``2020-yil 28-avgust`` (Latin).

    ValueError for a script other than "cyrl" and "latn".
    """
    if script == LATIN:
        return f"{day.year}-yil {day.day}-{month_name(day.month, LATIN)}"
    if script == CYRILLIC:
        return f"{day.year} йил {day.day} {month_name(day.month, CYRILLIC)}"
    raise ValueError(f"unknown script {script!r}")
