"""The admin shows invitations and their outbox read-only; its one action goes through the
service, so the outbox stays consistent."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.selectors import activity_for
from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, Invitation, OutboundMessage
from conferences.services import conference_set_status
from conferences.tests.factories import after_start
from experts.tests.factories import CouncilFactory, ExpertFactory

from .factories import TASHKENT, PresentationFactory
from .html_form import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(user)
    return client


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Invite and send, running what the commit would queue (the tasks run in process)."""

    def invite(conference, count, prefix="p"):
        with django_capture_on_commit_callbacks(execute=True):
            return invitations_add(
                conference=conference,
                invitees=[
                    Invitee(name=f"{prefix} {i}", email=f"{prefix}{i}@example.org")
                    for i in range(count)
                ],
                source="csv",
            )

    return invite


def _changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_invitation_and_message_lists_do_not_grow_queries_with_rows(
    superuser_client, scheduled_conference, invite
):
    invite(scheduled_conference, 2)
    few = (
        _changelist_queries(superuser_client, "/admin/conferences/invitation/"),
        _changelist_queries(superuser_client, "/admin/conferences/outboundmessage/"),
    )
    invite(scheduled_conference, 20, prefix="q")
    many = (
        _changelist_queries(superuser_client, "/admin/conferences/invitation/"),
        _changelist_queries(superuser_client, "/admin/conferences/outboundmessage/"),
    )
    assert many == few


def test_invitation_page_shows_its_messages_and_changes_nothing_on_post(
    superuser_client, scheduled_conference, invite
):
    invitation = invite(scheduled_conference, 1)[0]
    url = f"/admin/conferences/invitation/{invitation.pk}/change/"
    page = superuser_client.get(url)
    assert page.status_code == 200
    assert page.context["inline_admin_formsets"][0].formset.queryset.count() == 1
    superuser_client.post(url, {"email": "other@example.org", "answer": "accepted"})
    invitation.refresh_from_db()
    assert (invitation.email, invitation.answer) == ("p0@example.org", "none")
    assert superuser_client.get("/admin/conferences/invitation/add/").status_code == 403
    message = OutboundMessage.objects.get(invitation=invitation)
    assert (
        superuser_client.post(
            f"/admin/conferences/outboundmessage/{message.pk}/change/", {"state": "pending"}
        ).status_code
        == 403
    )
    message.refresh_from_db()
    assert message.state == "sent"


def test_cancel_action_sends_the_calendar_cancellation(
    superuser_client, scheduled_conference, invite, django_capture_on_commit_callbacks
):
    invitations = invite(scheduled_conference, 2)
    assert len(mail.outbox) == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            "/admin/conferences/invitation/",
            {"action": "cancel_invitations", "_selected_action": [invitations[0].pk]},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["p0@example.org"]]
    assert list(
        Invitation.objects.filter(cancelled_at__isnull=False).values_list("email", flat=True)
    ) == ["p0@example.org"]
    kinds = OutboundMessage.objects.filter(invitation=invitations[0]).values_list("kind", "state")
    assert sorted(kinds) == [("cancellation", "sent"), ("invitation", "sent")]


def test_staff_without_permission_cannot_see_invitations(client, scheduled_conference, invite):
    user = get_user_model().objects.create_user("clerk", password="pw-123456789", is_staff=True)
    client.force_login(user)
    invite(scheduled_conference, 1)
    assert client.get("/admin/conferences/invitation/").status_code == 403


# --- the conference change form saves through the services ---------------------------------------


def _change_page(client, conference):
    url = f"/admin/conferences/conference/{conference.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    return url, form_data(page.content.decode(), "conference_form")


def test_change_form_saves_fields_and_agenda_in_one_service_call(
    superuser_client, scheduled_conference, invite, django_capture_on_commit_callbacks
):
    talk = PresentationFactory(conference=scheduled_conference, order=1, title="Old talk")
    invite(scheduled_conference, 2)
    url, data = _change_page(superuser_client, scheduled_conference)
    data["starts_at_0"] = "2030-03-15"
    data["presentations-0-title"] = "New talk"

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(url, data)

    assert response.status_code == 302
    scheduled_conference.refresh_from_db()
    assert scheduled_conference.starts_at == datetime.datetime(2030, 3, 15, 10, 0, tzinfo=TASHKENT)
    assert list(scheduled_conference.presentations.values_list("pk", "title")) == [
        (talk.pk, "New talk")
    ]
    updates = OutboundMessage.objects.filter(kind="update").values_list(
        "invitation__email", flat=True
    )
    assert sorted(updates) == ["p0@example.org", "p1@example.org"]
    entry = LogEntry.objects.get()
    assert entry.get_change_message() == "Changed presentations and starts_at."


def test_a_refusal_by_the_service_shows_on_the_form_and_saves_nothing(
    superuser_client, scheduled_conference
):
    with after_start(scheduled_conference):
        conference_set_status(conference=scheduled_conference, status="held")
    talk = PresentationFactory(conference=scheduled_conference, order=1, title="Old talk")
    url, data = _change_page(superuser_client, scheduled_conference)
    data["starts_at_0"] = "2030-03-15"
    data["presentations-0-title"] = "New talk"

    response = superuser_client.post(url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"starts_at": ["A held or cancelled conference cannot be rescheduled."]}
    scheduled_conference.refresh_from_db()
    assert scheduled_conference.starts_at == datetime.datetime(2030, 3, 14, 10, 0, tzinfo=TASHKENT)
    talk.refresh_from_db()
    assert talk.title == "Old talk"
    assert not LogEntry.objects.exists()


def test_a_refused_agenda_entry_shows_on_its_row(superuser_client, scheduled_conference):
    PresentationFactory(conference=scheduled_conference, order=1, title="Old talk")
    url, data = _change_page(superuser_client, scheduled_conference)
    # Word's Shift+Enter, pasted: the form takes it, the programme service refuses it.
    data["presentations-0-title"] = "New\x0btalk"
    data["title"] = "New topic"

    response = superuser_client.post(url, data)

    assert response.status_code == 200
    [agenda] = [
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "presentations"
    ]
    assert agenda.forms[0].errors == {
        "title": ["Must be one line: remove the line break (it came with the paste)."]
    }
    assert response.context["adminform"].form.errors == {}
    scheduled_conference.refresh_from_db()
    assert scheduled_conference.title != "New topic"
    assert list(scheduled_conference.presentations.values_list("title", flat=True)) == ["Old talk"]


def test_add_form_creates_through_the_service(superuser_client):
    council = CouncilFactory()
    presenter = ExpertFactory()
    page = superuser_client.get("/admin/conferences/conference/add/")
    data = form_data(page.content.decode(), "conference_form")
    data.update(
        {
            "council": str(council.pk),
            "title": "Topic",
            "starts_at_0": "2030-03-14",
            "starts_at_1": "10:00:00",
            "presentations-TOTAL_FORMS": "1",
            "presentations-0-order": "1",
            "presentations-0-title": "Talk",
            "presentations-0-presenter": str(presenter.pk),
        }
    )

    response = superuser_client.post("/admin/conferences/conference/add/", data)

    assert response.status_code == 302
    conference = Conference.objects.get()
    assert (conference.title, conference.status) == ("Topic", "draft")
    assert list(conference.presentations.values_list("title", flat=True)) == ["Talk"]
    log = activity_for(target=conference)
    assert [
        (e.action, e.actor.username) for e in log.exclude(action="conference.program_changed")
    ] == [("conference.created", "root")]


def test_programme_rows_are_changed_with_their_conference_only(superuser_client):
    talk = PresentationFactory(title="Talk")
    url = f"/admin/conferences/presentation/{talk.pk}/change/"
    page = superuser_client.get(url)
    assert page.status_code == 200
    assert superuser_client.post(url, {"title": "Other"}).status_code == 403
    talk.refresh_from_db()
    assert talk.title == "Talk"
    assert superuser_client.get("/admin/conferences/presentation/add/").status_code == 403
    listing = superuser_client.get("/admin/conferences/presentation/").content.decode()
    assert f"/admin/conferences/conference/{talk.conference_id}/change/" in listing
