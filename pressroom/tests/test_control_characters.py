"""A release's text is cleaned by the services that store it (elyurt.text), so the page, the
RSS and Atom feeds and the .docx need no guard: XML 1.0 cannot carry a vertical tab (Word's
Shift+Enter) or any other control character, and each of these answered 500 with one."""

import datetime
import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError

from conferences.services import conference_create, conference_walk_to_status
from conferences.tests.factories import after_start
from experts.services import council_get_or_create
from pressroom.models import PressRelease, ReleaseTemplate
from pressroom.services import (
    press_release_draft,
    press_release_edit,
    press_release_set_status,
    release_template_save,
)

pytestmark = pytest.mark.django_db
S = PressRelease.Status
DIRT = "\x01\x07\x7f\x9f\ufffe"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def release(press, django_capture_on_commit_callbacks):
    """A published release whose every text was given to the services with control characters
    and Word's line breaks (a vertical tab, NEL, LINE SEPARATOR) in it."""
    conference = conference_create(
        council=council_get_or_create(name="Кенгаш" + DIRT),
        title="Кредит" + DIRT + " модуль",
        starts_at=datetime.datetime(2030, 3, 14, 5, 0, tzinfo=datetime.UTC),
    )
    with after_start(conference):
        conference_walk_to_status(conference=conference, status="held")
    with django_capture_on_commit_callbacks(execute=True):
        release = press_release_draft(conference=conference)
        release = press_release_edit(
            release=release,
            by=press,
            title_cyrl="Кредит" + DIRT + " модуль тизими",
            title_ru="Кредитная" + DIRT + " система",
            title_en="Credit" + DIRT + " modules",
            body_cyrl="Биринчи\x0bқатор" + DIRT + "\x85иккинчи\u2028учинчи\r\n\r\nЯнги хатбоши.",
            body_ru="Первый\x0bабзац" + DIRT,
            body_en="First\x0bline" + DIRT + "\x0c",
        )
        for status in (S.IN_REVIEW, S.APPROVED, S.PUBLISHED):
            press_release_set_status(release=release, status=status, by=press)
    release.refresh_from_db()
    return release


def _clean(text: str) -> bool:
    return not any(c in text for c in DIRT + "\x0b\x0c\x85\u2028")


def test_the_stored_texts_have_no_control_characters(release):
    assert release.title_cyrl == "Кредит модуль тизими"
    assert release.title_latn == "Kredit modul tizimi"
    assert release.body_cyrl == "Биринчи\nқатор\nиккинчи\nучинчи\n\nЯнги хатбоши."
    assert release.body_en == "First\nline"
    assert release.conference.title == "Кредит модуль"


def test_the_page_answers_200_without_them(release, client):
    response = client.get(f"/press/{release.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Credit modules · " in html
    assert "<p>First<br>line</p>" in html
    assert _clean(html)
    cyrillic = client.get(f"/press/{release.slug}/", headers={"accept-language": "uz-Cyrl"})
    assert "Биринчи<br>қатор<br>иккинчи<br>учинчи" in cyrillic.content.decode()
    assert _clean(cyrillic.content.decode())


def test_the_rss_feed_answers_200_without_them(release, client):
    response = client.get("/press/feed/rss/")
    assert response.status_code == 200
    [item] = ET.fromstring(response.content).find("channel").findall("item")
    assert item.findtext("title") == "Кредит модуль тизими"
    assert _clean(response.content.decode())


def test_the_atom_feed_answers_200_without_them(release, client):
    response = client.get("/press/feed/atom/")
    assert response.status_code == 200
    [entry] = ET.fromstring(response.content).findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Кредит модуль тизими"
    assert _clean(response.content.decode())


@pytest.mark.parametrize("lang", ["cyrl", "latn", "ru", "en"])
def test_the_docx_answers_200_without_them(release, client, lang):
    from docx import Document

    response = client.get(f"/press/{release.slug}/docx/?lang={lang}")
    assert response.status_code == 200
    texts = [p.text for p in Document(BytesIO(response.content)).paragraphs]
    assert (
        texts[1]
        == {
            "cyrl": "Кредит модуль тизими",
            "latn": "Kredit modul tizimi",
            "ru": "Кредитная система",
            "en": "Credit modules",
        }[lang]
    )
    assert all(_clean(text) for text in texts)


def test_a_line_break_in_a_title_is_refused_naming_it(release, press):
    with pytest.raises(ValidationError) as exc:
        press_release_edit(release=release, by=press, title_en="Credit\x0bmodules")
    assert exc.value.message_dict == {
        "title_en": ["Must be one line: remove the line break (it came with the paste)."]
    }


def test_template_text_keeps_its_lines_and_loses_control_characters():
    template = ReleaseTemplate(
        language="en",
        name="Plain" + DIRT,
        title="{{ title }}" + DIRT + "\r\n",
        body="{{ intro }}\x0b{% if qa %}Q&A{% endif %}" + DIRT,
    )
    release_template_save(template=template)
    template.refresh_from_db()
    assert (template.name, template.title, template.body) == (
        "Plain",
        "{{ title }}",
        "{{ intro }}\n{% if qa %}Q&A{% endif %}",
    )
