"""The public pages in both scripts (elyurt/script_text.py, pressroom/views.py `lang`)."""

import re
import xml.etree.ElementTree as ET

import pytest

from .test_public import committed, published  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
SWITCHER = re.compile(r'<nav class="language-links".*?</nav>', re.S)
SWITCHERS = re.compile(r'<nav class="(?:language-links|script-switch)".*?</nav>', re.S)


def _without_switcher(html: str) -> str:
    """The page but its language and script switches, whose names are each in their own
    script (Ўзбекча, Кирилл)."""
    return SWITCHERS.sub("", html)


@pytest.mark.parametrize("path", ["/", "/press/", "/press/{slug}/"])
def test_a_latin_page_is_latin_through_and_through(published, client, settings, path):  # noqa: F811
    settings.SITE_URL = "https://portal.example.uz"
    url = path.format(slug=published.slug)
    html = client.get(url + "?lang=latn", headers={"accept-language": "uz-cyrl"}).content.decode()
    assert '<html lang="uz-Latn">' in html
    # The navigation follows the page's script, and it keeps the reader in it.
    assert '<a href="/press/?lang=latn">Press-relizlar</a>' in html
    assert CYRILLIC.findall(_without_switcher(html)) == []
    # hreflang in the head, on SITE_URL, for both scripts and the plain address.
    site = f"https://portal.example.uz{url}"
    for hreflang, href in (
        ("uz-Cyrl", f"{site}?lang=cyrl"),
        ("uz-Latn", f"{site}?lang=latn"),
        ("x-default", site),
    ):
        assert f'<link rel="alternate" hreflang="{hreflang}" href="{href}">' in html


def test_the_cyrillic_page_names_each_language_in_its_own(published, client):  # noqa: F811
    html = client.get(f"/press/{published.slug}/?lang=cyrl").content.decode()
    assert '<html lang="uz-Cyrl">' in html
    [switcher] = SWITCHER.findall(html)
    names = re.findall(r"<(?:a|strong) lang=\"([^\"]+)\"[^>]*>([^<]+)<", switcher)
    assert names == [
        ("uz-Cyrl", "Ўзбекча"),
        ("uz-Latn", "Oʻzbekcha"),
        ("ru", "Русский"),
        ("en", "English"),
    ]
    assert "Инглизча" not in html
    assert f"<h1>{published.title_cyrl}</h1>" in html


def test_the_latin_release_page_shows_the_latin_text_and_names_itself_canonical(
    published,  # noqa: F811
    client,
    settings,
):
    settings.SITE_URL = "https://portal.example.uz"
    html = client.get(f"/press/{published.slug}/?lang=latn").content.decode()
    assert f"<h1>{published.title_latn}</h1>" in html
    canonical = f"https://portal.example.uz/press/{published.slug}/?lang=latn"
    assert f'<link rel="canonical" href="{canonical}">' in html


def test_public_pages_use_the_self_hosted_noto_sans(published, client):  # noqa: F811
    html = client.get("/press/").content.decode()
    for weight in ("400", "700", "400-italic"):
        assert f'<link rel="stylesheet" href="/static/vendor/noto-sans/{weight}.css">' in html
    assert "fonts.googleapis" not in html


def test_the_latin_feeds_carry_latin_titles_and_links(published, client, settings):  # noqa: F811
    settings.SITE_URL = "https://portal.example.uz"
    rss = client.get("/press/feed/rss/latn/")
    assert rss.status_code == 200
    channel = ET.fromstring(rss.content).find("channel")
    assert channel.findtext("language") == "uz-Latn"
    [item] = channel.findall("item")
    assert item.findtext("title") == published.title_latn
    assert item.findtext("link") == (f"https://portal.example.uz/press/{published.slug}/?lang=latn")
    assert CYRILLIC.findall(rss.content.decode()) == []
    atom = client.get("/press/feed/atom/latn/").content.decode()
    assert CYRILLIC.findall(atom) == []
    assert published.title_latn in atom
