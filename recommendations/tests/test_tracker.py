"""The public tracker: published recommendations only, filters (a bad one 400 naming it),
both scripts, timelines, cached by known parameters only, queries flat in the rows."""

import pytest
from django.core.cache import cache

from experts.tests.factories import OrganizationFactory
from pressroom import public_cache
from recommendations.models import Recommendation
from recommendations.services import recommendation_set_public, recommendation_set_status

from .factories import make

Status = Recommendation.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    public_cache.clear_local()


def _published(**kwargs):
    [recommendation] = make(**kwargs)
    recommendation_set_public(recommendation=recommendation, public=True, by=None)
    return recommendation


def test_only_published_ones_are_shown_with_their_timeline(client):
    shown = _published(text="Масофавий таълимни ривожлантириш")
    recommendation_set_status(recommendation=shown, status=Status.SENT, by=None)
    hidden = make(text="Яширин тавсия")[0]
    page = client.get("/recommendations/").content.decode()
    assert "Масофавий таълимни ривожлантириш" in page
    assert "Masofaviy taʼlimni rivojlantirish" in page  # the other script, one click away
    assert "Яширин тавсия" not in page
    assert f'id="recommendation-{hidden.pk}"' not in page
    assert '<ol class="timeline">' in page and "Sent</li>" in page
    latin = client.get("/recommendations/", headers={"accept-language": "uz-latn"})
    text = latin.content.decode()
    assert text.index("Masofaviy taʼlimni rivojlantirish") < text.index(
        "Масофавий таълимни ривожлантириш"
    )


def test_filters_and_a_bad_one_named(client):
    ministry = OrganizationFactory(kind="ministry", name="Олий таълим вазирлиги")
    accepted = _published(addressee=ministry, text="Биринчи")
    recommendation_set_status(recommendation=accepted, status=Status.SENT, by=None)
    recommendation_set_status(recommendation=accepted, status=Status.ACCEPTED, by=None)
    _published(text="Иккинчи")

    def texts(query):
        response = client.get(f"/recommendations/?{query}")
        assert response.status_code == 200
        content = response.content.decode()
        return [t for t in ("Биринчи", "Иккинчи") if f">{t}</p>" in content]

    assert texts("") == ["Биринчи", "Иккинчи"]
    assert texts("status=accepted") == ["Биринчи"]
    assert texts(f"ministry={ministry.pk}") == ["Биринчи"]
    assert texts("year=2030") == ["Биринчи", "Иккинчи"]
    assert texts("year=2031") == []
    for name, value in (("status", "done"), ("ministry", "999999"), ("year", "soon")):
        response = client.get(f"/recommendations/?{name}={value}")
        assert response.status_code == 400
        assert f"({name}):" in response.content.decode()


def test_publishing_shows_it_at_once_though_pages_are_cached(
    client, django_capture_on_commit_callbacks
):
    [recommendation] = make(text="Кейинроқ")
    assert "Кейинроқ" not in client.get("/recommendations/?utm_source=x").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_set_public(recommendation=recommendation, public=True, by=None)
    assert "Кейинроқ" in client.get("/recommendations/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_set_public(recommendation=recommendation, public=False, by=None)
    assert "Кейинроқ" not in client.get("/recommendations/").content.decode()


@pytest.mark.parametrize("rows", [1, 8])
def test_queries_do_not_grow_with_rows(client, rows, django_assert_num_queries):
    for _n in range(rows):
        recommendation_set_status(recommendation=_published(), status=Status.SENT, by=None)
    # ministries, count, page, timelines, years (the cache is cleared before each request)
    with django_assert_num_queries(5):
        public_cache.invalidate()
        response = client.get("/recommendations/")
    assert response.content.decode().count('class="release-item"') == rows
