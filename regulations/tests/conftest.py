import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from experts.tests.factories import (
    CouncilFactory,
    ExpertFactory,
    MembershipFactory,
    OrganizationFactory,
)
from partners.models import Scope
from partners.services import api_key_create


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    from django.core.cache import cache

    from elyurt import api_cache

    cache.clear()
    api_cache.clear_local()


@pytest.fixture
def ministry(db):
    return OrganizationFactory(name="Олий таълим вазирлиги", kind="ministry")


@pytest.fixture
def other_ministry(db):
    return OrganizationFactory(name="Инновация вазирлиги", kind="ministry")


def key_client(organization, scopes=(Scope.REVIEWS_WRITE,)) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    _key, raw = api_key_create(organization=organization, scopes=list(scopes))
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def deadline():
    return timezone.localdate() + datetime.timedelta(days=10)


@pytest.fixture
def council_of_20(db):
    """A council with 20 current members (one more whose term ended), in four languages."""
    council = CouncilFactory(name="Халқаро экспертлар кенгаши")
    languages = ["uz-Cyrl", "uz-Latn", "ru", "en"]
    zones = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Seoul"]
    for index in range(20):
        expert = ExpertFactory(
            full_name=f"Эксперт Номи {index:02d}",
            preferred_language=languages[index % 4],
            time_zone=zones[index % 4],
        )
        MembershipFactory(expert=expert, council=council)
    MembershipFactory(
        council=council,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    return council
