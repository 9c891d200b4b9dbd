"""The activity log on the conference and expert pages: who sees it, and what it costs."""

import datetime

import pytest
from django.urls import reverse

from activity.display import activity_what, activity_who
from activity.models import Action
from activity.services import activity_record
from conferences.models import Invitation
from conferences.services import conference_set_status, conference_update
from conferences.tests.factories import ConferenceFactory
from dashboard import roles
from experts.services import membership_add
from experts.tests.factories import CouncilFactory, ExpertFactory

pytestmark = pytest.mark.django_db


def _log(response) -> list[tuple[str, str]]:
    """(who, what) of each entry of the page's log block, newest first."""
    return [(activity_who(e), activity_what(e)) for e in response.context["entries"]]


@pytest.fixture
def conference(make_user):
    secretary = make_user(roles.SECRETARY, "secretary")
    conference = ConferenceFactory(title="Online courses")
    conference_set_status(conference=conference, status="scheduled", by=secretary)
    conference_update(conference=conference, title="Online courses in 2030", by=secretary)
    invitation = Invitation.objects.create(
        conference=conference,
        name="Ali Valiyev",
        email="ali@example.org",
        email_lower="ali@example.org",
        source="manual",
        token_salt="s",
        token_hash="h",
    )
    activity_record(
        action=Action.INVITATION_WITHDRAWN,
        target=invitation,
        by=secretary,
        data={"name": invitation.name},
    )
    return conference


def test_a_viewer_sees_who_did_what_to_the_conference_and_its_invitations(as_role, conference):
    page = as_role(roles.VIEWER).get(reverse("dashboard:conference_detail", args=[conference.pk]))
    assert page.status_code == 200
    assert _log(page) == [
        ("secretary", "Invitation of Ali Valiyev withdrawn"),
        ("secretary", "Changed: topic"),
        ("secretary", "Status changed from Draft to Scheduled"),
    ]
    html = page.content.decode()
    assert "<td>Invitation of Ali Valiyev withdrawn</td>" in html
    assert "<td>Status changed from Draft to Scheduled</td>" in html


def test_the_press_service_sees_the_conference_but_not_the_invitations(as_role, conference):
    page = as_role(roles.PRESS).get(reverse("dashboard:conference_detail", args=[conference.pk]))
    assert page.status_code == 200
    assert _log(page) == [
        ("secretary", "Changed: topic"),
        ("secretary", "Status changed from Draft to Scheduled"),
    ]
    assert "Ali Valiyev" not in page.content.decode()


def test_anonymous_visitors_go_to_login_and_see_no_log(client, conference):
    url = reverse("dashboard:conference_detail", args=[conference.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_a_user_without_the_role_gets_403(as_role, conference):
    page = as_role(None).get(reverse("dashboard:conference_detail", args=[conference.pk]))
    assert page.status_code == 403
    assert "Online courses" not in page.content.decode()


def test_the_expert_page_shows_the_profile_and_terms_log(as_role, make_user, client):
    secretary = make_user(roles.SECRETARY, "secretary")
    expert = ExpertFactory()
    membership_add(
        expert=expert,
        council=CouncilFactory(name="Education council"),
        start_date=datetime.date(2024, 1, 1),
        by=secretary,
    )
    url = reverse("dashboard:expert_edit", args=[expert.pk])
    page = as_role(roles.ADMINISTRATOR).get(url)
    assert page.status_code == 200
    assert _log(page) == [
        ("secretary", "Term on Education council added: Member from 2024-01-01"),
    ]
    client.logout()
    assert client.get(url)["Location"] == f"{reverse('login')}?next={url}"
    assert as_role(roles.VIEWER).get(url).status_code == 403


def test_a_new_expert_page_has_no_log(as_role):
    page = as_role(roles.SECRETARY).get(reverse("dashboard:expert_create"))
    assert page.status_code == 200
    assert 'id="activity-log"' not in page.content.decode()


@pytest.mark.parametrize("size", [1, 3])
def test_the_conference_page_costs_the_same_whatever_the_log(
    as_role, make_user, django_assert_num_queries, size
):
    conference = ConferenceFactory()
    for n in range(size):
        user = make_user(roles.SECRETARY, f"secretary{n}")
        conference_update(conference=conference, title=f"Topic {n}", by=user)
    client = as_role(roles.VIEWER)
    url = reverse("dashboard:conference_detail", args=[conference.pk])
    client.get(url)  # content types and the like cached, as in a running process
    # Session, user, user and group permissions, the conference, its organisations and agenda,
    # the local times (members, presenters), and one for the log, whatever its length.
    with django_assert_num_queries(10):
        page = client.get(url)
    assert len(_log(page)) == size
