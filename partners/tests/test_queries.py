"""Every list answers in a fixed number of queries, whatever the number of rows."""

import datetime

import pytest
from django.utils import timezone

from conferences.models import ConferenceOrganization
from conferences.tests.factories import PresentationFactory
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


# path, data builder, queries: the key (1), then the list's own.
LISTS = [
    # count, rows (agenda, organisations and experts as JSON arrays in the same query)
    ("/api/v1/conferences/", _conferences, 1 + 2),
    ("/api/v1/experts/", _experts, 1 + 3),  # count, rows with organisation, fields
    ("/api/v1/councils/", _councils, 1 + 3),  # count, rows with host, current members
    ("/api/v1/press-releases/", _releases, 1 + 2),  # count, rows with conference
    ("/api/v1/stats/", _stats, 1 + 2),  # per-year figures, experts by country
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path, build, queries", LISTS, ids=[p for p, _b, _q in LISTS])
def test_list_queries_do_not_grow_with_rows(
    api, django_assert_num_queries, path, build, queries, size
):
    build(size)
    api.get(path)  # records the key's use, a write made at most every few minutes
    with django_assert_num_queries(queries):
        response = api.get(path)
    assert response.status_code == 200
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_registration_list_queries_do_not_grow(api, django_assert_num_queries, size):
    conference = scheduled_conference()
    rows = [{"name": f"P {i}", "email": f"p{i}@edu.uz"} for i in range(size)]
    assert api.post(f"/api/v1/conferences/{conference.pk}/registrations/", rows,
                    format="json").status_code == 200  # fmt: skip
    ApiKey.objects.update(last_used_at=timezone.now())
    # The key, the conference, the count, the rows.
    with django_assert_num_queries(1 + 3):
        response = api.get(f"/api/v1/conferences/{conference.pk}/registrations/")
    assert len(response.json()["results"]) == size


def test_conference_detail_is_one_query_after_the_key(api, django_assert_num_queries):
    _conferences(1)
    conference_id = api.get("/api/v1/conferences/").json()["results"][0]["id"]
    with django_assert_num_queries(1 + 1):
        assert api.get(f"/api/v1/conferences/{conference_id}/").status_code == 200


def test_nested_rows_are_the_same_from_json_or_from_three_queries(django_assert_num_queries):
    """The portable path (SQLite and others) gives what the PostgreSQL JSON path gives."""
    from conferences.api import conference_list_public, conferences_related_load
    from conferences.models import Conference

    _conferences(2)
    from_json = conferences_related_load(list(conference_list_public().order_by("pk")))
    plain = list(Conference.objects.select_related("council").order_by("pk"))
    with django_assert_num_queries(3):
        conferences_related_load(plain)
    for a, b in zip(from_json, plain, strict=True):
        assert a.agenda_rows == [{k: v for k, v in r.items() if k != "conference_id"}
                                 for r in b.agenda_rows]  # fmt: skip
        assert a.organization_rows == [
            {k: v for k, v in r.items() if k != "conference_id"} for r in b.organization_rows
        ]
        assert sorted(a.expert_country_rows) == sorted(b.expert_country_rows)
        assert len(a.agenda_rows) == 2 and len(a.organization_rows) == 1
