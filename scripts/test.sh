#!/usr/bin/env bash
# The test suite on PostgreSQL, with Redis for the integration tests. Arguments go to pytest.
source "$(dirname "$0")/_venv.sh"
source scripts/services.sh
bash scripts/assets.sh
bash scripts/chromium.sh
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
export TEST_REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
# conftest.py stops the run if the tests would fall back to SQLite.
export REQUIRE_POSTGRES=1
exec .venv/bin/python -m pytest "$@"
