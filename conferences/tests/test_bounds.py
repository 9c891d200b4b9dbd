"""Bounds where people type: a start from 2000 to 2100, a length of 1 minute to 24 hours,
declared figures below ten million. Out of range is refused naming the field, at every door."""

import copy
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from conferences.imports import ConferenceImportError, conference_import
from conferences.models import Conference
from conferences.services import conference_create, conference_set_status, conference_update
from dashboard import roles
from experts.tests.factories import CouncilFactory, OrganizationFactory
from partners.models import Scope
from partners.services import api_key_create

from .factories import TASHKENT, ConferenceFactory
from .test_doors import DOCUMENT

pytestmark = pytest.mark.django_db

START_MESSAGE = "A conference starts between 2000-01-01 and 2100-01-01."


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_at": datetime.datetime(9999, 12, 31, 10, 0, tzinfo=TASHKENT)}, "starts_at"),
        ({"starts_at": datetime.datetime(1999, 12, 31, 10, 0, tzinfo=TASHKENT)}, "starts_at"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 24 * 60 + 1}, "duration_minutes"),
        ({"participants_count_declared": 10**7}, "participants_count_declared"),
        ({"expert_count_declared": 10**7}, "expert_count_declared"),
    ],
)
def test_the_service_refuses_out_of_range_naming_the_field(fields, field):
    conference = ConferenceFactory()
    with pytest.raises(ValidationError) as exc:
        conference_update(conference=conference, **fields)
    assert list(exc.value.message_dict) == [field]
    with pytest.raises(ValidationError) as exc:
        conference_create(
            council=conference.council,
            title="Topic",
            **{"starts_at": conference.starts_at, **fields},
        )
    assert list(exc.value.message_dict) == [field]
    assert Conference.objects.count() == 1


def test_the_edges_are_accepted():
    conference = ConferenceFactory()
    conference_update(
        conference=conference,
        starts_at=datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC),
        duration_minutes=24 * 60,
        participants_count_declared=10**7 - 1,
        expert_count_declared=10**7 - 1,
    )
    conference_update(
        conference=conference,
        starts_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
        duration_minutes=1,
    )


@pytest.fixture
def secretary_client():
    user = get_user_model().objects.create_user("secretary", password="pw-123456789")
    user.groups.add(Group.objects.get(name=roles.SECRETARY))
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def partner_client():
    _key, raw = api_key_create(organization=OrganizationFactory(), scopes=[Scope.CONFERENCES_READ])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_dashboard_form_refuses_9999_naming_starts_at(secretary_client, partner_client):
    conference = ConferenceFactory()
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    data = {
        "conference-council": CouncilFactory().pk,
        "conference-title": "Topic",
        "conference-language": "en",
        "conference-starts_at": "9999-12-31T10:00",
        "conference-duration_minutes": "120",
        "conference-platform": "other",
        **{f"{p}-{k}": v for p in ("orgs", "agenda") for k, v in _EMPTY_FORMSET.items()},
    }
    for url in ("/dashboard/conferences/new/", f"/dashboard/conferences/{conference.pk}/edit/"):
        response = secretary_client.post(url, data)
        assert response.status_code == 400
        assert response.context["form"].errors == {"starts_at": [START_MESSAGE]}
    conference.refresh_from_db()
    assert conference.starts_at == datetime.datetime(2030, 3, 14, 10, 0, tzinfo=TASHKENT)
    assert Conference.objects.count() == 1
    listing = partner_client.get("/api/v1/conferences/")
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [conference.pk]


_EMPTY_FORMSET = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0"}


def test_the_dashboard_audience_form_refuses_a_figure_of_ten_million(secretary_client):
    conference = ConferenceFactory()
    response = secretary_client.post(
        f"/dashboard/conferences/{conference.pk}/audience/",
        {"participants_count_declared": "10000000", "expert_count_declared": "3"},
    )
    assert response.status_code == 400
    assert list(response.context["declared_form"].errors) == ["participants_count_declared"]
    conference.refresh_from_db()
    assert conference.participants_count_declared is None


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d.update(starts_at="9999-12-31T10:00:00+05:00"),
            "starts_at: must be between 2000-01-01 and 2100-01-01",
        ),
        (
            lambda d: d.update(duration_minutes=24 * 60 + 1),
            "duration_minutes: must be between 1 and 1440",
        ),
        (
            lambda d: d.update(participants={"count": 10**7}),
            "participants.count: must be between 0 and 9999999",
        ),
        (
            lambda d: d.update(expert_summary={"count": 10**7}),
            "expert_summary.count: must be between 0 and 9999999",
        ),
    ],
)
def test_the_import_refuses_out_of_range_naming_the_field(mutate, message):
    document = copy.deepcopy(DOCUMENT)
    mutate(document)
    with pytest.raises(ConferenceImportError) as exc:
        conference_import(document=document)
    assert exc.value.errors == [message]
    assert Conference.objects.count() == 0


def test_the_import_api_refuses_9999_naming_starts_at(partner_client):
    staff = get_user_model().objects.create_superuser("root", "root@example.org", "pw-123456789")
    client = APIClient()
    client.force_login(staff)
    document = {**copy.deepcopy(DOCUMENT), "starts_at": "9999-12-31T10:00:00+05:00"}
    response = client.post("/api/v1/conferences/import/", document, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["starts_at"] == [
        "must be between 2000-01-01 and 2100-01-01"
    ]
    assert partner_client.get("/api/v1/conferences/").status_code == 200
