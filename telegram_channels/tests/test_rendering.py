"""A post's text: Telegram's limits counted as Telegram counts, sentences kept whole, HTML
escaped, each channel in its script."""

import datetime
import re
from types import SimpleNamespace

import pytest

from conferences.tests.factories import ConferenceFactory
from pressroom.models import PressRelease
from telegram_channels.bot import CAPTION_LIMIT, TEXT_LIMIT
from telegram_channels.rendering import (
    _cut,
    conference_post,
    conference_public_path,
    release_post,
    utf16_len,
)

from .fake_bot import visible_text

CYRILLIC_LETTER = re.compile(r"[\u0400-\u04FF]")


def _release(**fields):
    defaults = {"slug": "s", "title_cyrl": "Сарлавҳа", "body_cyrl": "Матн."}
    return PressRelease(**{**defaults, **fields})


def test_utf16_length_counts_astral_characters_twice():
    assert utf16_len("abc") == 3
    assert utf16_len("ўзбек") == 5
    assert utf16_len("🎓") == 2
    assert utf16_len("𝕏𝕏a") == 5


def test_cut_keeps_whole_sentences():
    text = "Биринчи гап. Иккинчи гап! Учинчи гап? Тўртинчи."
    assert _cut(text, 100) == text
    assert _cut(text, 30) == "Биринчи гап. Иккинчи гап!"
    assert _cut(text, 12) == "Биринчи гап."


def test_cut_falls_back_to_words_with_an_ellipsis():
    assert _cut("бир икки уч тўрт беш", 12) == "бир икки уч…"
    assert _cut("жуда-узун-сўз", 3) == ""


def test_summary_is_cut_at_a_sentence_within_the_setting(settings):
    settings.TELEGRAM_SUMMARY_CHARS = 45
    release = _release(body_cyrl="Биринчи гап шу ерда. Иккинчи гап ҳам бор. Учинчи.")
    text = release_post(release, "cyrl").html
    assert text == (
        "<b>Сарлавҳа</b>\n\nБиринчи гап шу ерда. Иккинчи гап ҳам бор.\n\n"
        '<a href="http://localhost:8000/press/s/?lang=cyrl">Сайтда ўқиш</a>'
    )


@pytest.mark.parametrize("unit", ["а", "🎓"])
def test_a_long_text_stays_within_the_message_limit(settings, unit):
    settings.TELEGRAM_SUMMARY_CHARS = 100_000
    sentence = (unit * 50 + ". ") * 400
    post = release_post(_release(title_cyrl="Т" * 400, body_cyrl=sentence), "cyrl")
    visible = visible_text(post.html)
    assert utf16_len(visible) <= TEXT_LIMIT
    assert utf16_len(visible) > TEXT_LIMIT - 200
    # Cut after a whole sentence.
    assert visible.split("\n\n")[1].endswith(unit * 50 + ".")


def test_a_photo_caption_stays_within_the_caption_limit(settings):
    settings.TELEGRAM_SUMMARY_CHARS = 100_000
    release = _release(body_cyrl=("Гап. " * 1000))
    release.lead_photo = SimpleNamespace(url="/media/lead.jpg")
    post = release_post(release, "cyrl")
    assert post.photo_url == "http://localhost:8000/media/lead.jpg"
    assert post.limit == CAPTION_LIMIT
    assert CAPTION_LIMIT - 10 < utf16_len(visible_text(post.html)) <= CAPTION_LIMIT


def test_html_is_escaped_and_the_latin_post_has_no_cyrillic_letter():
    release = _release(
        title_cyrl="Тест <b>қалин</b> & «кўп»",
        body_cyrl="Шартнома 5 < 7 & 8 > 2 ҳақида. Ёзилди.",
    )
    latin = release_post(release, "latn").html
    assert CYRILLIC_LETTER.search(latin) is None
    assert latin == (
        "<b>Test &lt;b&gt;qalin&lt;/b&gt; &amp; «koʻp»</b>\n\n"
        "Shartnoma 5 &lt; 7 &amp; 8 &gt; 2 haqida. Yozildi.\n\n"
        '<a href="http://localhost:8000/press/s/?lang=latn">Saytda oʻqish</a>'
    )


def test_a_hand_edited_latin_text_is_used():
    release = _release(title_latn="Qoʻlda tahrirlangan", body_latn="Lotincha matn.")
    assert release_post(release, "latn").html.startswith("<b>Qoʻlda tahrirlangan</b>\n\nLotincha")


@pytest.mark.django_db
def test_a_conference_announcement_links_its_public_page():
    tashkent = datetime.timezone(datetime.timedelta(hours=5))
    conference = ConferenceFactory(
        title="Олий таълим & фан", starts_at=datetime.datetime(2030, 3, 14, 10, 0, tzinfo=tashkent)
    )
    assert conference_public_path(conference) == f"/conferences/{conference.slug}/"
    assert conference_post(conference, "latn").html == (
        "<b>Oliy taʼlim &amp; fan</b>\n\n14.03.2030, soat 10:00 (Toshkent vaqti)\n\n"
        f'<a href="http://localhost:8000/conferences/{conference.slug}/">Roʻyxatdan oʻtish</a>'
    )
