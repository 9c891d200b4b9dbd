"""The fault test of issue "Hostile input and failing parts": the broker goes down, the worker
dies during the outage, the broker comes back empty, and the worker is started again by its
supervisor (here the test, as systemd's Restart=always would). Every invitation is delivered,
the ones recorded while the broker was down included, and at most one twice."""

import shutil
import subprocess
import time
from collections import Counter

import pytest
import redis

from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, OutboundMessage
from conferences.services import conference_set_status
from conftest import FAST_OUTBOX

from .factories import ConferenceFactory
from .live import Worker, celery_on_broker, wait_until
from .smtp import free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
State = OutboundMessage.State


class OwnRedis:
    """A redis-server of this test's own, on a fixed port, that the test stops and starts
    (keeping nothing on disk: it comes back empty, as a restarted broker without persistence)."""

    def __init__(self, workdir) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "OwnRedis":
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                assert self.proc.poll() is None and time.monotonic() < deadline, "no redis-server"
                time.sleep(0.01)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path).start()
    with celery_on_broker(server.url):
        yield server
    server.stop()


def _invite(conference, start, count):
    invitees = [
        Invitee(name=f"P {i}", email=f"p{i}@example.org", language="uz-Latn")
        for i in range(start, start + count)
    ]
    invitations_add(conference=conference, invitees=invitees, source="csv")
    return {invitee.email for invitee in invitees}


def _sent(count):
    return lambda: OutboundMessage.objects.filter(state=State.SENT).count() == count


def test_worker_killed_during_a_broker_outage_is_restarted_and_delivers_everything(own_redis, smtp):
    conference = ConferenceFactory(join_url="https://zoom.example/j/7")
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    worker = Worker(
        broker_url=own_redis.url, smtp_port=smtp.port, concurrency=1, **FAST_OUTBOX
    ).start()
    try:
        emails = _invite(conference, 0, 500)
        wait_until(lambda: len(smtp.received) >= 60, timeout=60, what="60 received", worker=worker)
        own_redis.stop()  # the outage
        # Recorded while the broker is down: the request does not hang, the rows wait.
        started = time.monotonic()
        emails |= _invite(conference, 500, 100)
        assert time.monotonic() - started < 30
        worker.kill()  # the worker dies during the outage
        assert OutboundMessage.objects.exclude(state=State.SENT).count() > 0
        own_redis.start()  # back, and empty: every queued task is gone
        worker.start()  # the supervisor starts it again
        wait_until(_sent(600), timeout=120, what="600 messages sent", worker=worker)
    finally:
        worker.cleanup()
    counts = smtp.count_by_recipient()
    assert set(counts) == emails
    # One sending process: one kill can catch at most one message between the server's
    # acceptance and the row's update.
    assert sum(n - 1 for n in counts.values()) <= 1, Counter(counts.values())
