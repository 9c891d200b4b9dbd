"""The year in review: for a seeded year every figure equals the database's own count and what
/api/v1/stats/ says, links to its records, and the .docx carries the same figures."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory, after_start
from dashboard import roles
from experts.tests.factories import ExpertFactory, OrganizationFactory
from partners.models import Scope
from partners.services import api_key_create
from pressroom.models import PressRelease
from recommendations.models import Recommendation
from recommendations.services import recommendation_set_status, recommendations_make

Status = Recommendation.Status
TASHKENT = datetime.timezone(datetime.timedelta(hours=5))
YEAR = 2029
pytestmark = pytest.mark.django_db


def _held(month, **fields):
    conference = ConferenceFactory(
        starts_at=datetime.datetime(YEAR, month, 10, 10, tzinfo=TASHKENT), **fields
    )
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    with after_start(conference):
        conference_set_status(conference=conference, status=Conference.Status.HELD)
    return conference


def _seed():
    first = _held(3, participants_count_declared=400, participant_groups=["rector", "dean"])
    second = _held(9, participants_count_declared=250, participant_groups=["dean"])
    third = _held(11, participants_count_declared=80, expert_count_declared=3,
          expert_countries_declared=["DE"])  # fmt: skip
    ConferenceFactory(starts_at=datetime.datetime(YEAR, 12, 1, tzinfo=TASHKENT))  # a draft
    first.experts.set([ExpertFactory(country="US"), ExpertFactory(country="CA")])
    ministry = OrganizationFactory(kind="ministry")
    items = [
        {"text": f"Тавсия {i}", "addressee": ministry, "due_on": datetime.date(2020, 1, 1)}
        for i in range(6)
    ]
    made = recommendations_make(source=first, items=items[:4], by=None)
    made += recommendations_make(source=second, items=items[4:], by=None)
    for r in made[:5]:
        recommendation_set_status(recommendation=r, status=Status.SENT, by=None)
    for r in made[:3]:
        recommendation_set_status(recommendation=r, status=Status.PARTLY_ACCEPTED, by=None)
    recommendation_set_status(
        recommendation=made[0], status=Status.IMPLEMENTED, evidence_url="https://lex.uz/1",
        implemented_on=datetime.date(2026, 1, 5), by=None,
    )  # fmt: skip
    recommendations_make(  # another year's
        source=ConferenceFactory(starts_at=datetime.datetime(2030, 1, 5, tzinfo=TASHKENT)),
        items=items[:1],
        by=None,
    )
    published = [(first, datetime.datetime(YEAR, 4, 1, tzinfo=TASHKENT)),
                 (second, datetime.datetime(YEAR, 10, 1, tzinfo=TASHKENT)),
                 (third, datetime.datetime(YEAR + 1, 2, 1, tzinfo=TASHKENT))]  # fmt: skip
    for n, (conference, when) in enumerate(published):
        release = PressRelease.objects.create(
            conference=conference, slug=f"r{n}", title_cyrl="С", body_cyrl="М"
        )
        PressRelease.objects.filter(pk=release.pk).update(status="published", published_at=when)


def test_the_figures_equal_the_database_and_the_api(as_role):
    _seed()
    response = as_role(roles.VIEWER).get(reverse("dashboard:year_report", args=[YEAR]))
    assert response.status_code == 200
    report = response.context["report"]
    held = Conference.objects.filter(status="held", starts_at__year=YEAR)
    in_year = Recommendation.objects.filter(year=YEAR)
    today = timezone.localdate()
    db = {
        "conferences": held.count(),
        "participants": sum(c.participants_count for c in held),
        "experts": 2 + 3,  # two listed, three declared on a conference with no list
        "made": in_year.count(),
        "accepted": in_year.filter(
            status__in=["accepted", "partly_accepted", "implemented"]
        ).count(),
        "implemented": in_year.filter(status="implemented").count(),
        "overdue": in_year.filter(
            status__in=["sent", "accepted", "partly_accepted"], due_on__lt=today
        ).count(),  # fmt: skip
        "releases": PressRelease.objects.filter(
            status="published", published_at__year=YEAR
        ).count(),
    }
    assert db == {"conferences": 3, "participants": 730, "experts": 5, "made": 6, "accepted": 3,
                  "implemented": 1, "overdue": 4, "releases": 2}  # fmt: skip
    recs = report["recommendations"]
    assert {
        "conferences": report["conferences"][0],
        "participants": report["participants"][0],
        "experts": report["experts"][0],
        "made": recs["made"][0],
        "accepted": recs["accepted"][0],
        "implemented": recs["implemented"][0],
        "overdue": recs["overdue"][0],
        "releases": report["releases"][0],
    } == db
    assert report["drafts_reviewed"] == (0, f"/dashboard/regulations/?year={YEAR}")
    assert report["audience"] == [("Rectors", 1), ("Deans", 2)]
    assert [(name, n) for name, n, _url in report["experts_by_country"]] == [
        ("Germany", 3), ("Canada", 1), ("United States of America", 1)
    ]  # fmt: skip

    _key, raw = api_key_create(organization=OrganizationFactory(), scopes=[Scope.CONFERENCES_READ])
    api = Client().get("/api/v1/stats/", headers={"authorization": f"Bearer {raw}"})
    [stats] = [row for row in api.json()["results"] if row["year"] == YEAR]
    assert stats["conferences"] == db["conferences"]
    assert stats["participants"] == db["participants"]
    assert sum(stats["experts_by_country"].values()) == db["experts"]
    assert stats["recommendations"] == {
        k: db[k] for k in ("made", "accepted", "implemented", "overdue")
    }


def test_every_figure_links_to_its_records(as_role):
    _seed()
    client = as_role(roles.ADMINISTRATOR)
    report = client.get(reverse("dashboard:year_report", args=[YEAR])).context["report"]
    accepted = client.get(report["recommendations"]["accepted"][1])
    assert len(accepted.context["recommendations"]) == report["recommendations"]["accepted"][0]
    overdue = client.get(report["recommendations"]["overdue"][1])
    assert len(overdue.context["recommendations"]) == report["recommendations"]["overdue"][0]
    made = client.get(report["recommendations"]["made"][1])
    assert len(made.context["recommendations"]) == 6
    held = client.get(report["conferences"][1])
    assert held.context["paginator"].count == report["conferences"][0]
    releases = client.get(report["releases"][1])
    assert len(releases.context["items"]) == report["releases"][0]


def test_the_docx_carries_the_figures(as_role):
    from docx import Document

    _seed()
    response = as_role(roles.VIEWER).get(reverse("dashboard:year_report_docx", args=[YEAR]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    [table] = document.tables
    rows = [(row.cells[0].text, row.cells[1].text) for row in table.rows]
    assert rows == [
        ("Conferences held", "3"), ("Participants", "730"), ("Experts who took part", "5"),
        ("Draft regulations reviewed", "0"), ("Recommendations made", "6"), ("Recommendations accepted", "3"),
        ("Recommendations implemented", "1"), ("Recommendations overdue", "4"),
        ("Press releases published", "2"),
    ]  # fmt: skip
    assert as_role(None).get(reverse("dashboard:year_report", args=[YEAR])).status_code == 403
