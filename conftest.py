import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _require_postgres(django_db_setup, django_db_blocker):
    """With REQUIRE_POSTGRES=1 (scripts/test.sh, CI) a run on SQLite is an error, not a pass."""
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.exit(f"tests must run on PostgreSQL, not {connection.vendor}", returncode=3)
    yield
    _close_stray_connections(django_db_blocker)


def _close_stray_connections(django_db_blocker) -> None:
    """Before the test database is dropped, end the sessions Django's teardown cannot see: the
    ORM called inside Playwright's event loop gets a connection of its own context, which no
    close_all() reaches, and PostgreSQL refuses to drop a database in use."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # Production settings redirect to HTTPS; the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    # The portal's default language is Uzbek Cyrillic; tests read English unless they ask for
    # another language (an Accept-Language header, translation.override, override_settings).
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free localhost port, for workers started by a test."""
    from conferences.tests.smtp import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def silent_server():
    """A TCP port on localhost that accepts connections and never answers (a hung Redis or SMTP
    server); yields the port. Connections are held open until the test ends."""
    from elyurt.tests.silent import SilentServer

    server = SilentServer().start()
    yield server.port
    server.stop()


# --- a real worker for integration tests (conferences/tests/live.py) ---------------------------

# Short lease and scans so a killed worker or a lost queue is noticed within seconds.
FAST_OUTBOX = {
    "INVITATIONS_LEASE_SECONDS": 4,
    "INVITATIONS_SWEEP_SECONDS": 0.5,
    "INVITATIONS_REQUEUE_AFTER_SECONDS": 3,
    "INVITATIONS_RETRY_BACKOFF_SECONDS": 0.5,
    "INVITATIONS_RETRY_BACKOFF_MAX_SECONDS": 2,
    "INVITATIONS_MAX_ATTEMPTS": 100,
    "INVITATIONS_REMINDER_SCAN_SECONDS": 3600,
}


@pytest.fixture
def broker_url():
    """TEST_REDIS_URL's database, flushed, with this process queueing tasks on it."""
    import os

    import redis

    from conferences.tests.live import celery_on_broker

    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    client = redis.Redis.from_url(url)
    client.flushdb()
    with celery_on_broker(url):
        yield url
    client.flushdb()


@pytest.fixture
def start_worker(broker_url, smtp):
    """start(concurrency=2, **settings) -> a running `celery worker -B` on the test database,
    sending to the `smtp` server, with FAST_OUTBOX settings unless overridden. Killed at the end."""
    from conferences.tests.live import Worker

    workers = []

    def start(concurrency=2, **overrides):
        worker = Worker(
            broker_url=broker_url,
            smtp_port=smtp.port,
            concurrency=concurrency,
            **{**FAST_OUTBOX, **overrides},
        )
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.cleanup()
