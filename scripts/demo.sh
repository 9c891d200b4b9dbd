#!/usr/bin/env bash
# Quick start: install, load the demo data, print a staff login and run the portal on :$PORT
# (default 8000). Embedded defaults: SQLite file db.sqlite3, Celery tasks in process, mail to the
# console; links in mail follow the port unless SITE_URL is set.
REQUIREMENTS=requirements.txt  # the demo needs no test tools; test.sh installs those
source "$(dirname "$0")/_venv.sh"
bash scripts/assets.sh
export DEBUG=${DEBUG:-1}
PORT=${PORT:-8000}
# Answer links in mail must reach the server this script starts, on whatever port it serves.
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
"$VENV/bin/python" manage.py migrate --noinput -v0
"$VENV/bin/python" manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules 2>/dev/null || true
"$VENV/bin/python" manage.py load_demo
"$VENV/bin/python" manage.py create_role_logins
echo "Open http://127.0.0.1:$PORT/dashboard/ and log in with a role's login above"
echo "(or http://127.0.0.1:$PORT/admin/ with the staff login). Links in mail: $SITE_URL"
exec "$VENV/bin/python" manage.py runserver "0.0.0.0:$PORT"
