"""With a real Celery worker (and its beat) on Redis: a conference marked held gets its release
drafted; an approved release scheduled for a time is published by the periodic scan."""

import copy
import datetime
import os

import pytest
import redis
from django.utils import timezone

from activity.selectors import activity_for
from conferences.services import conference_set_status
from conferences.tests.factories import after_start
from conferences.tests.live import Worker, celery_on_broker, wait_until
from pressroom.models import PressRelease
from pressroom.services import (
    press_release_draft,
    press_release_schedule_publication,
    press_release_set_status,
)

from .conftest import import_document

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
S = PressRelease.Status


@pytest.fixture
def worker():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    client = redis.Redis.from_url(url)
    client.flushdb()
    # Nothing here sends mail; port 9 (discard) keeps any stray message from going anywhere.
    live = Worker(broker_url=url, smtp_port=9, concurrency=1, PRESS_PUBLISH_SCAN_SECONDS=0.5)
    with celery_on_broker(url):
        live.start()
        yield live
        live.kill()
    client.flushdb()


def test_held_conference_is_drafted_by_the_worker(worker, seed_document):
    doc = copy.deepcopy(seed_document)
    doc["status"] = "scheduled"
    conference = import_document(doc)
    assert not PressRelease.objects.exists()
    with after_start(conference):
        conference_set_status(conference=conference, status="held")
    wait_until(
        lambda: PressRelease.objects.filter(conference=conference).exists(),
        timeout=60,
        what="the drafted release",
        worker=worker,
    )
    release = PressRelease.objects.get(conference=conference)
    assert release.status == S.DRAFT
    assert release.title_cyrl == (
        "2020 йил 28 августда “Эл-юрт умиди” жамғармаси томонидан ташкил этилган онлайн "
        "видеоконференциянинг ПРЕСС-РЕЛИЗИ"
    )
    assert list(release.versions.values_list("number", "source")) == [(1, "draft")]


def test_scheduled_release_is_published_by_the_periodic_scan(worker, seed_document, press):
    release = press_release_draft(conference=import_document(copy.deepcopy(seed_document)))
    for status in (S.IN_REVIEW, S.APPROVED):
        press_release_set_status(release=release, status=status, by=press)
    at = timezone.now() + datetime.timedelta(seconds=2)
    press_release_schedule_publication(release=release, publish_at=at, by=press)
    wait_until(
        lambda: PressRelease.objects.filter(pk=release.pk, status=S.PUBLISHED).exists(),
        timeout=60,
        what="the scheduled publication",
        worker=worker,
    )
    release.refresh_from_db()
    assert release.published_at >= at
    last = activity_for(target=release).first()
    assert (last.action, last.data, last.actor.username) == (
        "release.status_changed",
        {"from": "approved", "to": "published", "scheduled": True},
        "press",
    )
