"""How fast the public press pages answer under load, against a bare Django view.

    .venv/bin/python bench/public_pages.py [--releases 200] [--rounds 3] [--seconds 5]

Creates a PostgreSQL database of its own (BENCH_DATABASE_NAME, default bench_public_pages,
dropped and created again), migrates it and loads N published releases drafted from imported
conferences (the seed event and N-1 variations). Then serves the portal with gunicorn on a free
port, on that database and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/12, with a key
prefix of its own) and loads three addresses of the same server with `wrk` (Debian's package),
100 connections each:

- a bare view (`HttpResponse(b"ok")` through the same middleware), the baseline;
- /press/, the first page of the list;
- /press/<slug>/, one release.

Each page is loaded in interleaved rounds (default 3 × 5 s) and its median round is reported.

Prints requests per second, the ratio to the baseline and errors (socket errors and non-2xx
answers). Target: ratio at least 0.6 for both pages and no errors.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 0.6
DB_NAME = os.environ.get("BENCH_DATABASE_NAME", "bench_public_pages")
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
DATABASE_URL = f"{PG}/{DB_NAME}"

# The server's settings: the portal's own, with one more URL for the baseline.
BENCH_SETTINGS = """
from elyurt.settings import *  # noqa: F403
ROOT_URLCONF = "bench_public_urls"
"""
BENCH_URLS = """
from django.http import HttpResponse
from django.urls import path

from elyurt.urls import urlpatterns as portal


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *portal]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database() -> None:
    import psycopg2

    conn = psycopg2.connect(f"{PG}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()


def load_releases(count: int) -> str:
    """Migrate and load `count` published releases; returns the slug of one of them."""
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.pop("REDIS_URL", None)  # drafting runs in process while loading
    os.environ["DJANGO_SETTINGS_MODULE"] = "elyurt.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-key-not-for-production-elyurt")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from conferences.imports import conference_import
    from experts.services import council_get_or_create, organization_get_or_create
    from pressroom.models import PressRelease
    from pressroom.services import press_release_draft, press_release_set_status

    seed = json.loads(
        (ROOT / "conferences/demo/iec-2020-08-28-online-courses.json").read_text("utf-8")
    )
    foundation = organization_get_or_create(name=seed["organizations"][0]["name"])
    foundation.mission = "Жамғарма хориждаги ватандошлар билан мулоқотлар ўрнатади."
    foundation.save()
    council = council_get_or_create(name=seed["council"])
    council.host_organization = foundation
    council.mission = "олий таълим сифатини оширишга кўмаклашишдан иборат"
    council.save()
    admin = get_user_model().objects.create_superuser("bench", password="bench-pass-1")
    for i in range(count):
        doc = copy.deepcopy(seed)
        if i:
            year, day = 2020 + i // 300, 1 + i % 28
            month = 1 + (i // 28) % 10
            doc["external_id"] = f"bench-{i}"
            doc["title"] = f"{seed['title']} ({i})"
            doc["starts_at"] = f"{year}-{month:02d}-{day:02d}T10:00:00+05:00"
        conference = conference_import(document=doc).conference
        release = press_release_draft(conference=conference)
        for status in ("in_review", "approved", "published"):
            press_release_set_status(release=release, status=status, by=admin)
    return PressRelease.objects.order_by("pk").first().slug


def start_server(port: int, workdir: Path, connections: int) -> subprocess.Popen:
    (workdir / "bench_public_settings.py").write_text(BENCH_SETTINGS)
    (workdir / "bench_public_urls.py").write_text(BENCH_URLS)
    env = {
        **os.environ,
        "PYTHONPATH": f"{workdir}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "bench_public_settings",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,  # the bench owns this one database
        "CACHE_KEY_PREFIX": f"bench-public-{os.getpid()}",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("TEST_DATABASE_NAME", None)
    workers = os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2))
    # A gthread worker keeps every keep-alive connection it accepted, and whichever worker wakes
    # first may accept them all: then one worker serves a whole round and the figure halves at
    # random. A cap of connections/workers per worker makes each take its share.
    per_worker = -(-connections // int(workers))
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "elyurt.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            "--worker-connections",
            str(per_worker),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "gunicorn.log", "wb"),  # noqa: SIM115 — handed to the child
        start_new_session=True,
    )


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"server did not answer {url} within {timeout}s")
        time.sleep(0.1)


def run_wrk(url: str, *, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return {"rps": rps, "requests": requests, "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=100)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    started = time.monotonic()
    recreate_database()
    slug = load_releases(args.releases)
    print(f"loaded {args.releases} published releases in {time.monotonic() - started:.1f} s")

    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bench-public-"))
    server = start_server(port, workdir, args.connections)
    base = f"http://127.0.0.1:{port}"
    pages = {
        "bare view (baseline)": f"{base}/bench/bare/",
        "/press/": f"{base}/press/",
        "/press/<slug>/": f"{base}/press/{slug}/",
    }
    try:
        for url in pages.values():
            wait_for(url)  # also fills the cache
        for url in pages.values():
            run_wrk(url, seconds=2, connections=args.connections)  # warm every worker
        # Rounds interleave the pages, so a neighbour's load on the machine hits all of them
        # alike; each page's figure is its median round, its errors the sum over all rounds.
        rounds: dict[str, list[dict]] = {name: [] for name in pages}
        for _round in range(args.rounds):
            for name, url in pages.items():
                rounds[name].append(
                    run_wrk(url, seconds=args.seconds, connections=args.connections)
                )
        results = {
            name: {
                "rps": statistics.median(r["rps"] for r in runs),
                "requests": sum(r["requests"] for r in runs),
                "errors": sum(r["errors"] for r in runs),
            }
            for name, runs in rounds.items()
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    baseline = results["bare view (baseline)"]["rps"]
    print(
        f"gunicorn gthread ×{os.environ.get('BENCH_WORKERS', os.cpu_count())}, PostgreSQL, "
        f"Redis cache; wrk {args.connections} connections, {args.rounds} rounds of "
        f"{args.seconds} s per page (median)"
    )
    print(f"{'page':<24}{'req/s':>10}{'ratio':>8}{'requests':>10}{'errors':>8}")
    ok = True
    for name, result in results.items():
        ratio = result["rps"] / baseline
        print(
            f"{name:<24}{result['rps']:>10.0f}{ratio:>8.2f}"
            f"{result['requests']:>10}{result['errors']:>8}"
        )
        if result["errors"] or ratio < TARGET_RATIO:
            ok = False
    print(f"target: ratio ≥ {TARGET_RATIO} and no errors — {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
