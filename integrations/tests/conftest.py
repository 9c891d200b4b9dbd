import contextlib
import datetime
import os
import secrets

import pytest
import redis
from django.core.cache import cache

from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from conferences.tests.live import Worker, celery_on_broker
from integrations.models import ZoomMeeting

from .fake_zoom import FakeZoom

WEBHOOK_SECRET = "whsec-test-0123456789"
# A past start: a meeting that is over belongs to a conference that has begun.
STARTED = datetime.datetime(2025, 3, 14, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="session")
def fake_zoom_server():
    server = FakeZoom().start()
    yield server
    server.stop()


@pytest.fixture
def fake_zoom(fake_zoom_server, settings):
    """The fake Zoom, emptied, with the settings pointing at it and no cached token."""
    server = fake_zoom_server
    state = server.state
    with state.lock:
        for name in (
            "tokens",
            "meetings",
            "webinars",
            "panelists",
            "registrants",
            "participants",
            "instances",
            "qa",
            "recordings",
        ):
            getattr(state, name).clear()
        state.failures.clear()
        state.calls.clear()
        state.token_lifetime = 3600
        state.account_users = None
    settings.ZOOM_ACCOUNT_ID = state.account_id
    settings.ZOOM_CLIENT_ID = state.client_id
    settings.ZOOM_CLIENT_SECRET = state.client_secret
    settings.ZOOM_API_BASE_URL = server.api_base_url
    settings.ZOOM_OAUTH_TOKEN_URL = server.token_url
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = WEBHOOK_SECRET
    settings.ZOOM_RETRY_BACKOFF_SECONDS = 0.01
    settings.ZOOM_MAX_ATTEMPTS = 3
    cache.clear()
    yield server
    cache.clear()


@pytest.fixture
def no_zoom(settings):
    settings.ZOOM_ACCOUNT_ID = ""
    settings.ZOOM_CLIENT_ID = ""
    settings.ZOOM_CLIENT_SECRET = ""
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = ""


@pytest.fixture
def zoom_worker(fake_zoom, settings):
    """Start a Celery worker process on TEST_REDIS_URL, on this test database and the fake Zoom:
    `with zoom_worker(smtp_port=..., concurrency=...) as worker:`."""
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")

    @contextlib.contextmanager
    def start(*, smtp_port: int, concurrency: int):
        client = redis.Redis.from_url(url)
        client.flushdb()
        live = Worker(
            broker_url=url,
            smtp_port=smtp_port,
            concurrency=concurrency,
            # Its own cache prefix: no token or lock from an earlier run is found.
            CACHE_KEY_PREFIX="zoomtest-" + secrets.token_hex(4),
            ZOOM_ACCOUNT_ID=settings.ZOOM_ACCOUNT_ID,
            ZOOM_CLIENT_ID=settings.ZOOM_CLIENT_ID,
            ZOOM_CLIENT_SECRET=settings.ZOOM_CLIENT_SECRET,
            ZOOM_API_BASE_URL=settings.ZOOM_API_BASE_URL,
            ZOOM_OAUTH_TOKEN_URL=settings.ZOOM_OAUTH_TOKEN_URL,
            ZOOM_WEBHOOK_SECRET_TOKEN=WEBHOOK_SECRET,
        )
        with celery_on_broker(url):
            live.start()
            try:
                yield live
            finally:
                live.cleanup()
        client.flushdb()

    return start


@pytest.fixture
def scheduled(fake_zoom, django_capture_on_commit_callbacks):
    def make(kind=ZoomMeeting.Kind.MEETING, starts_at=STARTED):
        # The meeting is over, so the conference has begun: Zoom marks only those held.
        conference = ConferenceFactory(participants_count_declared=1000, starts_at=starts_at)
        ZoomMeeting.objects.create(conference=conference, kind=kind)
        with django_capture_on_commit_callbacks(execute=True):
            conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
        conference.refresh_from_db()
        assert conference.meeting_id
        return conference

    return make
