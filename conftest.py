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
