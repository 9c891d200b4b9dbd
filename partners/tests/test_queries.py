"""Every list answers in a fixed number of queries, whatever the number of rows."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from conferences.models import ConferenceOrganization
from conferences.tests.factories import PresentationFactory
from elyurt import api_cache
from experts.models import FieldOfExpertise
from experts.tests.factories import (
    CouncilFactory,
    ExpertFactory,
    MembershipFactory,
    OrganizationFactory,
)
from partners.models import ApiKey
from pressroom.models import PressRelease

from .conftest import held_conference, scheduled_conference

pytestmark = pytest.mark.django_db

SIZES = [1, 4]


def _conferences(n):
    for _i in range(n):
        conference = held_conference()
        for order in (1, 2):
            PresentationFactory(conference=conference, order=order,
                                presenter=ExpertFactory(organization=OrganizationFactory()))  # fmt: skip
        ConferenceOrganization.objects.create(
            conference=conference, organization=OrganizationFactory(), role="co_organizer"
        )
        conference.experts.set([ExpertFactory(), ExpertFactory(country="CA")])


def _experts(n):
    field = FieldOfExpertise.objects.create(name="Physics")
    for _i in range(n):
        ExpertFactory(is_public=True, organization=OrganizationFactory()).fields.add(field)


def _councils(n):
    for _i in range(n):
        council = CouncilFactory(host_organization=OrganizationFactory())
        MembershipFactory(council=council, expert=ExpertFactory(organization=OrganizationFactory()))
        MembershipFactory(council=council, role="chair")


def _releases(n):
    for i in range(n):
        release = PressRelease.objects.create(
            conference=held_conference(), slug=f"r-{i}", title_cyrl="Сарлавҳа", body_cyrl="Матн"
        )
        PressRelease.objects.filter(pk=release.pk).update(
            status="published", published_at=timezone.now()
        )


def _stats(n):
    for year in range(2020, 2020 + n):
        conference = held_conference(
            starts_at=datetime.datetime(year, 5, 1, 10, tzinfo=datetime.UTC),
            participants_count_declared=100,
        )
        conference.experts.set([ExpertFactory(), ExpertFactory(country="CA")])


# path, data builder, queries: the key (1), then the list's own. The page's query also counts
# all rows (COUNT(*) OVER ()), so there is no separate COUNT.
LISTS = [
    ("/api/v1/conferences/", _conferences, 1 + 2),  # rows, their agenda, organisations, experts
    ("/api/v1/experts/", _experts, 1 + 2),  # rows with organisation, fields
    ("/api/v1/councils/", _councils, 1 + 2),  # rows with host, current members
    ("/api/v1/press-releases/", _releases, 1 + 1),  # rows with conference
    # per-year figures, listed experts, declared numbers, recommendation figures, recorded
    # people by kind
    ("/api/v1/stats/", _stats, 1 + 5),
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path, build, queries", LISTS, ids=[p for p, _b, _q in LISTS])
def test_list_queries_do_not_grow_with_rows(
    api, django_assert_num_queries, path, build, queries, size
):
    build(size)
    api.get(path)  # records the key's use, a write made at most every few minutes
    api_cache.clear_local()
    cache.clear()  # rendered, not served from the cache
    with django_assert_num_queries(queries):
        response = api.get(path)
    assert response.status_code == 200
    assert len(response.json()["results"]) == size
    # Served again from the cache: only the key is read; a 304 the same.
    with django_assert_num_queries(1):
        again = api.get(path)
    assert again.content == response.content
    with django_assert_num_queries(1):
        assert api.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize("size", SIZES)
def test_registration_list_queries_do_not_grow(api, django_assert_num_queries, size):
    conference = scheduled_conference()
    rows = [{"name": f"P {i}", "email": f"p{i}@edu.uz"} for i in range(size)]
    assert api.post(f"/api/v1/conferences/{conference.pk}/registrations/", rows,
                    format="json").status_code == 200  # fmt: skip
    ApiKey.objects.update(last_used_at=timezone.now())
    # The key, the conference, the rows.
    with django_assert_num_queries(1 + 2):
        response = api.get(f"/api/v1/conferences/{conference.pk}/registrations/")
    assert len(response.json()["results"]) == size


def test_conference_detail_is_two_queries_after_the_key(api, django_assert_num_queries):
    _conferences(1)
    conference_id = api.get("/api/v1/conferences/").json()["results"][0]["id"]
    with django_assert_num_queries(1 + 2):
        first = api.get(f"/api/v1/conferences/{conference_id}/")
    assert first.status_code == 200
    with django_assert_num_queries(1):
        assert api.get(f"/api/v1/conferences/{conference_id}/").content == first.content
    with django_assert_num_queries(1):
        since = api.get(
            f"/api/v1/conferences/{conference_id}/",
            HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
        )
    assert since.status_code == 304


def test_nested_rows_are_the_same_from_sql_or_from_the_orm(django_assert_num_queries):
    """The portable path (SQLite and others) gives what PostgreSQL's one statement gives."""
    from conferences.api import related_rows_portable, related_rows_postgresql
    from conferences.models import Conference

    _conferences(2)
    ids = list(Conference.objects.values_list("pk", flat=True)) + [999999]
    with django_assert_num_queries(1):
        from_sql = related_rows_postgresql(ids)
    with django_assert_num_queries(3):
        from_orm = related_rows_portable(ids)
    assert {pk: (a, o, sorted(c), t) for pk, (a, o, c, t) in from_sql.items()} == {
        pk: (a, o, sorted(c), t) for pk, (a, o, c, t) in from_orm.items() if pk != 999999
    }
    assert [(len(a), len(o), len(c)) for a, o, c, _t in from_sql.values()] == [(2, 1, 2)] * 2
    assert all(t is not None for *_rows, t in from_sql.values())
