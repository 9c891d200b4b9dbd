import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conferences.models import Conference, Invitation, OutboundMessage
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory, PresentationFactory, after_start
from dashboard import roles
from experts.tests.factories import ExpertFactory, OrganizationFactory
from partners.models import Scope
from partners.services import api_key_create

pytestmark = pytest.mark.django_db


def _invite(conference, n, answer="none", state=None):
    invitation = Invitation.objects.create(
        conference=conference,
        name=f"P{n}",
        email=f"p{n}@example.org",
        email_lower=f"p{n}@example.org",
        source="manual",
        token_salt=f"s{n}",
        token_hash=f"h{n}",
        answer=answer,
    )
    if state:
        OutboundMessage.objects.create(invitation=invitation, kind="invitation", state=state)
    return invitation


def _held_this_year(**fields):
    now = timezone.localtime()
    conference = ConferenceFactory(
        starts_at=now.replace(month=1, day=15, hour=10, minute=0, second=0, microsecond=0),
        **fields,
    )
    conference_set_status(conference=conference, status="scheduled")
    with after_start(conference):
        conference_set_status(conference=conference, status="held")
    return conference


def test_figures_of_the_year(as_role):
    first = _held_this_year(participants_count_declared=1000)
    second = _held_this_year(participants_count_declared=900)
    # The recorded figure wins over the declared one.
    Conference.objects.filter(pk=second.pk).update(participants_count_recorded=850)
    us, ca = ExpertFactory(country="US"), ExpertFactory(country="CA")
    first.experts.add(us, ca)
    second.experts.add(us)
    last_year = ConferenceFactory(
        starts_at=timezone.now() - datetime.timedelta(days=400), participants_count_declared=5
    )
    conference_set_status(conference=last_year, status="scheduled")
    with after_start(last_year):
        conference_set_status(conference=last_year, status="held")

    response = as_role(roles.VIEWER).get(reverse("dashboard:home"))

    assert response.context["held_count"] == 2
    assert response.context["participants_total"] == 1850
    assert response.context["experts_total"] == 2
    assert response.context["experts_by_country"] == [
        ("Canada", 1),
        ("United States of America", 1),
    ]
    month = timezone.localdate().replace(month=1).month
    assert response.context["chart_data"]["months"]["values"][month - 1] == 2


def test_home_and_the_stats_api_show_the_same_figures(as_role):
    """Where the home page used to add unticked presenters and the API ignored declared
    numbers, both now count as the press release does (conference_figures_by_year)."""
    listed = _held_this_year(participants_count_declared=1000)
    us, ca = ExpertFactory(country="US"), ExpertFactory(country="CA")
    listed.experts.set([us, ca])
    # A presenter nobody ticked on the audience page: the old home page counted them.
    PresentationFactory(conference=listed, presenter=ExpertFactory(country="DE"))
    # No list, declared numbers only: the old API counted nobody.
    _held_this_year(
        participants_count_declared=300, expert_count_declared=5, expert_countries_declared=["KR"]
    )
    _held_this_year(expert_count_declared=4, expert_countries_declared=["US", "DE"])
    year = timezone.localdate().year
    _key, raw = api_key_create(organization=OrganizationFactory(), scopes=[Scope.CONFERENCES_READ])

    home = as_role(roles.VIEWER).get(reverse("dashboard:home"))
    api = Client().get("/api/v1/stats/", headers={"authorization": f"Bearer {raw}"})

    assert api.status_code == 200
    [stats] = [row for row in api.json()["results"] if row["year"] == year]
    assert stats == {
        "year": year,
        "conferences": 3,
        "participants": 1300,
        "experts_by_country": {"": 4, "CA": 1, "KR": 5, "US": 1},
        "recommendations": {"made": 0, "accepted": 0, "implemented": 0, "overdue": 0},
        "participants_by_kind": {},
        "participants_by_organization": {},
    }
    assert home.context["held_count"] == stats["conferences"] == 3
    assert home.context["participants_total"] == stats["participants"] == 1300
    assert home.context["experts_total"] == sum(stats["experts_by_country"].values()) == 11
    assert home.context["experts_by_country"] == [
        ("Korea (the Republic of)", 5),
        ("—", 4),
        ("Canada", 1),
        ("United States of America", 1),
    ]


def test_upcoming_with_answer_counts_and_work_waiting(as_role):
    upcoming = ConferenceFactory(starts_at=timezone.now() + datetime.timedelta(days=10))
    conference_set_status(conference=upcoming, status="scheduled")
    _invite(upcoming, 1, "accepted", "sent")
    _invite(upcoming, 2, "accepted", "sent")
    _invite(upcoming, 3, "declined", "sent")
    _invite(upcoming, 4, "none", "failed")
    ConferenceFactory(starts_at=timezone.now() - datetime.timedelta(days=1))  # past: not listed

    response = as_role(roles.SECRETARY).get(reverse("dashboard:home"))

    [row] = response.context["upcoming"]
    assert (row.pk, row.invited_count, row.accepted_count, row.declined_count) == (
        upcoming.pk,
        4,
        2,
        1,
    )
    [failing] = response.context["failed_invitations"]
    assert (failing.pk, failing.failed) == (upcoming.pk, 1)


def test_releases_waiting_for_review_are_shown_to_those_who_may_read_them(as_role):
    from pressroom.models import PressRelease

    conference = _held_this_year()
    PressRelease.objects.filter(conference=conference).delete()
    release = PressRelease.objects.create(
        conference=conference, slug="r", title_cyrl="Пресс-релиз", body_cyrl="Матн"
    )
    PressRelease.objects.filter(pk=release.pk).update(status="in_review")
    press = as_role(roles.PRESS).get(reverse("dashboard:home"))
    assert [r.pk for r in press.context["releases_to_review"]] == [release.pk]


def test_new_drafts_wait_for_the_press_service_newest_first(as_role):
    from pressroom.models import PressRelease

    made = {}
    for n, (title, status) in enumerate(
        [("Old draft", "draft"), ("In review", "in_review"), ("New draft", "draft")]
    ):
        made[title] = PressRelease.objects.create(
            conference=ConferenceFactory(), slug=f"r{n}", title_cyrl=title, body_cyrl="Матн"
        )
        PressRelease.objects.filter(pk=made[title].pk).update(
            status=status, created_at=timezone.now() + datetime.timedelta(minutes=n)
        )

    press = as_role(roles.PRESS).get(reverse("dashboard:home"))

    assert [r.title_cyrl for r in press.context["new_drafts"]] == ["New draft", "Old draft"]
    work = press.content.decode()
    edit = reverse("pressroom_staff:edit", args=[made["New draft"].pk])
    assert f'<a href="{edit}">New draft</a>' in work


def test_new_drafts_are_not_work_for_the_secretary(client, make_user):
    client.force_login(make_user(roles.SECRETARY))
    assert client.get(reverse("dashboard:home")).context["new_drafts"] is None


@pytest.mark.parametrize("rows", [1, 4])
def test_home_queries_do_not_grow(as_role, django_assert_num_queries, rows):
    from pressroom.models import PressRelease
    from recommendations.services import recommendation_set_status, recommendations_make

    for n in range(rows):
        conference = ConferenceFactory(starts_at=timezone.now() + datetime.timedelta(days=n + 1))
        _invite(conference, n, "accepted", "failed")
        PressRelease.objects.create(
            conference=conference, slug=f"r{n}", title_cyrl=f"R{n}", body_cyrl="Матн"
        )
        [overdue] = recommendations_make(
            source=conference,
            items=[{"text": f"Т{n}", "addressee": OrganizationFactory(),
                    "due_on": datetime.date(2020, 1, 1)}],
            by=None,
        )  # fmt: skip
        recommendation_set_status(recommendation=overdue, status="sent", by=None)
    client = as_role(roles.ADMINISTRATOR)
    # new drafts, the outbox stall (invitations and letters), overdue recommendations and the
    # year's recommendation figures included
    with django_assert_num_queries(16):
        response = client.get(reverse("dashboard:home"))
    assert len(response.context["upcoming"]) == rows
    assert len(response.context["overdue_recommendations"]) == rows
