#!/usr/bin/env bash
# The README's two commands, in that order, on a fresh clone of this repository's HEAD (called
# by .ci/run): `bash scripts/demo.sh` must install, migrate, load the demo and serve, with the
# links in mail on the port it serves; `bash scripts/test.sh` must then find its own tools.
# The clone gets a virtual environment and node_modules of its own (pip's and npm's caches are
# reused); the suite itself runs once in CI's main step, so this runs one small test file.
# NEWCOMER_DEADLINE (seconds, default 900) bounds the wait for the demo's first page.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
work=$(mktemp -d)
demo_pid=""
cleanup() {
    if [ -n "$demo_pid" ]; then
        # runserver's autoreloader has a child: end the demo's whole process group.
        kill -- "-$demo_pid" 2>/dev/null || true
        wait "$demo_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

git clone -q . "$work/elyurt"
cd "$work/elyurt"
# A newcomer's machine: nothing of CI's environment chooses the venv, database or broker.
unset VENV REQUIREMENTS DATABASE_URL REDIS_URL SITE_URL
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

PORT=$port setsid bash scripts/demo.sh >"$work/demo.log" 2>&1 &
demo_pid=$!
deadline=$((SECONDS + ${NEWCOMER_DEADLINE:-900}))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 200 ]; do
    if ! kill -0 "$demo_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
        echo "demo.sh did not serve http://127.0.0.1:$port/ with 200:" >&2
        cat "$work/demo.log" >&2
        exit 1
    fi
    sleep 1
done
grep -qx "(or http://127.0.0.1:$port/admin/ with the staff login). Links in mail: http://127.0.0.1:$port" \
    "$work/demo.log" || { echo "demo.sh: mail links do not follow PORT=$port" >&2; cat "$work/demo.log" >&2; exit 1; }
for path in /press/ /accounts/login/; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
    [ "$code" = 200 ] || { echo "demo: $path answered $code" >&2; exit 1; }
done
kill -- "-$demo_pid"
wait "$demo_pid" 2>/dev/null || true
demo_pid=""
echo "newcomer: demo.sh served on :$port after $((SECONDS - started)) s"

bash scripts/test.sh -x -q -p no:cacheprovider conferences/tests/test_demo.py
echo "newcomer: both commands passed on a fresh clone in $((SECONDS - started)) s"
