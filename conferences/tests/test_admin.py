"""The admin shows invitations and their outbox read-only; its one action goes through the
service, so the outbox stays consistent."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Invitation, OutboundMessage

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
