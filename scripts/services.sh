# Sourced by test.sh: makes sure PostgreSQL and Redis answer on 127.0.0.1, starting them, or
# installing them from Debian's packages, when they do not.
set -euo pipefail

apt_install() {
    if [ -z "${_APT_UPDATED:-}" ]; then
        apt-get update -qq
        _APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() {  # wait_for SECONDS COMMAND...: until the command succeeds, within a deadline
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
        sleep 0.5
    done
}

ensure_postgres() {
    if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return; fi
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
        echo "Installing PostgreSQL..."
        apt_install postgresql
        local hba
        hba=$(ls /etc/postgresql/*/main/pg_hba.conf)
        # A test server on loopback only: trust local connections, as the CI machine does.
        sed -i -E 's/^(local|host)(.*)(peer|scram-sha-256|md5)$/\1\2trust/' "$hba"
    fi
    echo "Starting PostgreSQL..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    wait_for 60 pg_isready -q -h 127.0.0.1 -p 5432
}

ensure_redis() {
    if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then return; fi
    if ! command -v redis-server >/dev/null; then
        echo "Installing Redis..."
        apt_install redis-server
    fi
    echo "Starting Redis..."
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    wait_for 30 redis-cli -h 127.0.0.1 -p 6379 ping
}

ensure_postgres
ensure_redis
