"""How fast the partner API serves conferences, next to a bare DRF view in the same server.

    .venv/bin/python bench/api.py    # BENCH_SECONDS=4 a run, BENCH_ROUNDS=5, BENCH_CONNECTIONS=2

Builds its own PostgreSQL database (BENCH_DATABASE_NAME, default bench_api; dropped and made
again each run), loads 100 public conferences with agendas, organisations and experts, creates a
partner key, and starts gunicorn (2 workers, a free port) with the Redis cache the throttle uses
in production. `wrk` then loads, in turns:

  - /api/v1/conferences/          the API's list (page of 50, nested agenda and figures, key,
                                  scope check, throttle, ETag; the body from the stored
                                  answers, see elyurt/api_cache.py), and
  - /api/v1/bench-baseline/...    a bare DRF ListAPIView of the same rows (flat model fields, no
                                  authentication, throttle or ETag), served only when the
                                  ELYURT_API_BENCH=1 environment variable is set;

and the same for one conference's detail. Baseline and API runs alternate, round after round,
so a machine busy with other work slows both alike; it prints the median requests per second of
each and the median of the rounds' ratios API/baseline. The target is at least 0.8. Needs `wrk`
(apt-get install wrk).
"""

import datetime
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = os.environ.get("BENCH_DATABASE_NAME", "bench_api")
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
# One connection per gunicorn worker keeps both busy; more only queue in the socket backlog and,
# on a 2-core machine, take CPU from the workers and PostgreSQL (try BENCH_CONNECTIONS=4).
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "2"))
CONFERENCES = 100
TARGET = 0.8

os.environ["DATABASE_URL"] = f"{PG}/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elyurt.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-key-not-for-production-elyurt")


def database_recreate() -> None:
    import psycopg2

    conn = psycopg2.connect(f"{PG}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()


def seed() -> tuple[str, int]:
    """100 scheduled or held conferences like the real ones; returns a key and one id."""
    import django

    django.setup()
    from django.core.management import call_command

    from conferences.models import Conference, ConferenceOrganization
    from conferences.services import conference_set_status
    from conferences.tests.factories import ConferenceFactory, PresentationFactory
    from experts.tests.factories import CouncilFactory, ExpertFactory, OrganizationFactory
    from partners.services import api_key_create

    call_command("migrate", verbosity=0)
    council = CouncilFactory(name="Халқаро экспертлар кенгаши")
    orgs = [OrganizationFactory() for _n in range(6)]
    experts = [ExpertFactory(is_public=n % 2 == 0, organization=orgs[n % 6]) for n in range(20)]
    start = datetime.datetime(2024, 1, 10, 10, tzinfo=datetime.UTC)
    conference = None
    for n in range(CONFERENCES):
        conference = ConferenceFactory(
            council=council,
            starts_at=start + datetime.timedelta(days=14 * n),
            participants_count_declared=1000,
            participant_groups=["rector", "dean", "professor"],
        )
        for order in (1, 2, 3):
            PresentationFactory(
                conference=conference, order=order, presenter=experts[(n + order) % 20]
            )
        for index, role in enumerate(["organizer", "co_organizer", "technical_organizer"]):
            ConferenceOrganization.objects.create(
                conference=conference, organization=orgs[(n + index) % 6], role=role, order=index
            )
        conference.experts.set(experts[n % 5 : n % 5 + 6])
        conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
        if n < 80:
            conference_set_status(conference=conference, status=Conference.Status.HELD)
    _key, raw = api_key_create(organization=orgs[0], scopes=["conferences:read"], name="bench")
    return raw, conference.pk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not answer {url} in time")
        time.sleep(0.2)


def check(url: str, headers: dict) -> None:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200, (url, response.status)


def wrk(url: str, headers: dict) -> float:
    args = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"errors while loading {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    database_recreate()
    key, conference_id = seed()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ELYURT_API_BENCH": "1",
        "REDIS_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,  # the bench owns this one database
        "CACHE_KEY_PREFIX": f"bench-api-{port}",
        "PARTNER_API_THROTTLE_RATE": "100000000/minute",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "elyurt.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_until_up(f"{base}/api/v1/bench-baseline/conferences/", time.monotonic() + 30)
        auth = {"Authorization": f"Bearer {key}"}
        pairs = [
            ("list (50 of 100)", "/api/v1/conferences/", "/api/v1/bench-baseline/conferences/"),
            (
                "detail",
                f"/api/v1/conferences/{conference_id}/",
                f"/api/v1/bench-baseline/conferences/{conference_id}/",
            ),
        ]
        for _name, api_path, base_path in pairs:
            check(base + api_path, auth)
            check(base + base_path, {})
        print(f"gunicorn 2 workers, PostgreSQL {DB_NAME}, wrk {CONNECTIONS} connections, "
              f"{ROUNDS} alternating rounds of {SECONDS}s; medians")  # fmt: skip
        print(f"{'endpoint':<18} {'API req/s':>10} {'baseline req/s':>15} {'ratio':>6}  rounds")
        ratios = []
        for name, api_path, base_path in pairs:
            api_runs, base_runs = [], []
            for _round in range(ROUNDS):
                base_runs.append(wrk(base + base_path, {}))
                api_runs.append(wrk(base + api_path, auth))
            ratio = statistics.median(a / b for a, b in zip(api_runs, base_runs, strict=True))
            ratios.append(ratio)
            each = " ".join(f"{a / b:.2f}" for a, b in zip(api_runs, base_runs, strict=True))
            print(
                f"{name:<18} {statistics.median(api_runs):>10.0f} "
                f"{statistics.median(base_runs):>15.0f} {ratio:>6.3f}  {each}"
            )
        verdict = "met" if min(ratios) >= TARGET else "NOT met"
        print(f"target: ratio >= {TARGET} -> {verdict}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
