import datetime
import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences.services import conference_walk_to_status
from conferences.tests.factories import ConferenceFactory, after_start
from experts.tests.factories import CouncilFactory
from pressroom.models import PressRelease
from pressroom.services import (
    press_release_draft,
    press_release_edit,
    press_release_set_status,
)

pytestmark = pytest.mark.django_db
S = PressRelease.Status
ATOM = "{http://www.w3.org/2005/Atom}"


def publish(release, by):
    for status in (S.IN_REVIEW, S.APPROVED, S.PUBLISHED):
        press_release_set_status(release=release, status=status, by=by)
    release.refresh_from_db()
    return release


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the services queue for after commit (the cache version bump)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def published(seed_conference, press, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        release = publish(press_release_draft(conference=seed_conference), press)
    return release


def make_releases(n: int, press, *, council=None, year=2030):
    """n published releases of small conferences (a template that needs no data)."""
    council = council or CouncilFactory()
    releases = []
    for i in range(n):
        conference = ConferenceFactory(
            council=council,
            title=f"Мавзу {i}",
            starts_at=datetime.datetime(year, 1 + i % 12, 1 + i % 28, 10, tzinfo=datetime.UTC),
        )
        with after_start(conference):
            conference_walk_to_status(conference=conference, status="held")
        releases.append(publish(press_release_draft(conference=conference), press))
    return releases


def test_list_shows_published_only_newest_first(published, press, seed_conference, client):
    drafts = make_releases(1, press)
    press_release_set_status(release=drafts[0], status=S.WITHDRAWN, by=press)
    response = client.get("/press/")
    assert response.status_code == 200
    html = response.content.decode()
    assert published.title_cyrl in html
    assert "Мавзу 0" not in html


def test_detail_has_title_description_open_graph_and_print_css(published, client):
    response = client.get(f"/press/{published.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{published.title_cyrl} · " in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:title" content="{published.title_cyrl}">' in html
    assert '<meta name="description" content="Маълумки, “Эл-юрт умиди” жамғармаси' in html
    assert 'href="/static/pressroom/print.css" media="print"' in html
    assert '<html lang="uz-Cyrl">' in html
    assert "<p>Тадбирда АҚШ, Канада, Австралия, Бельгия, Германия ва Жанубий Кореяда" in html


def test_detail_switches_to_latin_and_to_languages_where_written(published, press, client):
    # An Uzbek interface, so the only "English" on the page would be a link to the text.
    latin = client.get(
        f"/press/{published.slug}/?lang=latn", headers={"accept-language": "uz-cyrl"}
    ).content.decode()
    assert '<html lang="uz-Latn">' in latin
    assert f"<h1>{published.title_latn}</h1>" in latin
    assert "Tadbirda AQSH, Kanada" in latin
    assert 'href="?lang=en"' not in latin  # not written in English yet
    assert ">English</a>" in latin  # the interface's own switcher, named in English
    press_release_edit(release=published, by=press, title_en="Press release", body_en="Text.")
    english = client.get(f"/press/{published.slug}/?lang=en").content.decode()
    assert '<html lang="en">' in english
    assert "<h1>Press release</h1>" in english


def test_interface_language_picks_the_script(published, client):
    client.get("/press/language/", {"language": "uz-latn", "next": "/press/"})
    html = client.get(f"/press/{published.slug}/").content.decode()
    assert '<html lang="uz-Latn">' in html


@pytest.mark.parametrize("status_path", [[], [S.IN_REVIEW], [S.IN_REVIEW, S.APPROVED]])
def test_unpublished_releases_answer_404(seed_conference, press, client, status_path):
    release = press_release_draft(conference=seed_conference)
    for status in status_path:
        press_release_set_status(release=release, status=status, by=press)
    for url in (f"/press/{release.slug}/", f"/press/{release.slug}/docx/"):
        assert client.get(url).status_code == 404


def test_withdrawn_release_answers_404_and_leaves_the_list(published, press, client, committed):
    assert client.get(f"/press/{published.slug}/").status_code == 200
    assert published.title_cyrl in client.get("/press/").content.decode()
    with committed():
        press_release_set_status(release=published, status=S.WITHDRAWN, by=press)
    assert client.get(f"/press/{published.slug}/").status_code == 404
    assert published.title_cyrl not in client.get("/press/").content.decode()


def test_unknown_slug_is_404(client, db):
    assert client.get("/press/no-such-release/").status_code == 404


def test_a_script_typed_by_an_editor_never_runs(published, press, client):
    press_release_edit(
        release=published,
        by=press,
        title_cyrl="Сарлавҳа <script>alert('t')</script>",
        body_cyrl=(
            "Биринчи <strong>муҳим</strong> хатбоши.<script>alert('x')</script>\n\n"
            '<p onclick="alert(1)">Иккинчи <a href="javascript:alert(2)">ҳавола</a></p>\n\n'
            '<img src=x onerror="alert(3)"><iframe src="https://evil.example"></iframe>'
        ),
    )
    html = client.get(f"/press/{published.slug}/").content.decode()
    assert "<script>alert" not in html
    assert "alert(" not in html.replace("&#x27;", "'").split("<title>")[0]
    for dangerous in ("onclick", "onerror", "javascript:", "<iframe", "<img"):
        assert dangerous not in html
    assert "<p>Биринчи <strong>муҳим</strong> хатбоши.</p>" in html
    assert "<h1>Сарлавҳа &lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;</h1>" in html


def test_no_email_or_phone_of_anyone_on_public_pages(published, client):
    from experts.models import Expert

    for n, expert in enumerate(Expert.objects.all()):
        expert.email = f"person{n}@example.org"
        expert.phone = f"+998 90 123 45 {n:02d}"
        expert.save()
    pages = [
        client.get(url).content.decode()
        for url in ("/press/", f"/press/{published.slug}/", "/press/feed/rss/", "/press/feed/atom/")
    ]
    for html in pages:
        assert "@example.org" not in html
        assert "123 45" not in html


def test_search_year_and_council_filters(published, press, client):
    other_council = CouncilFactory(name="Иккинчи кенгаш")
    make_releases(2, press, council=other_council)
    PressRelease.objects.filter(pk=published.pk).update(
        published_at=datetime.datetime(2020, 9, 1, tzinfo=datetime.UTC)
    )

    def titles(query):
        response = client.get("/press/" + query)
        assert response.status_code == 200
        return response.content.decode()

    assert published.title_cyrl in titles("?q=онлайн+курслар")
    assert "Мавзу" not in titles("?q=онлайн+курслар")
    assert published.title_cyrl not in titles("?q=йўқ-сўз")
    assert published.title_cyrl in titles("?year=2020")
    this_year = timezone.now().year
    assert published.title_cyrl not in titles(f"?year={this_year}")
    only_other = titles(f"?council={other_council.pk}")
    assert "Мавзу 0" in only_other and published.title_cyrl not in only_other


@pytest.mark.parametrize(
    ("query", "field"),
    [("?year=abc", "year"), ("?year=1066", "year"), ("?council=999999", "council")],
)
def test_bad_filters_name_their_field(published, client, query, field):
    response = client.get("/press/" + query)
    assert response.status_code == 400
    assert f"({field}):" in response.content.decode()


def test_pagination_newest_first(press, client):
    releases = make_releases(12, press)
    first = client.get("/press/").content.decode()
    second = client.get("/press/?page=2").content.decode()
    newest = sorted(releases, key=lambda r: r.published_at, reverse=True)
    assert newest[0].title_cyrl in first and newest[0].title_cyrl not in second
    assert newest[-1].title_cyrl in second
    assert first.index(newest[0].title_cyrl) < first.index(newest[1].title_cyrl)
    assert client.get("/press/?page=abc").status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_list_queries_do_not_grow_with_releases(press, client, django_assert_num_queries, size):
    make_releases(size, press)
    # count, page, years, councils (the filter), all with related rows joined.
    with django_assert_num_queries(4):
        assert client.get("/press/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/press/").status_code == 200  # from the cache


@pytest.mark.parametrize("size", [1, 6])
def test_detail_queries_do_not_grow_with_releases(press, client, django_assert_num_queries, size):
    releases = make_releases(size, press)
    with django_assert_num_queries(1):
        assert client.get(f"/press/{releases[-1].slug}/").status_code == 200


def test_cache_is_dropped_on_edit_publish_and_withdrawal(published, press, client, committed):
    url = f"/press/{published.slug}/"
    assert "Тадбирда АҚШ" in client.get(url).content.decode()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    assert len(cached) == 0
    client.get("/press/")
    # Until the change is committed, the cached page stays (readers never see uncommitted text).
    press_release_edit(release=published, by=press, body_cyrl="Янгиланган матн.")
    assert "Янгиланган матн." not in client.get(url).content.decode()
    with committed():
        press_release_edit(release=published, by=press, body_cyrl="Яна янгиланган матн.")
    assert "Яна янгиланган матн." in client.get(url).content.decode()
    assert "Яна янгиланган матн." in client.get("/press/").content.decode()
    with committed():
        press_release_set_status(release=published, status=S.WITHDRAWN, by=press)
    assert client.get(url).status_code == 404
    with committed():
        press_release_set_status(release=published, status=S.PUBLISHED, by=press)
    assert client.get(url).status_code == 200


def test_cached_page_is_the_same_for_every_visitor_and_sets_no_cookie(published, client):
    from django.test import Client

    url = f"/press/{published.slug}/"
    first = client.get(url)
    other = Client(enforce_csrf_checks=True).get(url)
    assert (first.status_code, other.status_code) == (200, 200)
    assert first.content == other.content
    assert "csrfmiddlewaretoken" not in other.content.decode()
    assert list(other.cookies) == []


def test_language_links_switch_the_interface_and_come_back(published, client):
    url = f"/press/{published.slug}/?lang=latn"
    page = client.get(url).content.decode()
    # The switcher leads to the page in that language (and remembers it for pages without one).
    link = (
        '<a lang="ru" hreflang="ru" rel="nofollow" '
        f'href="/press/language/?language=ru&amp;next=%2Fpress%2F{published.slug}%2F%3Flang%3Dru">'
    )
    assert link in page
    russian = f"/press/{published.slug}/?lang=ru"
    switched = client.get("/press/language/", {"language": "ru", "next": russian})
    assert (switched.status_code, switched["Location"]) == (302, russian)
    assert client.cookies["django_language"].value == "ru"
    assert '<strong lang="ru" aria-current="true">Русский</strong>' in (
        client.get(russian).content.decode()
    )
    assert '<strong lang="ru" aria-current="true">Русский</strong>' in (
        client.get(f"/press/{published.slug}/").content.decode()
    )
    # The Latin page stays Latin, its navigation too, whatever the cookie says.
    latin = client.get(url).content.decode()
    assert '<strong lang="uz-Latn" aria-current="true">Oʻzbekcha</strong>' in latin


@pytest.mark.parametrize(
    ("params", "status", "location"),
    [
        ({"language": "xx", "next": "/press/"}, 400, None),
        ({"next": "/press/"}, 400, None),
        ({"language": "en", "next": "https://evil.example/"}, 302, "/press/"),
        ({"language": "en", "next": "//evil.example/"}, 302, "/press/"),
        ({"language": "en"}, 302, "/press/"),
    ],
)
def test_language_link_refuses_bad_input(client, params, status, location):
    response = client.get("/press/language/", params)
    assert response.status_code == status
    if status == 400:
        assert response.content.decode().startswith("language: “")
        assert "django_language" not in response.cookies
    else:
        assert response["Location"] == location
        assert response.cookies["django_language"].value == "en"
    assert client.post("/press/language/", {"language": "en"}).status_code == 405


def test_docx_downloads_and_opens_in_word(published, client):
    from docx import Document

    PressRelease.objects.filter(pk=published.pk).update(
        published_at=datetime.datetime(2020, 8, 28, 12, tzinfo=datetime.UTC)
    )
    response = client.get(f"/press/{published.slug}/docx/?lang=latn")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == f'attachment; filename="{published.slug}-latn.docx"'
    document = Document(BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["Toshkent, 2020-yil 28-avgust", published.title_latn]
    assert texts[-1] == "Jamgʻarma Matbuot xizmati"
    assert (
        "Tadbirda AQSH, Kanada, Avstraliya, Belgiya, Germaniya va Janubiy Koreyada faoliyat "
        "yuritayotgan jami 20 nafar vatandosh olim ekspertlar ishtirok etdi." in texts
    )
    cyrillic = Document(BytesIO(client.get(f"/press/{published.slug}/docx/").content))
    assert cyrillic.paragraphs[1].text == published.title_cyrl


def test_rss_feed_is_valid_xml_with_items(published, press, client, settings):
    settings.SITE_URL = "https://portal.example.uz"
    make_releases(2, press)
    response = client.get("/press/feed/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("language") == "uz"
    items = channel.findall("item")
    assert len(items) == 3
    titles = [i.findtext("title") for i in items]
    assert published.title_cyrl in titles
    seed_item = items[titles.index(published.title_cyrl)]
    assert seed_item.findtext("link") == f"https://portal.example.uz/press/{published.slug}/"
    assert channel.findtext("link") == "https://portal.example.uz/press/"
    assert seed_item.findtext("pubDate")
    assert seed_item.findtext("description").startswith("Маълумки, “Эл-юрт умиди”")


def test_atom_feed_is_valid_xml_with_sanitised_content(published, press, client, settings):
    settings.SITE_URL = "https://portal.example.uz"
    press_release_edit(release=published, by=press, body_cyrl="Матн.<script>alert(1)</script>")
    response = client.get("/press/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == published.title_cyrl
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"https://portal.example.uz/press/{published.slug}/"
    feed_links = {a.get("rel"): a.get("href") for a in root.findall(f"{ATOM}link")}
    assert feed_links == {
        "alternate": "https://portal.example.uz/press/",
        "self": "https://portal.example.uz/press/feed/atom/",
    }
    assert entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}summary") == "<p>Матн.</p>"


def test_sitemap_lists_published_releases_only(published, seed_document, press, client, settings):
    settings.SITE_URL = "https://portal.example.uz"
    drafts = make_releases(1, press)
    press_release_set_status(release=drafts[0], status=S.WITHDRAWN, by=press)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = ET.fromstring(response.content)
    locations = [u.findtext(f"{ns}loc") for u in root.findall(f"{ns}url")]
    site = "https://portal.example.uz"
    detail = reverse("pressroom:detail", kwargs={"slug": published.slug})
    # Every page once per script, each naming both versions (and the plain address) by hreflang.
    assert locations == [
        f"{site}/?lang=cyrl", f"{site}/?lang=latn",
        f"{site}/press/?lang=cyrl", f"{site}/press/?lang=latn",
        f"{site}{detail}?lang=cyrl", f"{site}{detail}?lang=latn",
    ]  # fmt: skip
    xhtml = "{http://www.w3.org/1999/xhtml}link"
    for url in root.findall(f"{ns}url"):
        path = url.findtext(f"{ns}loc").removeprefix(site).split("?")[0]
        assert [(a.get("hreflang"), a.get("href")) for a in url.findall(xhtml)] == [
            ("uz-Cyrl", f"{site}{path}?lang=cyrl"),
            ("uz-Latn", f"{site}{path}?lang=latn"),
            ("x-default", f"{site}{path}"),
        ]


FORGED_HOST = {"HTTP_HOST": "evil.example", "HTTP_X_FORWARDED_PROTO": "https"}


@pytest.mark.parametrize("trusted", [[], ["127.0.0.1"]], ids=["no-proxy", "trusted-proxy"])
def test_a_forged_host_does_not_reach_the_cached_page_s_links(published, client, settings, trusted):
    settings.SITE_URL = "https://portal.example.uz"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.TRUSTED_PROXIES = trusted
    if trusted:
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    path = f"/press/{published.slug}/"
    pages = [client.get(path, **FORGED_HOST), client.get(path)]
    for page in pages:
        html = page.content.decode()
        assert f'<link rel="canonical" href="https://portal.example.uz{path}">' in html
        assert f'<meta property="og:url" content="https://portal.example.uz{path}">' in html
        assert "evil.example" not in html
    feed = client.get("/press/feed/rss/", **FORGED_HOST).content.decode()
    sitemap = client.get("/sitemap.xml", **FORGED_HOST).content.decode()
    for document in (feed, sitemap):
        assert "evil.example" not in document
        assert f"https://portal.example.uz{path}" in document
