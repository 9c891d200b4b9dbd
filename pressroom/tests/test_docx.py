"""The release's .docx is press-ready: read back with python-docx and its XML."""

import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn

from pressroom.models import PressRelease
from pressroom.rendering import docx_bytes, docx_date_line

from .test_public import published  # noqa: F401 — fixture

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

BODY = (
    'Тадбир <a href="https://elyurt.uz/press/">Жамғарма сайтида</a> ёритилди.\n\n'
    "Батафсил: https://zoom.us/rec/123, савол учун press@elyurt.uz манзилига ёзинг."
)


def _document(lang="uz-Cyrl", **kwargs):
    data = docx_bytes(
        title="Пресс-релиз", body=BODY, lang=lang, published=datetime.date(2020, 8, 28), **kwargs
    )
    return Document(BytesIO(data))


def _runs_languages(element) -> set[str | None]:
    """The w:lang of every run holding text (None: a run that names none)."""
    found = set()
    for run in element.iter(f"{W}r"):
        if run.find(f"{W}t") is None or not run.find(f"{W}t").text:
            continue
        lang = run.find(f"{W}rPr/{W}lang")
        found.add(None if lang is None else lang.get(qn("w:val")))
    return found


def test_a4_with_the_language_of_every_run(settings):
    document = _document()
    section = document.sections[0]
    # A4 as Word stores it, in twentieths of a point: 210 x 297 mm.
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert _runs_languages(document.element.body) == {"uz-Cyrl-UZ"}
    assert _runs_languages(section.first_page_header._element) == {"uz-Cyrl-UZ"}
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert defaults.get(qn("w:val")) == "uz-Cyrl-UZ"
    assert document.core_properties.language == "uz-Cyrl-UZ"


@pytest.mark.parametrize(
    ("lang", "tag", "letterhead", "date_line"),
    [
        ("uz-Cyrl", "uz-Cyrl-UZ", "“Эл-юрт умиди” жамғармаси", "Тошкент, 2020 йил 28 август"),
        ("uz-Latn", "uz-Latn-UZ", "“El-yurt umidi” jamgʻarmasi", "Toshkent, 2020-yil 28-avgust"),
        ("ru", "ru-RU", "Фонд «Эл-юрт умиди»", "Ташкент, 28 августа 2020 г."),
        ("en", "en-US", "El-yurt umidi Foundation", "Tashkent, 28 August 2020"),
    ],
)
def test_letterhead_date_line_and_contacts_in_each_language(
    settings, lang, tag, letterhead, date_line
):
    settings.PRESS_CONTACTS = "press@elyurt.uz · +998 71 000-00-00 · https://elyurt.uz"
    document = _document(lang)
    section = document.sections[0]
    assert section.different_first_page_header_footer is True
    head = [p.text for p in section.first_page_header.paragraphs]
    assert head[0] == letterhead
    assert head[2] == "press@elyurt.uz · +998 71 000-00-00 · https://elyurt.uz"
    assert [p.text for p in document.paragraphs][:2] == [date_line, "Пресс-релиз"]
    assert docx_date_line(datetime.date(2020, 8, 28), lang) == date_line
    assert _runs_languages(document.element.body) == {tag}
    links = {
        rel.target_ref
        for rel in section.first_page_header.part.rels.values()
        if rel.reltype == RELATIONSHIP_TYPE.HYPERLINK
    }
    assert links == {"mailto:press@elyurt.uz", "https://elyurt.uz"}


def test_page_numbers_in_the_footer_of_every_page():
    section = _document().sections[0]
    for footer in (section.footer, section.first_page_footer):
        instructions = [t.text for t in footer._element.iter(f"{W}instrText")]
        assert instructions == [" PAGE "]
        kinds = [c.get(qn("w:fldCharType")) for c in footer._element.iter(f"{W}fldChar")]
        assert kinds == ["begin", "separate", "end"]


def test_links_in_the_body_are_real_hyperlinks():
    document = _document()
    body = document.element.body
    hyperlinks = []
    for link in body.iter(f"{W}hyperlink"):
        target = document.part.rels[link.get(qn("r:id"))]
        assert (target.reltype, target.is_external) == (RELATIONSHIP_TYPE.HYPERLINK, True)
        text = "".join(t.text for t in link.iter(f"{W}t"))
        hyperlinks.append((text, target.target_ref))
    assert hyperlinks == [
        ("Жамғарма сайтида", "https://elyurt.uz/press/"),
        ("https://zoom.us/rec/123", "https://zoom.us/rec/123"),
        ("press@elyurt.uz", "mailto:press@elyurt.uz"),
    ]
    assert [p.text for p in document.paragraphs][2:] == [
        "Тадбир Жамғарма сайтида ёритилди.",
        "Батафсил: https://zoom.us/rec/123, савол учун press@elyurt.uz манзилига ёзинг.",
    ]


def test_created_today_and_the_download_dated_by_publication(published, client):  # noqa: F811
    PressRelease.objects.filter(pk=published.pk).update(
        published_at=datetime.datetime(2020, 8, 28, 20, tzinfo=datetime.UTC)
    )
    response = client.get(f"/press/{published.slug}/docx/?lang=latn")
    document = Document(BytesIO(response.content))
    today = timezone.now().date()
    assert document.core_properties.created.date() == today
    assert document.core_properties.modified.date() == today
    # 20:00 UTC on 28 August is 29 August in Tashkent.
    assert document.paragraphs[0].text == "Toshkent, 2020-yil 29-avgust"
    assert document.paragraphs[1].text == published.title_latn
    assert _runs_languages(document.element.body) == {"uz-Latn-UZ"}
