"""The partner API: a key sees and changes only its organisation's recommendations."""

import datetime

import pytest

from activity.models import ActivityLog
from partners.models import Scope
from recommendations.models import Recommendation
from recommendations.services import recommendation_set_status

from .factories import make

Status = Recommendation.Status
pytestmark = pytest.mark.django_db
READ, WRITE = [Scope.RECOMMENDATIONS_READ], [Scope.RECOMMENDATIONS_WRITE]


def _sent(addressee, **kwargs):
    [recommendation] = make(addressee=addressee, **kwargs)
    return recommendation_set_status(recommendation=recommendation, status=Status.SENT, by=None)


def test_a_key_lists_only_its_organisations_sent_recommendations(
    make_client, partner, other_partner
):
    mine = _sent(partner)
    make(addressee=partner)  # proposed: not sent, not shown
    _sent(other_partner)
    for scopes in (READ, WRITE):
        response = make_client(organization=partner, scopes=scopes).get("/api/v1/recommendations/")
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    row = response.json()["results"][0]
    assert row["number"] == mine.number
    assert row["addressee"] == partner.name
    assert row["status"] == "sent"


def test_without_the_scope_403(make_client, partner):
    client = make_client(organization=partner, scopes=[Scope.CONFERENCES_READ])
    response = client.get("/api/v1/recommendations/")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "This API key lacks the scope recommendations:read."
    )
    mine = _sent(partner)
    reader = make_client(organization=partner, scopes=READ)
    response = reader.patch(
        f"/api/v1/recommendations/{mine.pk}/", {"status": "accepted"}, format="json"
    )
    assert response.status_code == 403
    assert Recommendation.objects.get(pk=mine.pk).status == Status.SENT


def test_a_key_changes_its_own_and_gets_404_for_another(make_client, partner, other_partner):
    mine, theirs = _sent(partner), _sent(other_partner)
    client = make_client(organization=partner, scopes=WRITE)
    response = client.patch(
        f"/api/v1/recommendations/{theirs.pk}/", {"status": "accepted"}, format="json"
    )
    assert response.status_code == 404
    assert client.get(f"/api/v1/recommendations/{theirs.pk}/").status_code == 404
    assert Recommendation.objects.get(pk=theirs.pk).status == Status.SENT
    response = client.patch(
        f"/api/v1/recommendations/{mine.pk}/",
        {"status": "accepted", "comment": "Қабул қилинди"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["comment"]) == ("accepted", "Қабул қилинди")
    entry = ActivityLog.objects.filter(object_id=mine.pk).first()
    assert entry.action == "recommendation.status_changed"
    assert entry.actor_label.endswith(f"({partner.name})")


def test_implemented_without_evidence_is_400_naming_it(make_client, partner):
    mine = _sent(partner)
    client = make_client(organization=partner, scopes=WRITE)
    url = f"/api/v1/recommendations/{mine.pk}/"
    assert client.patch(url, {"status": "accepted"}, format="json").status_code == 200
    response = client.patch(
        url, {"status": "implemented", "implemented_on": "2026-01-05"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "evidence_url": ["Implemented needs a link to the evidence (such as the published act)."]
    }
    assert Recommendation.objects.get(pk=mine.pk).status == Status.ACCEPTED
    response = client.patch(url, {"status": "rejected"}, format="json")
    assert response.json()["error"]["fields"] == {"reason": ["Rejected needs a reason."]}
    response = client.patch(url, {"state": "x"}, format="json")
    assert response.json()["error"]["fields"] == {"state": ["Unknown field."]}
    response = client.patch(
        url,
        {
            "status": "implemented",
            "evidence_url": "https://lex.uz/docs/1",
            "implemented_on": "2026-01-05",
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["implemented_on"] == "2026-01-05"


def test_filters_and_a_bad_one_named(make_client, partner):
    early = _sent(partner, due_on=datetime.date(2030, 1, 1))
    late = _sent(partner, due_on=datetime.date(2030, 12, 1))
    recommendation_set_status(recommendation=late, status=Status.ACCEPTED, by=None)
    client = make_client(organization=partner, scopes=READ)

    def ids(query):
        response = client.get(f"/api/v1/recommendations/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("status=accepted") == [late.pk]
    assert ids("due_before=2030-06-01") == [early.pk]
    assert ids("year=2030") == [late.pk, early.pk]
    assert ids("year=2031") == []
    for name, value in (("status", "done"), ("year", "soon"), ("due_before", "2030-13-01")):
        response = client.get(f"/api/v1/recommendations/?{name}={value}")
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == [name]


@pytest.mark.parametrize("rows", [1, 6])
def test_list_queries_do_not_grow_with_rows(make_client, partner, rows, django_assert_num_queries):
    for _n in range(rows):
        _sent(partner)
    client = make_client(organization=partner, scopes=READ)
    client.get("/api/v1/recommendations/")  # warm the key's own lookups
    # the key, then the page with its count
    with django_assert_num_queries(2):
        response = client.get("/api/v1/recommendations/")
    assert response.json()["count"] == rows
