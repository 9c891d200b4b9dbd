"""Delivery through a real Celery worker process on Redis to a real SMTP server (aiosmtpd).

Each test starts `celery -A elyurt worker -B` against this run's test database and counts what
the SMTP server received, address by address.
"""

import os
from collections import Counter

import icalendar
import pytest
import redis

from conferences.ical import conference_uid
from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, OutboundMessage
from conferences.services import conference_set_status

from .factories import ConferenceFactory
from .live import Worker, celery_on_broker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
State = OutboundMessage.State

# Short lease and scans so a killed worker or a lost queue is noticed within seconds.
FAST = {
    "INVITATIONS_LEASE_SECONDS": 4,
    "INVITATIONS_SWEEP_SECONDS": 0.5,
    "INVITATIONS_REQUEUE_AFTER_SECONDS": 3,
    "INVITATIONS_RETRY_BACKOFF_SECONDS": 0.5,
    "INVITATIONS_RETRY_BACKOFF_MAX_SECONDS": 2,
    "INVITATIONS_MAX_ATTEMPTS": 100,
    "INVITATIONS_REMINDER_SCAN_SECONDS": 3600,
}
LANGUAGES = ["uz-Cyrl", "uz-Latn", "ru", "en"]
ZONES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Seoul", "Asia/Tashkent"]


@pytest.fixture
def broker_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    client = redis.Redis.from_url(url)
    client.flushdb()
    with celery_on_broker(url):
        yield url
    client.flushdb()


@pytest.fixture
def start_worker(broker_url, smtp):
    workers = []

    def start(concurrency=2):
        worker = Worker(broker_url=broker_url, smtp_port=smtp.port, concurrency=concurrency, **FAST)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.cleanup()


def _conference():
    conference = ConferenceFactory(join_url="https://zoom.example/j/99")
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    return conference


def _invite(conference, count):
    invitees = [
        Invitee(
            name=f"Participant {i}",
            email=f"person{i}@example.org",
            language=LANGUAGES[i % 4],
            timezone=ZONES[i % 5],
        )
        for i in range(count)
    ]
    invitations_add(conference=conference, invitees=invitees, source="csv")
    return {invitee.email for invitee in invitees}


def _all_sent(count):
    return lambda: OutboundMessage.objects.filter(state=State.SENT).count() == count


def _everyone_received(smtp, emails):
    return lambda: set(smtp.count_by_recipient()) >= emails


def test_thousand_invitations_each_received_once_with_a_valid_ics(start_worker, smtp):
    conference = _conference()
    worker = start_worker()
    emails = _invite(conference, 1000)
    wait_until(_all_sent(1000), timeout=90, what="1000 messages sent", worker=worker)
    counts = smtp.count_by_recipient()
    assert set(counts) == emails
    assert set(counts.values()) == {1}
    for received in smtp.received:
        message = received.message()
        [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        calendar = icalendar.Calendar.from_ical(part.get_content())
        [event] = calendar.walk("VEVENT")
        assert calendar["METHOD"] == "REQUEST"
        assert event["UID"] == conference_uid(conference)
        assert str(event["ATTENDEE"]) == f"mailto:{received.rcpt[0]}"


def test_worker_killed_mid_batch_misses_nobody(start_worker, smtp):
    conference = _conference()
    # One sending process, so one kill can catch at most one message in the window between
    # the SMTP server's acceptance and the row's update.
    worker = start_worker(concurrency=1)
    emails = _invite(conference, 600)
    wait_until(lambda: len(smtp.received) >= 150, timeout=60, what="150 received", worker=worker)
    worker.kill()
    assert OutboundMessage.objects.filter(state=State.SENT).count() < 600
    restarted = start_worker(concurrency=1)
    wait_until(_all_sent(600), timeout=90, what="600 messages sent", worker=restarted)
    counts = smtp.count_by_recipient()
    assert set(counts) == emails
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= 1, Counter(n for n in counts.values())


def test_smtp_down_for_a_while_then_everything_arrives(start_worker, smtp):
    conference = _conference()
    worker = start_worker()
    emails = _invite(conference, 400)
    wait_until(lambda: len(smtp.received) >= 50, timeout=60, what="50 received", worker=worker)
    smtp.stop()
    # Down until the worker has retried with backoff at least twice.
    wait_until(
        lambda: OutboundMessage.objects.filter(state=State.PENDING, attempts__gte=2).exists(),
        timeout=60,
        what="retries while the server is down",
        worker=worker,
    )
    assert OutboundMessage.objects.filter(state=State.FAILED).count() == 0
    assert "Connection" in OutboundMessage.objects.exclude(last_error="").first().last_error
    smtp.start()
    wait_until(_all_sent(400), timeout=90, what="400 messages sent", worker=worker)
    counts = smtp.count_by_recipient()
    assert set(counts) == emails
    # Only a message the server took while going down, unacknowledged, may come twice.
    assert sum(n - 1 for n in counts.values()) <= worker.concurrency


def test_broker_queue_flushed_mid_batch_the_sweeper_delivers_the_rest(
    start_worker, smtp, broker_url
):
    conference = _conference()
    worker = start_worker()
    emails = _invite(conference, 600)
    wait_until(lambda: len(smtp.received) >= 50, timeout=60, what="50 received", worker=worker)
    client = redis.Redis.from_url(broker_url)
    client.flushdb()
    # More is left than the tasks already handed to the worker can carry (each process runs
    # one and reserves one, 50 rows each): only the sweeper can deliver the rest.
    waiting = OutboundMessage.objects.filter(state=State.PENDING).count()
    assert waiting > 2 * worker.concurrency * 50
    assert client.llen("celery") == 0
    wait_until(_all_sent(600), timeout=90, what="600 messages sent", worker=worker)
    counts = smtp.count_by_recipient()
    assert set(counts) == emails
    assert set(counts.values()) == {1}
