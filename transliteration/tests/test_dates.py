"""Dates written by transliteration.dates agree with what to_latin makes of the Cyrillic."""

import datetime

import pytest

from transliteration import CYRILLIC, LATIN, to_cyrillic, to_latin
from transliteration.dates import MONTHS_CYRL, MONTHS_LATN, date_words, month_name


@pytest.mark.parametrize("month", range(1, 13))
def test_latin_date_is_the_transliteration_of_the_cyrillic(month):
    day = datetime.date(2020, month, 28)
    cyrillic = date_words(day, CYRILLIC)
    assert to_latin(cyrillic) == date_words(day, LATIN)
    assert to_cyrillic(date_words(day, LATIN)) == cyrillic


def test_the_seed_date_in_both_scripts():
    day = datetime.date(2020, 8, 28)
    assert date_words(day, CYRILLIC) == "2020 йил 28 август"
    assert date_words(day, LATIN) == "2020-yil 28-avgust"
    assert month_name(9, LATIN) == "sentabr"
    assert [to_latin(m) for m in MONTHS_CYRL] == list(MONTHS_LATN)


def test_an_unknown_script_is_refused():
    with pytest.raises(ValueError, match="unknown script 'ru'"):
        date_words(datetime.date(2020, 8, 28), "ru")
