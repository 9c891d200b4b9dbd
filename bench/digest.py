"""How fast the weekly digest reaches 10,000 subscribers through the real pipeline, against
plain smtplib sending the same messages.

    TEST_REDIS_URL=redis://127.0.0.1:6379/13 TEST_DATABASE_NAME=test_bench_digest \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/elyurt .venv/bin/python bench/digest.py

Builds a throwaway test database (TEST_DATABASE_NAME), starts a local SMTP server (aiosmtpd)
and a real `celery -A elyurt worker` on the Redis database in TEST_REDIS_URL (flushed first),
with BENCH_SUBSCRIBERS (default 10,000) confirmed digest subscribers in four languages. Each
round times `digest_send` (choosing the content, rendering once per language, a personal
unsubscribe link and List-Unsubscribe headers per reader, bulk inserts into the outbox) until
the server holds every digest. The baseline, in the same run against the same server, is plain
smtplib sending the very bytes the server received over one connection. Target: ratio (baseline
time / pipeline time) at least 0.6. BENCH_ROUNDS rounds (default 2), each a new week with a new
conference; the median ratio is the figure.
"""

import datetime
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
os.environ.setdefault("TEST_DATABASE_NAME", "test_bench_digest")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

COUNT = int(os.environ.get("BENCH_SUBSCRIBERS", "10000"))
TARGET_RATIO = 0.6
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
LANGUAGES = ["uz-cyrl", "uz-latn", "ru", "en"]
TASHKENT = datetime.timezone(datetime.timedelta(hours=5))
MONDAY = datetime.datetime(2030, 3, 4, 9, 0, tzinfo=TASHKENT)


def subscribers(count: int) -> None:
    """`count` confirmed digest subscribers, written in bulk (their double opt-in is tested)."""
    from django.utils import timezone

    from subscriptions.models import Subscription
    from subscriptions.tokens import confirm_token_new, unsubscribe_fields_new

    now = timezone.now()
    Subscription.objects.bulk_create(
        [
            Subscription(
                email=f"reader{i}@example.org",
                email_lower=f"reader{i}@example.org",
                kind=Subscription.Kind.DIGEST,
                language=LANGUAGES[i % 4],
                state=Subscription.State.ACTIVE,
                confirm_hash=confirm_token_new()[1],
                confirmed_at=now,
                **unsubscribe_fields_new(),
            )
            for i in range(count)
        ],
        batch_size=2000,
    )


def conference(now: datetime.datetime, n: int):
    from conferences.models import Conference
    from conferences.services import conference_create, conference_set_status
    from experts.tests.factories import CouncilFactory

    created = conference_create(
        council=CouncilFactory(),
        title=f"Олий таълимда онлайн курслар {n}",
        starts_at=now + datetime.timedelta(days=5),
        language="uz-Cyrl",
    )
    conference_set_status(conference=created, status=Conference.Status.SCHEDULED)


def pipeline_round(now, count, smtp, worker) -> float:
    from conferences.tests.live import wait_until
    from subscriptions.services import digest_send

    started = time.perf_counter()
    queued = digest_send(now=now)
    assert queued == count, f"{queued} queued"
    print(f"  queued {queued} letters in {time.perf_counter() - started:.2f} s")
    wait_until(lambda: len(smtp.received) >= count, timeout=900, what="all", worker=worker)
    return time.perf_counter() - started


def baseline_round(received, smtp) -> float:
    smtp.handler.received.clear()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        for item in received:
            client.sendmail("noreply@localhost", item.rcpt, item.data)
    return time.perf_counter() - started


def run(broker_url: str) -> None:
    from conferences.tests.live import Worker, celery_on_broker

    redis.Redis.from_url(broker_url).flushdb()
    from conferences.tests.smtp import SmtpServer

    smtp = SmtpServer().start()
    worker = Worker(broker_url=broker_url, smtp_port=smtp.port, concurrency=CONCURRENCY)
    ratios = []
    try:
        with celery_on_broker(broker_url):
            worker.start()
            subscribers(COUNT)
            print(f"subscribers: {COUNT}, rounds: {ROUNDS}, worker: {CONCURRENCY} processes")
            for round_ in range(1, ROUNDS + 1):
                smtp.handler.received.clear()
                now = MONDAY + datetime.timedelta(days=7 * round_)
                conference(now, round_)
                pipeline = pipeline_round(now, COUNT, smtp, worker)
                received = list(smtp.received)
                counts = smtp.count_by_recipient()
                assert len(counts) == COUNT and set(counts.values()) == {1}, "not once each"
                baseline = baseline_round(received, smtp)
                size = sum(len(item.data) for item in received) / COUNT
                ratios.append(baseline / pipeline)
                print(
                    f"round {round_}: average {size / 1024:.1f} KiB; "
                    f"pipeline {pipeline:.2f} s = {COUNT / pipeline:.0f}/s; "
                    f"baseline {baseline:.2f} s = {COUNT / baseline:.0f}/s; "
                    f"ratio {ratios[-1]:.2f}"
                )
    finally:
        worker.stop()
        worker.cleanup()
        smtp.stop()
    print(
        f"ratio baseline/pipeline: median {statistics.median(ratios):.2f}, "
        f"min {min(ratios):.2f}, max {max(ratios):.2f} (target >= {TARGET_RATIO})"
    )


def main() -> None:
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
