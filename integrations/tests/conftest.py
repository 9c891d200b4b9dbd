import pytest
from django.core.cache import cache

from .fake_zoom import FakeZoom

WEBHOOK_SECRET = "whsec-test-0123456789"


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
