"""End to end with a real Celery worker on Redis: scheduling creates the meeting, the webhook at
the end of the meeting brings the participant report back and the conference is marked held."""

import datetime
import hashlib
import hmac
import json
import time

import pytest

from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from conferences.tests.live import wait_until
from integrations.models import Attendee, ZoomApiCall

from .conftest import WEBHOOK_SECRET

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for(condition, *, timeout=60.0, what="condition", worker=None):
    wait_until(condition, timeout=timeout, what=what, worker=worker)
    return condition()


@pytest.fixture
def worker(zoom_worker):
    # Nothing here sends mail; the discard port keeps a stray one nowhere.
    with zoom_worker(smtp_port=9, concurrency=1) as live:
        yield live


def test_schedule_then_webhook_through_a_worker(client, fake_zoom, worker, settings):
    # Begun already (the meeting ends below): Zoom marks only a conference that has started held.
    conference = ConferenceFactory(
        starts_at=datetime.datetime(2025, 3, 14, 5, 0, tzinfo=datetime.UTC), passcode="123456"
    )

    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)

    meeting_id = wait_for(
        lambda: Conference.objects.get(pk=conference.pk).meeting_id,
        what="the meeting's id",
        worker=worker,
    )
    assert fake_zoom.state.meetings[meeting_id]["password"] == "123456"
    start = datetime.datetime(2025, 3, 14, 5, 0, tzinfo=datetime.UTC)
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
    fake_zoom.set_participants("meeting", meeting_id, rows, uuid="abc==")
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
        worker=worker,
    )
    conference.refresh_from_db()
    assert conference.participants_count_recorded == 40
    assert Attendee.objects.filter(conference=conference, joins_count=2).count() == 40
    assert Attendee.objects.get(person_key="p7@edu.uz").total_duration_seconds == 90 * 60
    # The token and the meeting made; then the past instances, the instance's times, its
    # report and the recording.
    assert ZoomApiCall.objects.filter(conference=conference, outcome="ok").count() == 6
