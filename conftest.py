import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _require_postgres(django_db_setup, django_db_blocker):
    """With REQUIRE_POSTGRES=1 (scripts/test.sh, CI) a run on SQLite is an error, not a pass."""
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.exit(f"tests must run on PostgreSQL, not {connection.vendor}", returncode=3)


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # Production settings redirect to HTTPS; the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    # The portal's default language is Uzbek Cyrillic; tests read English unless they ask for
    # another language (an Accept-Language header, translation.override, override_settings).
    settings.LANGUAGE_CODE = "en"
