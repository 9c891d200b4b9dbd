"""The partner API serves stored answers: fresh after every write they show, the same for
every caller, keyed by the parameters the API knows, behind the key check and the throttle."""

import datetime

import pytest
from django.core.cache import cache

from conferences.models import Presentation
from conferences.services import conference_update
from conferences.tests.factories import PresentationFactory
from elyurt import api_cache
from experts.models import FieldOfExpertise
from experts.services import expert_save, membership_end
from experts.tests.factories import (
    CouncilFactory,
    ExpertFactory,
    MembershipFactory,
    OrganizationFactory,
)
from partners.services import api_key_revoke

from .conftest import scheduled_conference

pytestmark = pytest.mark.django_db


def _detail(api, conf):
    return api.get(f"/api/v1/conferences/{conf.pk}/").json()


def test_every_write_an_answer_shows_makes_it_fresh(api):
    org = OrganizationFactory(name="Old University")
    presenter = ExpertFactory(full_name="Aziz Karimov", is_public=True, organization=org)
    conf = scheduled_conference(title="Old title")
    PresentationFactory(conference=conf, order=1, presenter=presenter)
    council = CouncilFactory()
    membership = MembershipFactory(council=council, expert=presenter)
    field = FieldOfExpertise.objects.create(name="Physics")
    # Stored:
    _detail(api, conf), api.get("/api/v1/experts/")
    api.get("/api/v1/councils/", {"search": council.name})

    conference_update(conference=conf, title="New title")
    assert _detail(api, conf)["title"] == "New title"
    assert api.get("/api/v1/conferences/").json()["results"][0]["title"] == "New title"

    presenter.full_name = "Aziz Karimov Jr"
    expert_save(expert=presenter)
    assert _detail(api, conf)["agenda"][0]["presenter"]["full_name"] == "Aziz Karimov Jr"
    assert api.get("/api/v1/experts/").json()["results"][0]["full_name"] == "Aziz Karimov Jr"
    members = api.get("/api/v1/councils/", {"search": council.name}).json()["results"][0]
    assert [m["full_name"] for m in members["members"]] == ["Aziz Karimov Jr"]

    org.name = "New University"
    org.save()
    assert _detail(api, conf)["agenda"][0]["presenter"]["organization"] == "New University"
    assert api.get("/api/v1/experts/").json()["results"][0]["organization"]["name"] == (
        "New University"
    )

    presenter.fields.add(field)
    assert api.get("/api/v1/experts/").json()["results"][0]["fields"] == [
        {"id": field.pk, "name": "Physics", "name_latin": ""}
    ]

    conf.experts.set([ExpertFactory(country="CA")])
    assert _detail(api, conf)["figures"]["expert_countries"] == ["CA"]

    membership_end(membership=membership, end_date=datetime.date(2021, 1, 1))
    ended = api.get("/api/v1/councils/", {"search": council.name}).json()["results"][0]
    assert ended["members"] == []

    Presentation.objects.filter(conference=conf).delete()
    assert _detail(api, conf)["agenda"] == []


def test_unknown_parameters_and_spelling_share_one_stored_answer(api, django_assert_num_queries):
    for _n in range(3):
        scheduled_conference(title="Namesake")
    first = api.get(
        "/api/v1/conferences/",
        {"page_size": "2", "ordering": " title ,bogus", "search": "  Namesake ", "utm": "x"},
    )
    assert first.status_code == 200
    # The links carry the known parameters, normalised, and nothing a visitor added.
    assert first.json()["next"] == (
        "http://testserver/api/v1/conferences/?ordering=title&page=2&page_size=2&search=Namesake"
    )
    with django_assert_num_queries(1):  # the key; the answer is the stored one
        again = api.get(
            "/api/v1/conferences/", {"search": "Namesake", "ordering": "title", "page_size": 2}
        )
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    second = api.get(first.json()["next"])
    assert second.json()["previous"] == (
        "http://testserver/api/v1/conferences/?ordering=title&page_size=2&search=Namesake"
    )
    assert len(second.json()["results"]) == 1


def test_filters_are_normalised_and_still_refused_when_bad(api, django_assert_num_queries):
    conf = scheduled_conference()
    first = api.get("/api/v1/conferences/", {"council": conf.council_id})
    with django_assert_num_queries(1):
        again = api.get("/api/v1/conferences/", {"council": f"00{conf.council_id}", "x": "1"})
    assert again.content == first.content
    assert api.get("/api/v1/conferences/", {"council": "x"}).status_code == 400
    assert api.get("/api/v1/conferences/", {"page_size": "0"}).status_code == 400


def test_every_caller_gets_the_same_stored_answer(make_client, partner, other_partner):
    scheduled_conference()
    mine = make_client(organization=partner).get("/api/v1/conferences/")
    theirs = make_client(organization=other_partner).get(
        "/api/v1/conferences/", HTTP_IF_NONE_MATCH=mine["ETag"]
    )
    assert theirs.status_code == 304


def test_a_stored_answer_still_checks_the_key_the_scope_and_the_throttle(
    settings, make_client, partner
):
    from partners.models import ApiKey

    conf = scheduled_conference()
    api = make_client(organization=partner)
    path = f"/api/v1/conferences/{conf.pk}/"
    etag = api.get(path)["ETag"]
    api_key_revoke(key=ApiKey.objects.get())
    assert api.get(path).status_code == 401
    assert api.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 401

    assert make_client(organization=partner, scopes=["experts:read"]).get(path).status_code == 403

    settings.PARTNER_API_THROTTLE_RATE = "2/minute"
    cache.clear()
    api_cache.clear_local()
    limited = make_client(organization=partner)
    assert [limited.get(path).status_code for _n in range(3)] == [200, 200, 429]
