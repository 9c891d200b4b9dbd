"""The webhook: Zoom's signature checked, URL validation answered, the end of a meeting pulls the
reports back and marks the conference held."""

import datetime
import hashlib
import hmac
import json
import time

import pytest
from django.utils import timezone

from activity.models import Action
from activity.selectors import activity_for
from conferences.models import Conference
from integrations.models import Attendee, Question, ZoomApiCall, ZoomMeeting, ZoomWebhookEvent

from .conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db

URL = "/integrations/zoom/webhook/"
Status = Conference.Status


def signed(body: bytes, *, secret=WEBHOOK_SECRET, timestamp=None) -> dict:
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    return {"x-zm-request-timestamp": timestamp, "x-zm-signature": "v0=" + digest.hexdigest()}


def post(client, payload, **sign):
    body = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
    headers = sign.pop("headers", None) or signed(body, **sign)
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def ended(
    zoom_id,
    *,
    event="meeting.ended",
    uuid="iOPi6Yc6Qd+1yp5yXJdpgg==",
    start_time="2025-03-14T10:00:00Z",
    end_time="2025-03-14T12:00:00Z",
):
    return {
        "event": event,
        "event_ts": 1_900_000_000_000,
        "payload": {
            "account_id": "acc-test",
            "object": {
                "id": str(zoom_id),
                "uuid": uuid,
                "host_id": "host-me",
                "topic": "Topic",
                "type": 2,
                "start_time": start_time,
                "end_time": end_time,
                "duration": 120,
                "timezone": "Asia/Tashkent",
            },
        },
    }


def participant(i, person, join_minute, leave_minute):
    start = datetime.datetime(2030, 3, 14, 5, 0, tzinfo=datetime.UTC)
    join = start + datetime.timedelta(minutes=join_minute)
    leave = start + datetime.timedelta(minutes=leave_minute)
    return {
        "id": f"uid-{i}",
        "user_id": str(16778240 + i),
        "name": f"Participant {person}",
        "user_email": f"p{person}@example.uz" if person % 3 else "",
        "join_time": join.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "leave_time": leave.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": (leave_minute - join_minute) * 60,
        "status": "in_meeting",
    }


def test_url_validation_is_answered(client, fake_zoom):
    payload = {
        "event": "endpoint.url_validation",
        "event_ts": 1,
        "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"},
    }

    response = post(client, payload)

    assert response.status_code == 200
    expected = hmac.new(
        WEBHOOK_SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256
    ).hexdigest()
    assert response.json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


def test_the_end_of_a_meeting_pulls_reports_and_holds_the_conference(
    client, fake_zoom, scheduled, django_capture_on_commit_callbacks
):
    conference = scheduled()
    zoom_id = conference.meeting_id
    # 700 rows over three pages: 350 people, each joining twice (a dropped connection).
    rows = [
        participant(i, i % 350, 0 if i < 350 else 60, 50 if i < 350 else 120) for i in range(700)
    ]
    fake_zoom.set_participants("meeting", zoom_id, rows)
    fake_zoom.set_recording(
        zoom_id,
        {
            "id": int(zoom_id),
            "share_url": f"https://zoom.us/rec/share/abc{zoom_id}",
            "recording_files": [
                {
                    "recording_type": "shared_screen_with_speaker_view",
                    "play_url": "https://zoom.us/rec/play/x",
                }
            ],
        },
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, ended(zoom_id))

    assert response.status_code == 200
    assert response.json() == {"detail": "queued"}
    # The instance is asked for by its uuid, encoded for the path.
    pages = fake_zoom.calls_to(
        "GET", "/v2/report/meetings/iOPi6Yc6Qd%2B1yp5yXJdpgg%3D%3D/participants"
    )
    assert [c.query.get("next_page_token") for c in pages] == [None, "300", "600"]
    conference.refresh_from_db()
    assert conference.status == Status.HELD
    assert conference.participants_count_recorded == 350
    assert conference.participants_count == 350
    assert conference.recording_url == f"https://zoom.us/rec/share/abc{zoom_id}"
    assert Attendee.objects.filter(conference=conference).count() == 350
    person = Attendee.objects.get(conference=conference, person_key="p1@example.uz")
    assert (person.joins_count, person.total_duration_seconds) == (2, 110 * 60)
    # A meeting has no Q&A report; only webinars do.
    assert fake_zoom.calls_to("GET", "/v2/report/webinars/") == []
    meeting = ZoomMeeting.objects.get(conference=conference)
    assert meeting.pull_requested_at is None
    assert meeting.last_pulled_at is not None
    changes = activity_for(target=conference).filter(action=Action.CONFERENCE_STATUS_CHANGED)
    assert list(changes.reverse().values_list("data", "actor", "actor_label")) == [
        ({"from": "draft", "to": "scheduled"}, None, ""),
        ({"from": "scheduled", "to": "held"}, None, "Zoom"),
    ]


def test_a_meeting_ended_before_the_conference_starts_does_not_hold_it(
    client, fake_zoom, scheduled, django_capture_on_commit_callbacks
):
    # A rehearsal long before the day: its report is kept as a rehearsal and counts for
    # nothing; the conference stays scheduled (nobody marks held a conference not started).
    conference = scheduled(starts_at=timezone.now() + datetime.timedelta(days=1))
    fake_zoom.set_participants("meeting", conference.meeting_id, [participant(1, 1, 0, 30)])

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, ended(conference.meeting_id))

    assert response.status_code == 200
    conference.refresh_from_db()
    assert conference.status == Status.SCHEDULED
    assert conference.participants_count_recorded is None


def test_a_webinar_brings_back_questions_and_answers(
    client, fake_zoom, scheduled, django_capture_on_commit_callbacks
):
    conference = scheduled(ZoomMeeting.Kind.WEBINAR)
    zoom_id = conference.meeting_id
    fake_zoom.set_participants("webinar", zoom_id, [participant(1, 1, 0, 30)])
    fake_zoom.set_qa(
        zoom_id,
        [
            {
                "name": "Dean, TATU",
                "email": "dean@example.uz",
                "question_details": [
                    {
                        "question": "Coursera сертификатлари тан олинадими?",
                        "answer": "Ҳа, кредит сифатида.",
                        "create_time": "2030-03-14T06:10:00Z",
                    },
                    {"question": "  ", "answer": ""},
                ],
            },
            {
                "name": "Anonymous Attendee",
                "email": "",
                "question_details": [{"question": "Қачон?", "answer": "live answered"}],
            },
        ],
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, ended(zoom_id, event="webinar.ended")).status_code == 200

    questions = list(
        Question.objects.filter(conference=conference)
        .order_by("pk")
        .values_list("asker_name", "question", "answer", "asked_at")
    )
    assert questions == [
        (
            "Dean, TATU",
            "Coursera сертификатлари тан олинадими?",
            "Ҳа, кредит сифатида.",
            datetime.datetime(2030, 3, 14, 6, 10, tzinfo=datetime.UTC),
        ),
        ("Anonymous Attendee", "Қачон?", "live answered", None),
    ]
    conference.refresh_from_db()
    assert conference.qa_held is True
    assert conference.recording_url == ""  # no recording: Zoom's 404 is not an error
    recordings = ZoomApiCall.objects.get(path=f"/meetings/{zoom_id}/recordings")
    assert (recordings.status_code, recordings.outcome) == (404, "ok")
    assert recordings.error == "HTTP 404: This recording does not exist. (code 3301)"
    assert conference.status == Status.HELD
    assert conference.participants_count_recorded == 1


def test_a_replayed_event_changes_nothing(
    client, fake_zoom, scheduled, django_capture_on_commit_callbacks
):
    conference = scheduled()
    fake_zoom.set_participants("meeting", conference.meeting_id, [participant(1, 1, 0, 30)])
    with django_capture_on_commit_callbacks(execute=True):
        post(client, ended(conference.meeting_id))
    calls = len(fake_zoom.state.calls)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, ended(conference.meeting_id))

    assert response.status_code == 200
    assert response.json() == {"detail": "duplicate"}
    assert callbacks == []
    assert len(fake_zoom.state.calls) == calls
    assert ZoomWebhookEvent.objects.count() == 1
    changes = activity_for(target=conference).filter(action=Action.CONFERENCE_STATUS_CHANGED)
    assert changes.filter(data__to="held").count() == 1


def test_report_not_ready_is_asked_again_later(
    client, fake_zoom, scheduled, django_capture_on_commit_callbacks
):
    conference = scheduled()

    with django_capture_on_commit_callbacks(execute=True):
        post(client, ended(conference.meeting_id))

    conference.refresh_from_db()
    assert conference.status == Status.SCHEDULED
    meeting = ZoomMeeting.objects.get(conference=conference)
    assert meeting.pull_requested_at is not None
    assert meeting.pull_attempts == 1
    assert meeting.last_error == "HTTP 404: Meeting does not exist or has not ended. (code 3001)"


@pytest.mark.parametrize(
    ("sign", "message"),
    [
        ({"secret": "wrong-secret"}, "x-zm-signature: does not match."),
        ({"timestamp": int(time.time()) - 600}, "x-zm-request-timestamp: older than five minutes."),
        (
            {"timestamp": int(time.time()) + 600},
            "x-zm-request-timestamp: more than five minutes ahead.",
        ),
        (
            {"headers": {"x-zm-signature": "v0=00"}},
            "x-zm-request-timestamp: missing or not a number.",
        ),
    ],
)
def test_a_bad_signature_gets_401_and_changes_nothing(client, fake_zoom, scheduled, sign, message):
    conference = scheduled()
    calls = len(fake_zoom.state.calls)

    response = post(client, ended(conference.meeting_id), **sign)

    assert response.status_code == 401
    assert response.json() == {"detail": message}
    assert ZoomWebhookEvent.objects.count() == 0
    assert len(fake_zoom.state.calls) == calls
    assert ZoomMeeting.objects.get(conference=conference).pull_requested_at is None


def test_a_body_changed_after_signing_is_refused(client, fake_zoom, scheduled):
    conference = scheduled()
    body = json.dumps(ended(conference.meeting_id)).encode()
    headers = signed(body)

    response = client.post(
        URL, data=body.replace(b"120", b"121"), content_type="application/json", headers=headers
    )

    assert response.status_code == 401
    assert ZoomWebhookEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "body: not JSON."),
        (b"[]", "payload: missing."),
        (json.dumps({"event": ["meeting.ended"], "payload": {}}).encode(), "event: missing."),
        (
            json.dumps({"event": "meeting.ended", "payload": {"object": {}}}).encode(),
            "payload.object.id: missing.",
        ),
        (
            json.dumps({"event": "endpoint.url_validation", "payload": {}}).encode(),
            "payload.plainToken: missing.",
        ),
    ],
)
def test_bad_bodies_are_named(client, fake_zoom, body, message):
    response = post(client, body)

    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert ZoomWebhookEvent.objects.count() == 0


def test_unknown_meetings_and_other_events_are_acknowledged(client, fake_zoom):
    assert post(client, ended(123)).json() == {"detail": "unknown meeting"}
    assert post(
        client, {"event": "meeting.started", "payload": {"object": {"id": "1"}}}
    ).json() == {"detail": "ignored"}
    assert fake_zoom.state.calls == []


def test_only_post(client, fake_zoom):
    assert client.get(URL).status_code == 405


def test_without_a_secret_the_webhook_is_off(client, no_zoom):
    body = json.dumps(ended(1)).encode()

    response = post(client, body, secret="")

    assert response.status_code == 404
    assert ZoomWebhookEvent.objects.count() == 0
    assert ZoomApiCall.objects.count() == 0


def test_the_sweeper_asks_for_the_report_again_then_gives_up(
    client, fake_zoom, scheduled, django_capture_on_commit_callbacks
):
    from integrations.reports import MAX_PULL_ATTEMPTS
    from integrations.tasks import zoom_sweep_task

    conference = scheduled()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, ended(conference.meeting_id))
    meeting = ZoomMeeting.objects.get(conference=conference)

    # Asked again only once the last attempt is five minutes old.
    assert zoom_sweep_task()["pull"] == 0
    for attempt in range(2, MAX_PULL_ATTEMPTS + 1):
        ZoomMeeting.objects.filter(pk=meeting.pk).update(
            pull_requested_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=6)
        )
        assert zoom_sweep_task()["pull"] == 1
        meeting.refresh_from_db()
        assert meeting.pull_attempts == attempt

    conference.refresh_from_db()
    assert meeting.pull_requested_at is None
    assert conference.status == Status.HELD
    assert conference.participants_count_recorded is None
    assert meeting.last_error == "HTTP 404: Meeting does not exist or has not ended. (code 3001)"
    assert len(fake_zoom.calls_to("GET", "/v2/report/")) == MAX_PULL_ATTEMPTS


def test_a_deeply_nested_body_is_refused(client, fake_zoom):
    body = b'{"event": "meeting.ended", "payload": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    response = post(client, body)
    assert response.status_code == 400
    assert response.json() == {"detail": "body: JSON nested more than 32 levels deep"}
