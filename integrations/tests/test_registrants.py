"""Partner registrations become Zoom registrants, each with a personal join link."""

import datetime

import pytest

from conferences.invitations import invitation_cancel, invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, Invitation
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from experts.tests.factories import OrganizationFactory
from integrations.models import ZoomMeeting
from integrations.tasks import zoom_sweep_task

pytestmark = pytest.mark.django_db

Status = Conference.Status


@pytest.fixture
def ministry():
    return OrganizationFactory(name="Oliy va oʻrta maxsus taʼlim vazirligi")


def register(conference, ministry, *people):
    return invitations_add(
        conference=conference,
        invitees=[Invitee(name=name, email=email, position="Rector") for name, email in people],
        source=Invitation.Source.REGISTRATION,
        registered_by=ministry,
        send=False,
    )


@pytest.mark.parametrize("kind", [ZoomMeeting.Kind.MEETING, ZoomMeeting.Kind.WEBINAR])
def test_registrations_get_personal_links(
    fake_zoom, ministry, kind, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    ZoomMeeting.objects.create(conference=conference, kind=kind)
    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Status.SCHEDULED)
        # Registered in the same breath as the scheduling: the first sync sends them.
        register(conference, ministry, ("Bahodir  Valiyev", "b.valiyev@edu.uz"))
        invitations_add(
            conference=conference,
            invitees=[Invitee(name="Council member", email="member@example.org")],
            source=Invitation.Source.COUNCIL,
            send=False,
        )
    conference.refresh_from_db()
    collection = "meetings" if kind == ZoomMeeting.Kind.MEETING else "webinars"

    calls = fake_zoom.calls_to("POST", f"/v2/{collection}/{conference.meeting_id}/registrants")
    assert [c.body for c in calls] == [
        {
            "email": "b.valiyev@edu.uz",
            "first_name": "Bahodir",
            "last_name": "Valiyev",
            "job_title": "Rector",
        }
    ]
    store = fake_zoom.state.registrants[(collection, conference.meeting_id)]
    registration = Invitation.objects.get(email="b.valiyev@edu.uz")
    assert registration.join_url == store["b.valiyev@edu.uz"]["join_url"]
    assert registration.join_url != conference.join_url
    assert registration.effective_join_url == registration.join_url
    member = Invitation.objects.get(email="member@example.org")
    assert (member.join_url, member.effective_join_url) == ("", conference.join_url)


def test_later_registrations_are_sent_by_the_sweeper(
    fake_zoom, ministry, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Status.SCHEDULED)
    register(conference, ministry, ("A One", "a@edu.uz"), ("B Two", "b@edu.uz"))
    fake_zoom.fail_next(f"/v2/meetings/{ZoomMeeting.objects.get().zoom_id}/registrants", 400)

    assert zoom_sweep_task() == {"sync": 0, "registrants": 1, "pull": 0}

    links = dict(Invitation.objects.values_list("email", "join_url"))
    assert links["a@edu.uz"] == ""
    assert links["b@edu.uz"].startswith("https://zoom.us/j/")
    assert ZoomMeeting.objects.get().last_error == "a@edu.uz: HTTP 400: Server error. (code 400)"

    # Zoom refused a@edu.uz: it is not offered to this meeting again, every minute.
    calls = len(fake_zoom.state.calls)
    assert zoom_sweep_task() == {"sync": 0, "registrants": 0, "pull": 0}
    assert len(fake_zoom.state.calls) == calls
    assert ZoomMeeting.objects.get().registrations_refused == [
        Invitation.objects.get(email="a@edu.uz").pk
    ]
    # A later registration still goes.
    register(conference, ministry, ("C Three", "c@edu.uz"))
    assert zoom_sweep_task() == {"sync": 0, "registrants": 1, "pull": 0}
    assert Invitation.objects.get(email="c@edu.uz").join_url.startswith("https://zoom.us/j/")


def test_links_of_a_deleted_meeting_are_forgotten(
    fake_zoom, ministry, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory(starts_at=datetime.datetime(2030, 5, 1, 5, tzinfo=datetime.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Status.SCHEDULED)
        register(conference, ministry, ("A One", "a@edu.uz"))
    first_link = Invitation.objects.get().join_url
    assert first_link

    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Status.CANCELLED)
    assert Invitation.objects.get().join_url == ""

    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Status.DRAFT)
        conference_set_status(conference=conference, status=Status.SCHEDULED)

    conference.refresh_from_db()
    link = Invitation.objects.get().join_url
    assert link.startswith(f"https://zoom.us/j/{conference.meeting_id}?tk=")
    assert link != first_link


def test_registrations_can_be_queued_right_away(
    fake_zoom, ministry, django_capture_on_commit_callbacks
):
    from integrations.registrants import zoom_registrants_queue

    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Status.SCHEDULED)
    with django_capture_on_commit_callbacks(execute=True):
        register(conference, ministry, ("A One", "a@edu.uz"))
        zoom_registrants_queue(conference=conference)

    assert Invitation.objects.get().join_url.startswith("https://zoom.us/j/")


def test_a_withdrawn_registration_is_cancelled_on_zoom(
    fake_zoom, ministry, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Status.SCHEDULED)
        register(conference, ministry, ("A One", "a@edu.uz"), ("B Two", "b@edu.uz"))
    zoom_id = ZoomMeeting.objects.get().zoom_id
    invitation_cancel(invitation=Invitation.objects.get(email="a@edu.uz"))

    assert zoom_sweep_task() == {"sync": 0, "registrants": 1, "pull": 0}

    calls = fake_zoom.calls_to("PUT", f"/v2/meetings/{zoom_id}/registrants/status")
    assert [c.body for c in calls] == [{"action": "cancel", "registrants": [{"email": "a@edu.uz"}]}]
    registrants = fake_zoom.state.registrants[("meetings", zoom_id)]
    assert registrants["a@edu.uz"]["status"] == "cancelled"
    assert "status" not in registrants["b@edu.uz"]
    assert Invitation.objects.get(email="a@edu.uz").join_url == ""
    assert Invitation.objects.get(email="b@edu.uz").join_url != ""
    assert zoom_sweep_task() == {"sync": 0, "registrants": 0, "pull": 0}


def test_a_registration_through_the_service_reaches_zoom_after_commit(
    fake_zoom, ministry, django_capture_on_commit_callbacks
):
    """registrations_add tells integrations by its signal; nothing Zoom-specific is called."""
    from conferences.registrations import registrations_add

    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status=Status.SCHEDULED)
    with django_capture_on_commit_callbacks(execute=True):
        registrations_add(
            conference=conference, organization=ministry, rows=[{"name": "A", "email": "a@edu.uz"}]
        )

    conference.refresh_from_db()
    store = fake_zoom.state.registrants[("meetings", conference.meeting_id)]
    assert Invitation.objects.get().join_url == store["a@edu.uz"]["join_url"]
