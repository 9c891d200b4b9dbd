"""How fast invitations go out through the real pipeline, against plain smtplib.

    TEST_REDIS_URL=redis://127.0.0.1:6379/11 \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/elyurt .venv/bin/python bench/invitations.py

Builds a throwaway test database (TEST_DATABASE_NAME, default test_bench_invitations), starts a
local SMTP server (aiosmtpd) and a real `celery -A elyurt worker` on the Redis database in
TEST_REDIS_URL (flushed first), then times 1000 invitations from `invitations_send` until the
server holds all 1000: outbox rows, tasks on Redis, rendering in four languages with an .ics,
leases, one connection per batch. The baseline, measured in the same run against the same
server, is plain smtplib sending the very same 1000 messages (the bytes the server received)
over one connection: the least any sender must do. Target: ratio at least 0.5. Both are
measured BENCH_ROUNDS times (default 3), alternating, each round on a fresh conference; the
median ratio is the figure (the machine's other load moves single rounds).
"""

import os
import signal
import smtplib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elyurt.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-key-not-for-production-elyurt")
os.environ.setdefault("TEST_DATABASE_NAME", "test_bench_invitations")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

COUNT = 1000
TARGET_RATIO = 0.5
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
LANGUAGES = ["uz-Cyrl", "uz-Latn", "ru", "en"]
ZONES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Seoul", "Asia/Tashkent"]


def scheduled_conference(external_id: str):
    from conferences.models import Conference
    from conferences.services import conference_set_status
    from conferences.tests.factories import ConferenceFactory, PresentationFactory

    conference = ConferenceFactory(external_id=external_id, join_url="https://zoom.example/j/1")
    PresentationFactory(conference=conference, order=1, title="Coursera and other platforms")
    PresentationFactory(conference=conference, order=2, title="Distance learning in the UK")
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    return conference


def invite(conference, count: int, prefix: str) -> None:
    from conferences.invitations import invitations_add
    from conferences.invitees import Invitee

    invitations_add(
        conference=conference,
        invitees=[
            Invitee(
                name=f"Participant {i}",
                email=f"{prefix}{i}@example.org",
                language=LANGUAGES[i % 4],
                timezone=ZONES[i % 5],
            )
            for i in range(count)
        ],
        source="csv",
        send=False,
    )


def pipeline_round(conference, smtp, worker) -> tuple[float, float]:
    """Seconds from `invitations_send` until the server holds all COUNT messages, and the
    span between the first and the last row marked sent."""
    from django.db.models import Max, Min

    from conferences.invitations import invitations_send
    from conferences.models import OutboundMessage
    from conferences.tests.live import wait_until

    started = time.perf_counter()
    invitations_send(conference=conference)
    wait_until(lambda: len(smtp.received) >= COUNT, timeout=600, what="all received", worker=worker)
    pipeline = time.perf_counter() - started
    span = OutboundMessage.objects.filter(invitation__conference=conference).aggregate(
        first=Min("sent_at"), last=Max("sent_at")
    )
    return pipeline, (span["last"] - span["first"]).total_seconds()


def baseline_round(received, smtp) -> float:
    """Plain smtplib sending the very bytes the server received, over one connection."""
    smtp.handler.received.clear()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        for item in received:
            client.sendmail("noreply@localhost", item.rcpt, item.data)
    baseline = time.perf_counter() - started
    assert len(smtp.received) == COUNT
    return baseline


def run(broker_url: str) -> None:
    from conferences.invitations import invitations_send
    from conferences.tests.live import Worker, celery_on_broker, wait_until
    from conferences.tests.smtp import SmtpServer

    redis.Redis.from_url(broker_url).flushdb()
    smtp = SmtpServer().start()
    worker = Worker(broker_url=broker_url, smtp_port=smtp.port, concurrency=CONCURRENCY)
    ratios = []
    try:
        with celery_on_broker(broker_url):
            worker.start()
            # Warm-up: the worker is up, its processes have imported Django and connected.
            warm = scheduled_conference("bench-warm-up")
            invite(warm, 20, "warm")
            invitations_send(conference=warm)
            wait_until(lambda: len(smtp.received) >= 20, timeout=120, what="warm-up", worker=worker)
            print(f"messages: {COUNT} per round, {ROUNDS} rounds; worker: {CONCURRENCY} processes")
            for round_ in range(1, ROUNDS + 1):
                smtp.handler.received.clear()
                conference = scheduled_conference(f"bench-invitations-{round_}")
                invite(conference, COUNT, f"r{round_}.")
                pipeline, sending = pipeline_round(conference, smtp, worker)
                received = list(smtp.received)
                counts = smtp.count_by_recipient()
                assert len(counts) == COUNT and set(counts.values()) == {1}, "not once each"
                baseline = baseline_round(received, smtp)
                size = sum(len(item.data) for item in received) / COUNT
                ratios.append(baseline / pipeline)
                print(
                    f"round {round_}: average {size / 1024:.1f} KiB (text + HTML + .ics); "
                    f"pipeline {pipeline:.2f} s = {COUNT / pipeline:.0f}/s "
                    f"(first to last marked sent {sending:.2f} s); "
                    f"baseline {baseline:.2f} s = {COUNT / baseline:.0f}/s; "
                    f"ratio {ratios[-1]:.2f}"
                )
    finally:
        worker.stop()
        worker.cleanup()
        smtp.stop()
    print(
        f"ratio pipeline/baseline: median {statistics.median(ratios):.2f}, "
        f"min {min(ratios):.2f}, max {max(ratios):.2f} (target >= {TARGET_RATIO})"
    )


def main() -> None:
    # A terminated bench still stops its worker and drops its database (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    broker_url = os.environ.get("TEST_REDIS_URL")
    if not broker_url:
        sys.exit("set TEST_REDIS_URL to a Redis database the bench may flush")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(broker_url)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
