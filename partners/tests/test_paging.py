"""Paging through any list in any ordering shows every row once, namesakes included."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conferences.models import Conference
from experts.models import Expert
from experts.tests.factories import CouncilFactory, ExpertFactory
from pressroom.models import PressRelease

from .conftest import held_conference, scheduled_conference

pytestmark = pytest.mark.django_db

SAME_START = datetime.datetime(2030, 3, 14, 5, tzinfo=datetime.UTC)


def _shuffle_storage(model, pks):
    # Rewriting rows moves them in PostgreSQL's heap, so ties no longer come back in pk order.
    for pk in reversed(pks[::2]):
        model.objects.filter(pk=pk).update(updated_at=timezone.now())


def _conferences():
    pks = [scheduled_conference(title="Namesake", starts_at=SAME_START).pk for _n in range(5)]
    _shuffle_storage(Conference, pks)
    return pks


def _experts():
    pks = [ExpertFactory(full_name="Aziz Karimov", is_public=True).pk for _n in range(5)]
    _shuffle_storage(Expert, pks)
    return pks


def _releases():
    published = timezone.now()
    pks = []
    for n in range(5):
        release = PressRelease.objects.create(
            conference=held_conference(), slug=f"r-{n}", title_cyrl="Бир хил", body_cyrl="Матн"
        )
        PressRelease.objects.filter(pk=release.pk).update(
            status="published", published_at=published
        )
        pks.append(release.pk)
    _shuffle_storage(PressRelease, pks)
    return pks


def _councils():
    return [CouncilFactory().pk for _n in range(5)]


LISTS = [
    ("/api/v1/conferences/", _conferences,
     [None, "starts_at", "-starts_at", "title", "-title", "id", "-id", "title,starts_at"]),
    ("/api/v1/experts/", _experts, [None, "full_name", "-full_name", "id", "-id"]),
    ("/api/v1/press-releases/", _releases, [None, "published_at", "-published_at", "-id"]),
    ("/api/v1/councils/", _councils, [None]),
]  # fmt: skip
CASES = [(path, build, ordering) for path, build, orderings in LISTS for ordering in orderings]


def _pages(api, path, params):
    ids, page = [], 1
    while True:
        response = api.get(path, {**params, "page_size": 2, "page": page})
        assert response.status_code == 200
        body = response.json()
        ids += [row["id"] for row in body["results"]]
        if body["next"] is None:
            return ids
        page += 1


@pytest.mark.parametrize(
    "path, build, ordering", CASES, ids=[f"{p}?ordering={o}" for p, _b, o in CASES]
)
def test_pages_show_every_namesake_exactly_once(api, path, build, ordering):
    pks = build()
    params = {"ordering": ordering} if ordering else {}
    with CaptureQueriesContext(connection) as queries:
        ids = _pages(api, path, params)
    assert sorted(ids) == sorted(pks)
    assert len(ids) == 5
    # The page's own query ends its ORDER BY with the primary key, whatever the database does.
    page_queries = [q["sql"] for q in queries if "ORDER BY" in q["sql"] and "OFFSET" in q["sql"]]
    assert page_queries
    for sql in page_queries:
        assert sql.rstrip().split("ORDER BY")[-1].split(" LIMIT")[0].split(",")[-1].strip() in (
            '"experts_expert"."id" ASC', '"experts_expert"."id" DESC',
            '"conferences_conference"."id" ASC', '"conferences_conference"."id" DESC',
            '"pressroom_pressrelease"."id" ASC', '"pressroom_pressrelease"."id" DESC',
            '"experts_council"."id" ASC',
        )  # fmt: skip


def test_registration_pages_show_every_namesake_exactly_once(api):
    conference = scheduled_conference()
    rows = [{"name": "Aziz Karimov", "email": f"aziz{n}@edu.uz"} for n in range(5)]
    accepted = api.post(
        f"/api/v1/conferences/{conference.pk}/registrations/", rows, format="json"
    ).json()["accepted"]
    ids = _pages(api, f"/api/v1/conferences/{conference.pk}/registrations/", {})
    assert sorted(ids) == sorted(row["id"] for row in accepted)
    assert len(ids) == 5
