#!/usr/bin/env bash
# The test suite on PostgreSQL, with Redis for the integration tests. Arguments go to pytest.
source "$(dirname "$0")/_venv.sh"
source scripts/services.sh
bash scripts/assets.sh
bash scripts/chromium.sh
# The HTML check (dashboard/tests/test_html_valid.py) runs vnu.jar from npm on Java.
command -v java >/dev/null || apt_install default-jre-headless
# The compiled catalogues are committed; a checkout without them compiles them (needs gettext).
if [ ! -e locale/uz_Cyrl/LC_MESSAGES/django.mo ]; then
    command -v msgfmt >/dev/null || apt_install gettext
    "$VENV/bin/python" manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
fi
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
export TEST_REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
# conftest.py stops the run if the tests would fall back to SQLite.
export REQUIRE_POSTGRES=1
# The settings refuse to start without a key when DEBUG is off, as the tests run.
export SECRET_KEY=${SECRET_KEY:-test-only-key-not-for-production-elyurt}
exec "$VENV/bin/python" -m pytest "$@"
