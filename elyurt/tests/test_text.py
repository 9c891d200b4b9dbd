import unicodedata

import pytest
from django.core.exceptions import ValidationError

from elyurt.text import text_clean, text_has_line_break, texts_clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Кредит-модуль тизими", "Кредит-модуль тизими"),
        ("  Title\t with a tab ", "Title  with a tab"),
        ("Bell\x07 and NUL\x00 and DEL\x7f", "Bell and NUL and DEL"),
        ("C1\x80\x9f controls", "C1 controls"),
        ("lone \ud800surrogate", "lone surrogate"),
        ("non\ufffe\uffffcharacters", "noncharacters"),
        (unicodedata.normalize("NFD", "Йўл"), "Йўл"),
        (None, ""),
    ],
)
def test_single_line_text_is_cleaned(raw, expected):
    assert text_clean(raw, field="title") == expected


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"])
def test_a_single_line_field_refuses_every_kind_of_line_break(brk):
    with pytest.raises(ValidationError) as exc:
        text_clean(f"First{brk}second", field="title")
    assert list(exc.value.message_dict) == ["title"]
    assert exc.value.message_dict["title"] == [
        "Must be one line: remove the line break (it came with the paste)."
    ]
    assert text_has_line_break(f"First{brk}second")


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\x0b", "\u2028"])
def test_a_file_import_folds_line_breaks_into_one_space(brk):
    assert text_clean(f" First {brk}{brk} second ", field="title", fold_lines=True) == (
        "First second"
    )


def test_multiline_text_keeps_paragraphs_and_tabs_as_lf():
    raw = "Para one\r\nline two\x0bWord's manual break\r\n\r\n\tPara two\x01 \n"
    assert text_clean(raw, field="body", multiline=True) == (
        "Para one\nline two\nWord's manual break\n\n\tPara two"
    )


def test_not_text_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as exc:
        text_clean(12, field="name")
    assert exc.value.message_dict == {"name": ["Must be text."]}


def test_texts_clean_reports_every_field_and_passes_others_through():
    values = {"title": "A\nB", "name": "C\x0bD", "body": "x\x0by", "count": 3}
    with pytest.raises(ValidationError) as exc:
        texts_clean(values, single_line=("title", "name", "missing"), multiline=("body",))
    assert sorted(exc.value.message_dict) == ["name", "title"]
    assert texts_clean(
        {"title": "A\x07", "body": "x\x0by", "count": 3},
        single_line=("title",),
        multiline=("body",),
    ) == {"title": "A", "body": "x\ny", "count": 3}
    assert not text_has_line_break("one line\twith tab")
