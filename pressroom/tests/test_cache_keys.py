"""The public page cache keys pages by normalised known parameters only, and a cache that is
down never turns a page into an error."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from pressroom import public_cache
from pressroom.services import press_release_draft
from pressroom.tests.test_public import publish

pytestmark = pytest.mark.django_db

JUNK = [f"?utm_source=x{i}&zzz={i}&q{i}=1&lang_{i}=en&page{i}=2" for i in range(50)]


@pytest.fixture
def published(seed_conference, press, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        release = publish(press_release_draft(conference=seed_conference), press)
    return release


def stored_keys() -> set[str]:
    # The tests' cache is Django's memory cache (no REDIS_URL): its entries are the keys.
    return set(caches["default"]._cache)


@pytest.mark.parametrize(
    "page",
    [
        "/press/",
        "release",
        "release-docx",
        "/",
        "/press/feed/rss/",
        "/press/feed/atom/",
        "/sitemap.xml",
    ],
)
def test_junk_query_strings_add_no_cache_entries(published, client, page):
    url = {
        "release": f"/press/{published.slug}/",
        "release-docx": f"/press/{published.slug}/docx/",
    }.get(page, page)
    bare = client.get(url)
    assert bare.status_code == 200
    keys = stored_keys()
    local = len(public_cache._local_pages)
    for junk in JUNK:
        response = client.get(url + junk)
        assert response.status_code == 200
        # The one stored page is right for every such address: no junk in its links.
        assert response.content == bare.content
    assert stored_keys() == keys
    assert len(public_cache._local_pages) == local
    assert b"utm_source" not in bare.content and b"zzz" not in bare.content


def test_known_parameters_are_normalised_before_keying(published, client):
    client.get("/press/")
    before = len(stored_keys())
    spaced = client.get("/press/?q=++онлайн+++курслар+&utm_source=x")
    plain = client.get("/press/?q=онлайн+курслар")
    assert spaced.status_code == plain.status_code == 200
    assert published.title_cyrl in plain.content.decode()
    assert spaced.content == plain.content
    assert len(stored_keys()) == before + 1
    # The first page and a page that is not a number are the bare list.
    assert client.get("/press/?page=1").content == client.get("/press/?page=abc").content
    assert len(stored_keys()) == before + 1
    # A release's unknown language is ignored; a known one is its own page.
    detail = f"/press/{published.slug}/"
    assert client.get(detail + "?lang=xx").content == client.get(detail).content
    latin = client.get(detail + "?lang=latn&utm_source=x").content.decode()
    assert f'content="{settings.SITE_URL}{detail}?lang=latn"' in latin
    assert "utm_source" not in latin


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?year=abc", "year"),
        ("?council=999999", "council"),
        ("?q=" + "а" * 101, "q"),
    ],
)
def test_a_bad_known_value_answers_400_and_caches_nothing(published, client, query, field):
    client.get("/press/")
    keys = stored_keys()
    for _ in range(2):
        response = client.get("/press/" + query)
        assert response.status_code == 400
        assert f"({field}):" in response.content.decode()
    assert stored_keys() == keys


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_cache_that_is_down_costs_the_rendering_not_the_answer(
    published, press, client, caplog, django_capture_on_commit_callbacks
):
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    with override_settings(CACHES=down), caplog.at_level(logging.WARNING, "pressroom"):
        public_cache.clear_local()
        for url in ("/", "/press/", "/press/?q=онлайн", f"/press/{published.slug}/"):
            response = client.get(url)
            assert response.status_code == 200, url
        assert published.title_cyrl in client.get("/press/").content.decode()
        # A publish or an edit bumps the version after commit: with the cache down, it logs.
        with django_capture_on_commit_callbacks(execute=True):
            public_cache.invalidate()
        assert public_cache._local_pages == {}
    messages = [r.getMessage() for r in caplog.records if r.name == "pressroom.public_cache"]
    assert messages and all("public page cache" in m for m in messages)
    assert any("version not bumped" in m for m in messages)
    public_cache.clear_local()


@pytest.fixture
def full_redis(tmp_path):
    """A Redis of its own, capped at 2 MB, refusing writes when full (noeviction): its URL."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    port = closed_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--maxmemory", "2mb", "--maxmemory-policy", "noeviction"]
        + ["--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    try:
        while True:  # poll until it listens
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, "no redis-server"
                time.sleep(0.01)
        yield client, f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


def test_a_full_cache_costs_the_rendering_not_the_answer(published, client, caplog, full_redis):
    server, url = full_redis
    full = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    with override_settings(CACHES=full), caplog.at_level(logging.WARNING, "pressroom"):
        public_cache.clear_local()
        assert client.get("/press/").status_code == 200  # stores the version and the page
        # Fill it to its cap: every further write is refused ("OOM command not allowed").
        for i in range(10_000):
            try:
                server.set(f"filler:{i}", b"x" * 10_000)
            except redis.exceptions.OutOfMemoryError:
                break
        else:
            pytest.fail("the capped Redis never refused a write")
        for url_ in ("/press/?q=онлайн", f"/press/{published.slug}/", "/"):
            response = client.get(url_)
            assert response.status_code == 200, url_
        assert published.title_cyrl in client.get(f"/press/{published.slug}/").content.decode()
    public_cache.clear_local()
    messages = [r.getMessage() for r in caplog.records if r.name == "pressroom.public_cache"]
    assert any("page not stored" in m and "maxmemory" in m for m in messages), messages
