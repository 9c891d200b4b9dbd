"""Staff see Zoom's side of a conference in the admin; others do not."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from integrations.models import Attendee, ZoomApiCall, ZoomMeeting

pytestmark = pytest.mark.django_db

CALLS = reverse("admin:integrations_zoomapicall_changelist")
MEETINGS = reverse("admin:integrations_zoommeeting_changelist")


def make_calls(count):
    for _ in range(count):
        ZoomApiCall.objects.create(
            conference=ConferenceFactory(),
            method="GET",
            path="/meetings/1",
            status_code=200,
            outcome="ok",
        )


def test_api_calls_list_does_not_grow_with_rows(admin_client):
    make_calls(1)
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(CALLS).status_code == 200
    make_calls(3)
    with CaptureQueriesContext(connection) as four:
        assert admin_client.get(CALLS).status_code == 200
    assert len(four) == len(one)


def test_api_calls_are_read_only(admin_client):
    make_calls(1)
    call = ZoomApiCall.objects.get()
    assert admin_client.get(reverse("admin:integrations_zoomapicall_add")).status_code == 403
    change = reverse("admin:integrations_zoomapicall_change", args=[call.pk])
    assert admin_client.post(change, {"path": "/x"}).status_code == 403
    call.refresh_from_db()
    assert call.path == "/meetings/1"


def test_staff_without_the_permission_cannot_see_calls(client):
    user = User.objects.create_user("clerk", password="pw-123456789", is_staff=True)
    client.force_login(user)
    assert client.get(CALLS).status_code == 403

    user.user_permissions.add(Permission.objects.get(codename="view_zoomapicall"))
    assert client.get(CALLS).status_code == 200


def test_not_staff_is_sent_to_login(client):
    user = User.objects.create_user("partner", password="pw-123456789")
    client.force_login(user)
    response = client.get(CALLS)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_pull_now_action(admin_client, fake_zoom, django_capture_on_commit_callbacks):
    # Begun already: Zoom marks only a conference that has started held.
    conference = ConferenceFactory(starts_at=datetime.datetime(2025, 3, 14, 5, tzinfo=datetime.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    meeting = ZoomMeeting.objects.get()
    fake_zoom.set_participants(
        "meeting", meeting.zoom_id, [{"name": "A", "user_email": "a@edu.uz", "duration": 60}]
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            MEETINGS, {"action": "pull_reports_now", "_selected_action": [meeting.pk]}
        )

    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.participants_count_recorded == 1
    assert conference.status == Conference.Status.HELD


def test_kind_and_host_are_fixed_once_zoom_has_the_meeting(admin_client):
    meeting = ZoomMeeting.objects.create(conference=ConferenceFactory(), kind="meeting")
    change = reverse("admin:integrations_zoommeeting_change", args=[meeting.pk])
    assert b'name="kind"' in admin_client.get(change).content

    ZoomMeeting.objects.filter(pk=meeting.pk).update(zoom_id="85000000001")

    assert b'name="kind"' not in admin_client.get(change).content


def test_the_meeting_page_shows_its_recent_calls(
    admin_client, fake_zoom, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    meeting = ZoomMeeting.objects.get()

    page = admin_client.get(reverse("admin:integrations_zoommeeting_change", args=[meeting.pk]))

    content = page.content.decode()
    assert (
        "<table><tr><th>At</th><th>Request</th><th>Status code</th><th>Outcome</th>"
        "<th>Error</th></tr><tr>"
    ) in content
    assert "POST /users/me/meetings</td><td>201</td><td>Succeeded</td>" in content
    assert "POST /oauth/token</td><td>200</td>" in content
    assert "Bearer" not in content


def test_an_attendee_page_labels_every_field(admin_client):
    attendee = Attendee.objects.create(
        conference=ConferenceFactory(),
        name="Bahodir Valiyev",
        person_key="b.valiyev@edu.uz",
        total_duration_seconds=60,
    )

    page = admin_client.get(reverse("admin:integrations_attendee_change", args=[attendee.pk]))

    assert page.status_code == 200
    assert "<label>Matched by:</label>" in page.content.decode()
