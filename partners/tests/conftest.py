import datetime

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.test import APIClient

from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory, after_start
from experts.tests.factories import OrganizationFactory
from partners.models import Scope
from partners.services import api_key_create

ALL_SCOPES = list(Scope.values)


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    # The throttle counts in the cache; each test starts with a full budget.
    from django.core.cache import cache

    from elyurt import api_cache

    cache.clear()
    api_cache.clear_local()


@pytest.fixture
def partner():
    return OrganizationFactory(name="Ministry of Higher Education", kind="ministry")


@pytest.fixture
def other_partner():
    return OrganizationFactory(name="Ministry of Innovation", kind="ministry")


@pytest.fixture
def make_client():
    def make(*, organization=None, scopes=ALL_SCOPES, expires_days=None):
        client = APIClient(enforce_csrf_checks=True)
        if organization is not None:
            _key, raw = api_key_create(
                organization=organization, scopes=scopes, expires_days=expires_days
            )
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


@pytest.fixture
def api(make_client, partner):
    """A partner's client holding every scope."""
    return make_client(organization=partner)


@pytest.fixture
def staff_user():
    user = User.objects.create_user("secretary", password="pw-secretary-1", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="conferences",
            codename__in=["add_conference", "change_conference", "add_invitation"],
        )
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def staff_client(staff_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user)
    return client


def scheduled_conference(**kwargs) -> Conference:
    conference = ConferenceFactory(**kwargs)
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    return conference


def held_conference(**kwargs) -> Conference:
    conference = scheduled_conference(**kwargs)
    with after_start(conference):
        conference_set_status(conference=conference, status=Conference.Status.HELD)
    return conference


TASHKENT = datetime.timezone(datetime.timedelta(hours=5))
