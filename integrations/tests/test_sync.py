"""Zoom follows the conference: scheduled → created, changed → updated, cancelled → deleted."""

import datetime

import pytest

from conferences.models import Conference, ConferenceOrganization
from conferences.services import conference_set_status, conference_update
from conferences.tests.factories import ConferenceFactory, PresentationFactory
from experts.tests.factories import ExpertFactory, OrganizationFactory
from integrations.models import ZoomApiCall, ZoomMeeting
from integrations.tasks import zoom_sweep_task

pytestmark = pytest.mark.django_db

Status = Conference.Status
TASHKENT = datetime.timezone(datetime.timedelta(hours=5))


@pytest.fixture
def conference():
    conference = ConferenceFactory(
        title="Олий таълим тизимида онлайн курслар",
        starts_at=datetime.datetime(2030, 3, 14, 5, 0, tzinfo=datetime.UTC),
        duration_minutes=120,
        passcode="28082020",
    )
    PresentationFactory(
        conference=conference,
        order=1,
        title="Coursera ва бошқа платформалар",
        presenter=ExpertFactory(full_name="Odilbek Kattaev", email="odil@example.org"),
    )
    PresentationFactory(
        conference=conference,
        order=2,
        title="Буюк Британия тажрибаси",
        presenter=ExpertFactory(full_name="Hamid Irgashev", email="hamid@example.org"),
    )
    role = ConferenceOrganization.objects.create(
        conference=conference,
        organization=OrganizationFactory(name="ZiyoTech"),
        role=ConferenceOrganization.Role.TECHNICAL_ORGANIZER,
    )
    role.representatives.add(
        ExpertFactory(full_name="Mamurjon Azimov", email="mamurjon@ziyotech.example"),
        ExpertFactory(full_name="Zafarbek Rustamov", email="zafar@ziyotech.example"),
    )
    return conference


def schedule(conference, capture):
    with capture(execute=True):
        conference_set_status(conference=conference, status=Status.SCHEDULED)
    conference.refresh_from_db()


def test_scheduling_creates_the_meeting(fake_zoom, conference, django_capture_on_commit_callbacks):
    schedule(conference, django_capture_on_commit_callbacks)

    creates = fake_zoom.calls_to("POST", "/v2/users/me/meetings")
    assert len(creates) == 1
    assert creates[0].body == {
        "topic": "Олий таълим тизимида онлайн курслар",
        "agenda": "1. Coursera ва бошқа платформалар — Odilbek Kattaev\n"
        "2. Буюк Британия тажрибаси — Hamid Irgashev",
        "start_time": "2030-03-14T10:00:00",
        "timezone": "Asia/Tashkent",
        "duration": 120,
        "password": "28082020",
        "type": 2,
        "settings": {
            "approval_type": 0,
            "registration_type": 1,
            "registrants_email_notification": False,
            "registrants_confirmation_email": False,
            "alternative_hosts": "mamurjon@ziyotech.example;zafar@ziyotech.example",
            "waiting_room": True,
            "join_before_host": False,
        },
    }
    created = next(iter(fake_zoom.state.meetings.values()))
    assert conference.meeting_id == str(created["id"])
    assert conference.join_url == created["join_url"]
    assert conference.passcode == "28082020"
    meeting = ZoomMeeting.objects.get(conference=conference)
    assert meeting.zoom_id == str(created["id"])
    assert meeting.sync_requested_at is None
    assert meeting.last_synced_at is not None
    assert meeting.last_error == ""
    # Writing the join link back did not ask Zoom for an update of what it just made.
    assert fake_zoom.calls_to("PATCH", "/v2/") == []
    # The host's start link never reaches the records staff see.
    recorded = " ".join(f"{c.path} {c.error}" for c in ZoomApiCall.objects.all())
    assert "zak=" not in recorded


def test_a_passcode_from_zoom_is_kept(fake_zoom, conference, django_capture_on_commit_callbacks):
    Conference.objects.filter(pk=conference.pk).update(passcode="")
    conference.refresh_from_db()

    schedule(conference, django_capture_on_commit_callbacks)

    created = next(iter(fake_zoom.state.meetings.values()))
    assert "password" not in fake_zoom.calls_to("POST", "/v2/users/")[0].body
    assert conference.passcode == created["password"] != ""


def test_a_webinar_on_a_named_host_with_presenters_as_panelists(
    fake_zoom, conference, django_capture_on_commit_callbacks
):
    ZoomMeeting.objects.create(
        conference=conference,
        kind=ZoomMeeting.Kind.WEBINAR,
        host="council@example.uz",
        alternative_hosts="a@example.uz; b@example.uz",
    )

    schedule(conference, django_capture_on_commit_callbacks)

    create = fake_zoom.calls_to("POST", "/v2/users/council@example.uz/webinars")[0].body
    assert create["type"] == 5
    assert create["settings"]["alternative_hosts"] == "a@example.uz;b@example.uz"
    assert "waiting_room" not in create["settings"]
    zoom_id = conference.meeting_id
    assert conference.join_url == fake_zoom.state.webinars[zoom_id]["join_url"]
    panelists = fake_zoom.calls_to("POST", f"/v2/webinars/{zoom_id}/panelists")
    assert [c.body for c in panelists] == [
        {
            "panelists": [
                {"name": "Odilbek Kattaev", "email": "odil@example.org"},
                {"name": "Hamid Irgashev", "email": "hamid@example.org"},
            ]
        }
    ]


def test_rescheduling_updates(fake_zoom, conference, django_capture_on_commit_callbacks):
    schedule(conference, django_capture_on_commit_callbacks)
    zoom_id = conference.meeting_id

    with django_capture_on_commit_callbacks(execute=True):
        conference_update(
            conference=conference,
            starts_at=datetime.datetime(2030, 3, 15, 14, 30, tzinfo=TASHKENT),
            duration_minutes=90,
        )

    patches = fake_zoom.calls_to("PATCH", f"/v2/meetings/{zoom_id}")
    assert len(patches) == 1
    assert patches[0].body["start_time"] == "2030-03-15T14:30:00"
    assert patches[0].body["timezone"] == "Asia/Tashkent"
    assert patches[0].body["duration"] == 90
    assert "type" not in patches[0].body
    assert fake_zoom.state.meetings[zoom_id]["duration"] == 90
    assert len(fake_zoom.calls_to("POST", "/v2/users/")) == 1


def test_changes_zoom_does_not_show_are_not_sent(
    fake_zoom, conference, django_capture_on_commit_callbacks
):
    schedule(conference, django_capture_on_commit_callbacks)
    before = len(fake_zoom.api_calls())

    with django_capture_on_commit_callbacks(execute=True):
        conference_update(conference=conference, join_url="https://zoom.us/j/1?pwd=x")
        conference_update(conference=conference, qa_held=True)

    assert len(fake_zoom.api_calls()) == before


def test_a_meeting_deleted_on_zoom_is_made_again(
    fake_zoom, conference, django_capture_on_commit_callbacks
):
    schedule(conference, django_capture_on_commit_callbacks)
    fake_zoom.state.meetings.clear()

    with django_capture_on_commit_callbacks(execute=True):
        conference_update(conference=conference, title="New topic")

    conference.refresh_from_db()
    assert conference.meeting_id in fake_zoom.state.meetings
    assert fake_zoom.state.meetings[conference.meeting_id]["topic"] == "New topic"


def test_cancelling_deletes(fake_zoom, conference, django_capture_on_commit_callbacks):
    schedule(conference, django_capture_on_commit_callbacks)
    zoom_id = conference.meeting_id

    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Status.CANCELLED)

    assert len(fake_zoom.calls_to("DELETE", f"/v2/meetings/{zoom_id}")) == 1
    assert fake_zoom.state.meetings == {}
    assert ZoomMeeting.objects.get(conference=conference).zoom_id == ""


def test_cancelling_a_draft_calls_nobody(fake_zoom, conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Status.CANCELLED)

    assert fake_zoom.state.calls == []


def test_another_platform_is_left_alone(fake_zoom, conference, django_capture_on_commit_callbacks):
    Conference.objects.filter(pk=conference.pk).update(platform=Conference.Platform.OTHER)
    conference.refresh_from_db()

    schedule(conference, django_capture_on_commit_callbacks)

    assert fake_zoom.state.calls == []


def test_without_credentials_everything_works_by_hand(
    fake_zoom, no_zoom, conference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conference_update(conference=conference, join_url="https://zoom.us/j/123?pwd=pasted")
        conference_set_status(conference=conference, status=Status.SCHEDULED)
        conference_update(conference=conference, duration_minutes=60)
        conference_set_status(conference=conference, status=Status.CANCELLED)

    assert fake_zoom.state.calls == []
    assert ZoomMeeting.objects.count() == 0
    assert ZoomApiCall.objects.count() == 0
    conference.refresh_from_db()
    assert conference.join_url == "https://zoom.us/j/123?pwd=pasted"


def age_sync_mark(meeting):
    ZoomMeeting.objects.filter(pk=meeting.pk).update(
        sync_requested_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    )


def test_a_transient_failure_is_kept_and_swept_later(
    fake_zoom, conference, django_capture_on_commit_callbacks
):
    fake_zoom.fail_next("/v2/users/me/meetings", 503)

    schedule(conference, django_capture_on_commit_callbacks)

    meeting = ZoomMeeting.objects.get(conference=conference)
    assert meeting.zoom_id == ""
    assert meeting.last_error == "HTTP 503: Server error. (code 503)"
    assert meeting.sync_requested_at is not None
    assert meeting.create_uncertain is True
    assert conference.join_url == ""
    # A create is not sent again at once: Zoom may have made the meeting before failing.
    assert len(fake_zoom.calls_to("POST", "/v2/users/me/meetings")) == 1

    # The sweeper leaves fresh marks to their own task, then takes the stale one.
    assert zoom_sweep_task() == {"sync": 0, "registrants": 0, "pull": 0}
    age_sync_mark(meeting)
    assert zoom_sweep_task() == {"sync": 1, "registrants": 0, "pull": 0}

    meeting.refresh_from_db()
    conference.refresh_from_db()
    assert meeting.sync_requested_at is None
    assert meeting.last_error == ""
    assert meeting.create_uncertain is False
    assert conference.meeting_id == meeting.zoom_id != ""
    # It looked for a meeting made by the failed call, found none, and made one.
    assert [
        (c.method, c.query.get("type"))
        for c in fake_zoom.state.calls
        if c.path == "/v2/users/me/meetings"
    ] == [("POST", None), ("GET", "scheduled"), ("POST", None)]
    assert len(fake_zoom.state.meetings) == 1


def test_a_meeting_made_by_an_unanswered_create_is_adopted_not_doubled(
    fake_zoom, conference, django_capture_on_commit_callbacks
):
    fake_zoom.fail_next("/v2/users/me/meetings", 502, after=True)

    schedule(conference, django_capture_on_commit_callbacks)

    assert len(fake_zoom.state.meetings) == 1  # Zoom made it; the answer was lost
    meeting = ZoomMeeting.objects.get(conference=conference)
    assert (meeting.zoom_id, meeting.create_uncertain) == ("", True)

    age_sync_mark(meeting)
    zoom_sweep_task()

    conference.refresh_from_db()
    made = next(iter(fake_zoom.state.meetings.values()))
    assert len(fake_zoom.state.meetings) == 1
    assert len(fake_zoom.calls_to("POST", "/v2/users/me/meetings")) == 1
    assert conference.meeting_id == str(made["id"])
    assert conference.join_url == made["join_url"]
    assert conference.passcode == "28082020"


def test_a_refused_payload_is_shown_and_not_retried(
    fake_zoom, conference, django_capture_on_commit_callbacks
):
    Conference.objects.filter(pk=conference.pk).update(passcode="far-too-long-passcode")
    conference.refresh_from_db()

    schedule(conference, django_capture_on_commit_callbacks)

    meeting = ZoomMeeting.objects.get(conference=conference)
    assert meeting.last_error == "HTTP 400: Invalid parameter: password. (code 300)"
    assert meeting.sync_requested_at is None
    assert len(fake_zoom.calls_to("POST", "/v2/users/me/meetings")) == 1
    assert conference.status == Status.SCHEDULED


def test_alternative_hosts_zoom_refuses_are_dropped_with_a_note(
    fake_zoom, conference, django_capture_on_commit_callbacks
):
    fake_zoom.state.account_users = {"mamurjon@ziyotech.example"}

    schedule(conference, django_capture_on_commit_callbacks)

    creates = fake_zoom.calls_to("POST", "/v2/users/me/meetings")
    assert [c.body["settings"]["alternative_hosts"] for c in creates] == [
        "mamurjon@ziyotech.example;zafar@ziyotech.example",
        "",
    ]
    assert conference.meeting_id in fake_zoom.state.meetings
    meeting = ZoomMeeting.objects.get(conference=conference)
    assert meeting.last_error == (
        "Created without alternative hosts: HTTP 400: Invalid alternative host: "
        "zafar@ziyotech.example. (code 1115)"
    )
    assert meeting.sync_requested_at is None


def test_a_link_pasted_by_hand_is_left_alone(
    fake_zoom, conference, django_capture_on_commit_callbacks
):
    conference_update(conference=conference, join_url="https://zoom.us/j/777?pwd=byhand")

    schedule(conference, django_capture_on_commit_callbacks)

    assert fake_zoom.api_calls() == []
    assert conference.join_url == "https://zoom.us/j/777?pwd=byhand"
    meeting = ZoomMeeting.objects.get(conference=conference)
    assert meeting.zoom_id == ""
    assert meeting.last_error == (
        "The conference's join link was pasted by hand, so no Zoom meeting is made for it. "
        "Clear the link and sync to have one made."
    )

    with django_capture_on_commit_callbacks(execute=True):
        conference_update(conference=conference, join_url="")
    conference.refresh_from_db()
    assert conference.join_url == fake_zoom.state.meetings[conference.meeting_id]["join_url"]
