#!/usr/bin/env bash
# The README's production install, checked for real (called by .ci/run): a virtual environment
# built from requirements.txt alone (no development package brings in what production misses),
# a `celery -A elyurt worker` from it on Redis, a throwaway PostgreSQL database, and one
# invitation published through `manage.py invite`, waited for until the worker has sent it and
# recorded its heartbeat.
# PRODUCTION_REDIS_URL (default redis://127.0.0.1:6379/14) is flushed; PRODUCTION_DEADLINE
# (seconds, default 60) bounds the wait for the message. The environment is kept between runs
# under a name hashed from requirements.txt (nothing else is ever installed into it), so only a
# change of the file pays for a new install.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
started=$SECONDS
work=$(mktemp -d)
database="ci_production_$$"
worker_pid=""
cleanup() {
    if [ -n "$worker_pid" ]; then
        kill -- "-$worker_pid" 2>/dev/null || true
        wait "$worker_pid" 2>/dev/null || true
    fi
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $database" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

venv=${XDG_CACHE_HOME:-$HOME/.cache}/elyurt/production-venv-$(sha256sum requirements.txt | cut -c1-16)
if [ ! -e "$venv/.complete" ]; then
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/python" -m pip install -q -r requirements.txt
    touch "$venv/.complete"
    echo "production: requirements.txt installed in $((SECONDS - started)) s"
fi
"$venv/bin/python" -c 'import django, celery, kombu.transport.redis' \
    || { echo "production: requirements.txt does not install what the Redis broker needs" >&2; exit 1; }

psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $database"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database"
export REDIS_URL=${PRODUCTION_REDIS_URL:-redis://127.0.0.1:6379/14}
export DJANGO_SETTINGS_MODULE=elyurt.settings CONN_MAX_AGE=0 LOG_LEVEL=WARNING
unset EMAIL_HOST  # mail to the console: the worker's log shows the message went out
redis-cli -u "$REDIS_URL" flushdb >/dev/null
py="$venv/bin/python"
"$py" manage.py migrate -v0
"$py" manage.py load_demo --password "$(openssl rand -hex 12)" >/dev/null

# With its embedded beat on a one-second heartbeat: the dashboard's "no worker seen" check
# reads the row this writes.
WORKER_HEARTBEAT_SECONDS=1 setsid "$venv/bin/celery" -A elyurt worker -B -s "$work/beat-schedule" \
    --concurrency 1 --without-gossip --without-mingle --loglevel WARNING >"$work/worker.log" 2>&1 &
worker_pid=$!

printf 'name,email,organization,position,language,timezone\n%s\n' \
    'Production Check,production-check@example.org,,,en,Asia/Tashkent' >"$work/one.csv"
"$py" manage.py invite iec-2027-02-12-credit-module --csv "$work/one.csv"

sent() {
    "$py" manage.py shell -v0 -c '
from conferences.models import OutboundMessage
sent = OutboundMessage.objects.filter(state=OutboundMessage.State.SENT,
    invitation__email="production-check@example.org").count()
from ops.models import Heartbeat
beating = Heartbeat.objects.filter(name="worker").exists()
raise SystemExit(0 if sent == 1 and beating else 1)'
}
deadline=$((SECONDS + ${PRODUCTION_DEADLINE:-60}))
until sent; do
    if ! kill -0 "$worker_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
        echo "production: the worker did not send the invitation or record its heartbeat:" >&2
        cat "$work/worker.log" >&2
        exit 1
    fi
    sleep 0.5
done
redis-cli -u "$REDIS_URL" flushdb >/dev/null
echo "production: a requirements.txt-only worker sent the invitation and beat; $((SECONDS - started)) s in all"
