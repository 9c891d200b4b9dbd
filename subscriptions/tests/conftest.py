import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from conferences.models import Conference
from conferences.services import conference_create, conference_set_status
from experts.tests.factories import CouncilFactory
from pressroom import public_cache
from pressroom.models import PressRelease


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    public_cache.clear_local()
    yield
    cache.clear()
    public_cache.clear_local()


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://elyurt.example"
    return settings.SITE_URL


def scheduled_conference(*, title="Олий таълим ислоҳоти", days=10, now=None) -> Conference:
    now = now or timezone.now()
    conference = conference_create(
        council=CouncilFactory(),
        title=title,
        starts_at=now + datetime.timedelta(days=days),
        language="uz-Cyrl",
    )
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    return conference


def release_in(status: str, *, title="Янги пресс-релиз", published_at=None) -> PressRelease:
    """A release of a held conference, written straight to the table (its drafting is the
    pressroom's business, tested there)."""
    conference = conference_create(
        council=CouncilFactory(),
        title=title,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        language="uz-Cyrl",
    )
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    conference_set_status(conference=conference, status=Conference.Status.HELD)
    return PressRelease.objects.create(
        conference=conference,
        slug=conference.slug,
        title_cyrl=title,
        body_cyrl="Кенгаш йиғилиши бўлиб ўтди.",
        status=status,
        published_at=published_at,
    )
