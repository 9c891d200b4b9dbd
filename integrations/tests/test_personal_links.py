"""A partner registration's first invitation carries the person's own Zoom join link: the mail
waits (bounded) until Zoom gave the registrant its link."""

import datetime
import logging
import re

import icalendar
import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone
from rest_framework.test import APIClient

from conferences.delivery import messages_deliver
from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, Invitation, OutboundMessage
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from conferences.tests.live import wait_until
from experts.tests.factories import OrganizationFactory
from integrations.models import ZoomMeeting
from integrations.registrants import JOIN_LINK_RECHECK_SECONDS
from integrations.tasks import zoom_sweep_task
from partners.models import Scope
from partners.services import api_key_create

State = OutboundMessage.State
JOIN_LINE = re.compile(r"^Join link: (\S+)\r?$", re.M)


def join_links(text: str) -> list[str]:
    return JOIN_LINE.findall(text)


def calendar_location(ics: str) -> str:
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    return str(event["LOCATION"])


def scheduled_on_zoom() -> Conference:
    conference = ConferenceFactory(starts_at=datetime.datetime(2030, 5, 1, 5, tzinfo=datetime.UTC))
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    return conference


def partner_client() -> APIClient:
    ministry = OrganizationFactory(name="Oliy va oʻrta maxsus taʼlim vazirligi", kind="ministry")
    _key, raw = api_key_create(organization=ministry, scopes=[Scope.REGISTRATIONS_WRITE])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def register(client: APIClient, conference: Conference, *emails: str) -> None:
    rows = [{"name": "Bahodir Valiyev", "email": email, "language": "en"} for email in emails]
    response = client.post(
        f"/api/v1/conferences/{conference.pk}/registrations/", rows, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["refused"] == []


def personal_link(fake_zoom, conference: Conference, email: str) -> str:
    return fake_zoom.state.registrants[("meetings", conference.meeting_id)][email]["join_url"]


@pytest.fixture
def conference(fake_zoom, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        conference = scheduled_on_zoom()
    conference.refresh_from_db()
    assert conference.join_url.startswith(f"https://zoom.us/j/{conference.meeting_id}?pwd=")
    return conference


@pytest.mark.django_db
def test_the_first_invitation_carries_the_personal_link(
    fake_zoom, conference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(partner_client(), conference, "b.valiyev@edu.uz")

    link = personal_link(fake_zoom, conference, "b.valiyev@edu.uz")
    assert link.startswith(f"https://zoom.us/j/{conference.meeting_id}?tk=")
    [message] = mail.outbox
    assert message.to == ["b.valiyev@edu.uz"]
    assert join_links(message.body) == [link]
    assert conference.join_url not in message.body
    [(_name, ics, _mimetype)] = message.attachments
    assert calendar_location(ics) == link
    # The sender ran first (its task was queued first) and held the row without spending a try.
    row = OutboundMessage.objects.get()
    assert (row.kind, row.state, row.attempts) == (OutboundMessage.Kind.INVITATION, State.SENT, 1)


@pytest.mark.django_db
def test_while_zoom_is_down_the_invitation_waits_for_the_link(
    fake_zoom, conference, django_capture_on_commit_callbacks
):
    registrants = f"/v2/meetings/{conference.meeting_id}/registrants"
    fake_zoom.fail_next(registrants, 503, count=1000)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        register(partner_client(), conference, "b.valiyev@edu.uz")
    after = timezone.now()

    assert mail.outbox == []
    row = OutboundMessage.objects.get()
    assert (row.state, row.attempts, row.last_error) == (State.PENDING, 0, "")
    recheck = datetime.timedelta(seconds=JOIN_LINK_RECHECK_SECONDS)
    assert before + recheck <= row.next_attempt_at <= after + recheck
    assert ZoomMeeting.objects.get().last_error == "HTTP 503: Server error. (code 503)"
    assert Invitation.objects.get().join_url == ""

    fake_zoom.state.failures.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert zoom_sweep_task() == {"sync": 0, "registrants": 1, "pull": 0}

    link = personal_link(fake_zoom, conference, "b.valiyev@edu.uz")
    assert Invitation.objects.get().join_url == link
    [message] = mail.outbox
    assert join_links(message.body) == [link]
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == (State.SENT, 1, None)


@pytest.mark.django_db
def test_past_the_wait_the_invitation_goes_with_the_conference_link(
    fake_zoom, conference, settings, caplog, django_capture_on_commit_callbacks
):
    settings.ZOOM_JOIN_LINK_WAIT_SECONDS = 600
    fake_zoom.fail_next(f"/v2/meetings/{conference.meeting_id}/registrants", 503, count=1000)
    with django_capture_on_commit_callbacks(execute=True):
        register(partner_client(), conference, "b.valiyev@edu.uz")
    assert mail.outbox == []
    row = OutboundMessage.objects.get()

    # Ten minutes on, Zoom still down: the row's next try is due.
    OutboundMessage.objects.filter(pk=row.pk).update(
        created_at=F("created_at") - datetime.timedelta(seconds=600), next_attempt_at=None
    )
    with caplog.at_level(logging.WARNING, logger="integrations.registrants"):
        report = messages_deliver(message_ids=[row.pk])

    assert (report.sent, report.postponed) == (1, 0)
    [message] = mail.outbox
    assert join_links(message.body) == [conference.join_url]
    assert [r.getMessage() for r in caplog.records if r.name == "integrations.registrants"] == [
        f"outbox row {row.pk}: no personal Zoom join link for invitation "
        f"{row.invitation_id} after 600 s; sending it with the conference's join link"
    ]


@pytest.mark.django_db
def test_only_a_link_that_can_come_is_waited_for(
    fake_zoom, conference, django_capture_on_commit_callbacks
):
    # Zoom refuses this registrant: no link will come, so its mail goes at once.
    fake_zoom.fail_next(f"/v2/meetings/{conference.meeting_id}/registrants", 400)
    with django_capture_on_commit_callbacks(execute=True):
        register(partner_client(), conference, "refused@edu.uz")
        # People invited by staff are not Zoom registrants: nothing to wait for.
        invitations_add(
            conference=conference,
            invitees=[Invitee(name="Council member", email="member@example.org", language="en")],
            source=Invitation.Source.COUNCIL,
        )

    links = {message.to[0]: join_links(message.body) for message in mail.outbox}
    assert links == {
        "refused@edu.uz": [conference.join_url],
        "member@example.org": [conference.join_url],
    }
    assert set(OutboundMessage.objects.values_list("state", "attempts")) == {(State.SENT, 1)}


# Through a real worker and SMTP server ------------------------------------------------------


@pytest.fixture
def mail_worker(zoom_worker, smtp):
    with zoom_worker(smtp_port=smtp.port, concurrency=2) as live:
        yield live


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_mails_the_personal_link_once_zoom_answers(fake_zoom, smtp, mail_worker):
    conference = scheduled_on_zoom()
    wait_until(
        lambda: Conference.objects.get(pk=conference.pk).meeting_id,
        timeout=60,
        what="the Zoom meeting",
        worker=mail_worker,
    )
    conference.refresh_from_db()
    meeting_id = conference.meeting_id
    registrants = f"/v2/meetings/{meeting_id}/registrants"
    fake_zoom.fail_next(registrants, 503, count=1000)

    register(partner_client(), conference, "b.valiyev@edu.uz")

    wait_until(
        lambda: (
            OutboundMessage.objects.filter(
                state=State.PENDING, attempts=0, next_attempt_at__isnull=False
            ).exists()
            and fake_zoom.calls_to("POST", registrants)
        ),
        timeout=60,
        what="the invitation held while Zoom fails",
        worker=mail_worker,
    )
    assert smtp.received == []

    fake_zoom.state.failures.clear()
    # The registrants task may still be retrying (then it succeeds); otherwise the sweeper sends.
    zoom_sweep_task.delay()
    wait_until(lambda: smtp.received, timeout=60, what="the invitation mail", worker=mail_worker)

    link = personal_link(fake_zoom, conference, "b.valiyev@edu.uz")
    [received] = smtp.received
    assert received.rcpt == ["b.valiyev@edu.uz"]
    message = received.message()
    assert join_links(message.get_body(("plain",)).get_content()) == [link]
    [ics] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert calendar_location(ics.get_content()) == link
    assert OutboundMessage.objects.get().state == State.SENT
