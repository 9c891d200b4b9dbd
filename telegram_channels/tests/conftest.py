import contextlib
import os

import pytest
import redis
from django.contrib.auth.models import Permission

from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from conferences.tests.live import Worker, celery_on_broker
from pressroom.models import PressRelease

from .fake_bot import TOKEN, FakeBot

# Short leases and scans, so a killed worker is noticed within seconds.
FAST = {
    "TELEGRAM_LEASE_SECONDS": 5,
    "TELEGRAM_SWEEP_SECONDS": 0.5,
    "TELEGRAM_REQUEUE_AFTER_SECONDS": 2,
    "TELEGRAM_RETRY_BACKOFF_SECONDS": 0.3,
    "TELEGRAM_RETRY_BACKOFF_MAX_SECONDS": 5,
    "TELEGRAM_MAX_ATTEMPTS": 20,
    "OUTSIDE_TIMEOUT_SECONDS": 3,
    "SITE_URL": "https://elyurt.example",
    # The other apps' scans stay out of the way.
    "INVITATIONS_SWEEP_SECONDS": 3600,
    "INVITATIONS_REMINDER_SCAN_SECONDS": 3600,
}

TITLE = "Хорижда таълим: «Эл-юрт умиди» жамғармаси конференцияси"
BODY = (
    "Жамғарма хорижда таҳсил олаётган ёшлар билан учрашув ўтказди. Унда 120 нафар мутахассис "
    "қатнашди. Учрашувда <таълим> ва & фан масалалари муҳокама қилинди.\n\n"
    "Иккинчи хатбоши узун матн."
)


@pytest.fixture(scope="session")
def fake_bot_server():
    server = FakeBot().start()
    yield server
    server.stop()


@pytest.fixture
def fake_bot(fake_bot_server, settings):
    """The fake Bot API, emptied, with the settings pointing at it."""
    fake_bot_server.reset()
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_API_BASE_URL = fake_bot_server.base_url
    yield fake_bot_server
    fake_bot_server.release_sends()


def make_release(*, title: str = TITLE, body: str = BODY, status=PressRelease.Status.APPROVED):
    """A release ready to publish (set up directly: drafting is the pressroom's to test)."""
    conference = ConferenceFactory()
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    return PressRelease.objects.create(
        conference=conference,
        status=status,
        slug=f"release-{conference.pk}",
        title_cyrl=title,
        body_cyrl=body,
        published_at=None,
    )


def user_with(django_user_model, username: str, *perms: str):
    """A user holding these "app_label.codename" permissions."""
    user = django_user_model.objects.create_user(username=username, password="pw-" + username)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def press(django_user_model):
    """The press service: publishes releases, manages channels, announces."""
    return user_with(
        django_user_model,
        "press",
        "pressroom.view_pressrelease",
        "pressroom.change_pressrelease",
        "pressroom.publish_pressrelease",
        "telegram_channels.view_telegramchannel",
        "telegram_channels.add_telegramchannel",
        "telegram_channels.change_telegramchannel",
        "telegram_channels.post_telegramchannel",
        "conferences.view_conference",
    )


@pytest.fixture
def bot_worker(fake_bot):
    """`with bot_worker(concurrency=1) as worker:` a Celery worker process (with beat) on
    TEST_REDIS_URL, this test database and the fake Bot API; `worker.start()` again after a
    kill."""
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")

    @contextlib.contextmanager
    def start(*, concurrency: int = 1, **overrides):
        client = redis.Redis.from_url(url)
        client.flushdb()
        live = Worker(
            broker_url=url,
            smtp_port=1,
            concurrency=concurrency,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=fake_bot.base_url,
            **{**FAST, **overrides},
        )
        with celery_on_broker(url):
            live.start()
            try:
                yield live
            finally:
                live.cleanup()
        client.flushdb()

    return start
