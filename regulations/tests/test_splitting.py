import pytest
from django.core.exceptions import ValidationError

from regulations.splitting import units_from_lines, units_parse

from .documents import article_text, articles_docx, docx_bytes, draft_paragraphs


def _normal(text: str) -> str:
    return " ".join(text.split())


def test_forty_articles_give_forty_units_with_the_source_text():
    units = units_parse(content=articles_docx(40), name="draft.docx")
    assert len(units) == 40
    assert [u.number for u in units] == [str(n) for n in range(1, 41)]
    assert [_normal(u.text) for u in units] == [_normal(article_text(n)) for n in range(1, 41)]
    assert units[0].context == "1-боб. Умумий қоидалар"
    assert units[39].context == "4-боб. Умумий қоидалар"


@pytest.mark.parametrize(
    ("heading", "number"),
    [
        ("1-modda. Umumiy qoidalar", "1"),
        ("12-модда. Умумий қоидалар", "12"),
        ("Статья 3. Общие положения", "3"),
        ("Статья 3 Общие положения", "3"),
    ],
)
def test_worded_headings(heading, number):
    units = units_from_lines(["Preamble", heading, "Body 1.", "1. A point inside", "2. Another"])
    assert [(u.number, u.text) for u in units] == [
        (number, f"{heading}\nBody 1.\n1. A point inside\n2. Another")
    ]


def test_numbered_headings_with_sections_and_chapters_as_context():
    units = units_from_lines(
        [
            "I bo'lim. Umumiy",
            "1-bob. Asoslar",
            "1. Birinchi",
            "matn",
            "1.1. Ichki",
            "2-bob. Boshqa",
            "2. Ikkinchi",
            "Раздел II",
            "Глава 3",
            "3. Учинчи",
        ]  # fmt: skip
    )
    assert [(u.number, u.context, u.text) for u in units] == [
        ("1", "I bo'lim. Umumiy — 1-bob. Asoslar", "1. Birinchi\nmatn"),
        ("1.1", "I bo'lim. Umumiy — 1-bob. Asoslar", "1.1. Ichki"),
        ("2", "I bo'lim. Umumiy — 2-bob. Boshqa", "2. Ikkinchi"),
        ("3", "Раздел II — Глава 3", "3. Учинчи"),
    ]


def test_plain_text():
    units = units_parse(text="\n".join(draft_paragraphs(3)))
    assert [u.number for u in units] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"content": b"", "name": "a.docx"}, "The file is empty."),
        ({"content": b"%PDF-1.4 ...", "name": "a.pdf"},
         "Send the draft as a .docx document (Word 2007 or later)."),
        ({"content": b"PK\x03\x04 broken", "name": "a.docx"},
         "This file is not a .docx document (Word 2007 or later)."),
        ({"content": docx_bytes(["", "  "]), "name": "a.docx"}, "The document is empty."),
    ],
)  # fmt: skip
def test_refusals_name_the_file_field(kwargs, message):
    with pytest.raises(ValidationError) as caught:
        units_parse(**kwargs)
    assert caught.value.message_dict == {"file": [message]}


def test_no_article_is_refused():
    with pytest.raises(ValidationError) as caught:
        units_parse(content=docx_bytes(["Just a letter.", "With no articles."]), name="a.docx")
    assert list(caught.value.message_dict) == ["file"]
    assert caught.value.message_dict["file"][0].startswith("No article was recognised")
