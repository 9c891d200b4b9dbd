"""End to end with a real Celery worker on Redis: scheduling creates the meeting, the webhook at
the end of the meeting brings the participant report back and the conference is marked held."""

import datetime
import hashlib
import hmac
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from elyurt.celery import app as celery_app
from integrations.models import Attendee, ZoomApiCall

from .conftest import WEBHOOK_SECRET

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def wait_for(condition, *, timeout=60.0, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _forget_connections():
    # The app caches its broker connections; a changed broker_url needs fresh ones.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(fake_zoom, settings):
    """A Celery worker process on TEST_REDIS_URL using this test database and the fake Zoom."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        # Its own cache prefix: no token or lock from an earlier run is found.
        "CACHE_KEY_PREFIX": "zoomtest-" + secrets.token_hex(4),
        "ZOOM_ACCOUNT_ID": settings.ZOOM_ACCOUNT_ID,
        "ZOOM_CLIENT_ID": settings.ZOOM_CLIENT_ID,
        "ZOOM_CLIENT_SECRET": settings.ZOOM_CLIENT_SECRET,
        "ZOOM_API_BASE_URL": settings.ZOOM_API_BASE_URL,
        "ZOOM_OAUTH_TOKEN_URL": settings.ZOOM_OAUTH_TOKEN_URL,
        "ZOOM_WEBHOOK_SECRET_TOKEN": WEBHOOK_SECRET,
        "CONN_MAX_AGE": "0",
    }
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "elyurt",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    previous = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "broker_url": celery_app.conf.broker_url,
    }
    celery_app.conf.update(task_always_eager=False, broker_url=REDIS_URL)
    _forget_connections()
    try:
        yield process
    finally:
        celery_app.conf.update(**previous)
        _forget_connections()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_schedule_then_webhook_through_a_worker(client, fake_zoom, worker, settings):
    conference = ConferenceFactory(
        starts_at=datetime.datetime(2030, 3, 14, 5, 0, tzinfo=datetime.UTC), passcode="123456"
    )

    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)

    meeting_id = wait_for(
        lambda: Conference.objects.get(pk=conference.pk).meeting_id, what="the meeting's id"
    )
    assert fake_zoom.state.meetings[meeting_id]["password"] == "123456"
    start = datetime.datetime(2030, 3, 14, 5, 0, tzinfo=datetime.UTC)
    rows = []
    for i in range(40):
        for session in range(2):  # everyone dropped out once and came back
            join = start + datetime.timedelta(minutes=session * 60)
            rows.append(
                {
                    "id": f"u{i}",
                    "name": f"Participant {i}",
                    "user_email": f"p{i}@edu.uz",
                    "join_time": join.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "leave_time": (join + datetime.timedelta(minutes=45)).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"
                    ),
                    "duration": 45 * 60,
                }
            )
    fake_zoom.set_participants("meeting", meeting_id, rows)
    body = json.dumps(
        {
            "event": "meeting.ended",
            "event_ts": int(time.time() * 1000),
            "payload": {"account_id": "acc-test", "object": {"id": meeting_id, "uuid": "abc=="}},
        }
    ).encode()
    timestamp = str(int(time.time()))
    signature = hmac.new(
        WEBHOOK_SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
    ).hexdigest()

    response = client.post(
        "/integrations/zoom/webhook/",
        data=body,
        content_type="application/json",
        headers={"x-zm-request-timestamp": timestamp, "x-zm-signature": "v0=" + signature},
    )

    assert response.status_code == 200
    wait_for(
        lambda: Conference.objects.get(pk=conference.pk).status == Conference.Status.HELD,
        what="the conference to be held",
    )
    conference.refresh_from_db()
    assert conference.participants_count_recorded == 40
    assert Attendee.objects.filter(conference=conference, joins_count=2).count() == 40
    assert Attendee.objects.get(person_key="p7@edu.uz").total_duration_seconds == 90 * 60
    assert ZoomApiCall.objects.filter(conference=conference, outcome="ok").count() == 4
