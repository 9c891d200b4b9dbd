"""The dashboard's recommendation pages: the secretary makes, sends, publishes and records an
answer; a viewer reads only; every refusal names the field; lists flat in queries."""

import datetime

import pytest
from django.urls import reverse

from activity.models import ActivityLog
from conferences.tests.factories import ConferenceFactory
from dashboard import roles
from experts.tests.factories import ExpertFactory, OrganizationFactory
from mailing.models import Letter
from recommendations.models import Recommendation
from recommendations.services import recommendation_set_status, recommendations_make

Status = Recommendation.Status
pytestmark = pytest.mark.django_db


def _make(conference, addressee, n=1, due_on=datetime.date(2030, 6, 1)):
    return recommendations_make(
        source=conference,
        items=[{"text": f"Тавсия {i}", "addressee": addressee, "due_on": due_on} for i in range(n)],
        by=None,
    )


def test_the_secretary_makes_sends_publishes_and_records_an_answer(as_role):
    client = as_role(roles.SECRETARY)
    conference = ConferenceFactory()
    ministry = OrganizationFactory(kind="ministry")
    ExpertFactory(organization=ministry, preferred_language="uz-Latn")
    new = reverse("dashboard:recommendation_create", args=[conference.pk])
    refused = client.post(new, {"text": "", "addressee": ministry.pk, "due_on": "2030-05-01"})
    assert refused.status_code == 400
    assert refused.context["form"].errors == {"text": ["This field is required."]}
    made = client.post(new, {"text": "Курсларни очиш", "addressee": ministry.pk,
                             "due_on": "2030-05-01"})  # fmt: skip
    assert made.status_code == 302
    recommendation = Recommendation.objects.get()
    assert (recommendation.number, recommendation.text_latn) == ("2030/1", "Kurslarni ochish")
    sent = client.post(reverse("dashboard:recommendation_send", args=[conference.pk]))
    assert sent.status_code == 302
    assert Recommendation.objects.get().status == Status.SENT
    assert Letter.objects.count() == 1
    detail = reverse("dashboard:recommendation_detail", args=[recommendation.pk])
    assert client.post(detail, {"action": "public", "public": "1"}).status_code == 302
    assert Recommendation.objects.get().is_public is True
    refused = client.post(detail, {"action": "status", "status": "rejected"})
    assert refused.status_code == 400
    assert refused.context["status_form"].errors == {"reason": ["Rejected needs a reason."]}
    answered = client.post(
        detail, {"action": "status", "status": "rejected", "reason": "Маблағ йўқ"}
    )
    assert answered.status_code == 302
    assert Recommendation.objects.get().status == Status.REJECTED
    assert (
        ActivityLog.objects.filter(
            object_id=recommendation.pk,
            action="recommendation.status_changed",
            actor_label="council_secretary",
        ).count()
        == 2
    )


def test_a_viewer_reads_but_cannot_change(as_role):
    [recommendation] = _make(ConferenceFactory(), OrganizationFactory())
    client = as_role(roles.VIEWER)
    detail = reverse("dashboard:recommendation_detail", args=[recommendation.pk])
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"action": "public", "public": "1"}).status_code == 403
    send = reverse("dashboard:recommendation_send", args=[recommendation.conference_id])
    assert client.post(send).status_code == 403
    assert Recommendation.objects.get().status == Status.PROPOSED
    assert as_role(None).get(reverse("dashboard:recommendation_list")).status_code == 403


def test_the_home_page_shows_what_is_overdue(as_role):
    ministry = OrganizationFactory(name="Вазирлик")
    late, on_time = _make(ConferenceFactory(), ministry, n=2, due_on=datetime.date(2020, 1, 1))
    for r in (late, on_time):
        recommendation_set_status(recommendation=r, status=Status.SENT, by=None)
    recommendation_set_status(recommendation=on_time, status=Status.ACCEPTED, by=None)
    recommendation_set_status(
        recommendation=on_time, status=Status.IMPLEMENTED, evidence_url="https://lex.uz/1",
        implemented_on=datetime.date(2021, 1, 1), by=None,
    )  # fmt: skip
    home = as_role(roles.SECRETARY).get(reverse("dashboard:home"))
    assert [r.pk for r in home.context["overdue_recommendations"]] == [late.pk]


@pytest.mark.parametrize("rows", [1, 6])
def test_list_queries_do_not_grow_with_rows(as_role, rows, django_assert_num_queries):
    conference = ConferenceFactory()
    _make(conference, OrganizationFactory(), n=rows)
    client = as_role(roles.SECRETARY)
    url = reverse("dashboard:recommendation_list") + f"?conference={conference.pk}"
    # session, user, permissions (2), conference, proposed count, count, page
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["recommendations"]) == rows
