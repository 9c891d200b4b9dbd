#!/usr/bin/env bash
# Quick start: install, load the demo data, print a staff login and run the portal on :8000.
# Embedded defaults: SQLite file db.sqlite3, Celery tasks in process, mail to the console.
REQUIREMENTS=requirements.txt
source "$(dirname "$0")/_venv.sh"
export DEBUG=${DEBUG:-1}
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py compilemessages -v0 2>/dev/null || true
.venv/bin/python manage.py load_demo
echo "Open http://127.0.0.1:${PORT:-8000}/admin/ and log in with the staff login above."
exec .venv/bin/python manage.py runserver "0.0.0.0:${PORT:-8000}"
