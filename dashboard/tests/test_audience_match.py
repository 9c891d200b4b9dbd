"""The audience page: the recorded figures by kind and organisation, the reports kept (a
rehearsal marked), and the people nobody was matched to, which staff match by hand."""

import io

import pytest
from django.urls import reverse

from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Invitation
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from dashboard import roles
from integrations.models import Attendee

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(as_role):
    return as_role(roles.SECRETARY)


REPORT = """Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)
Galaxy A52,,03/14/2030 10:00:00 AM,03/14/2030 11:30:00 AM,90
Rector Two,rector@tatu.uz,03/14/2030 10:00:00 AM,03/14/2030 11:30:00 AM,90
"""


def _upload(client, url):
    upload = io.BytesIO(REPORT.encode())
    upload.name = "participants.csv"
    return client.post(url, {"upload": "1", "file": upload})


def test_staff_see_unmatched_rows_and_match_one_by_hand(secretary):
    conference = ConferenceFactory()
    conference_set_status(conference=conference, status="scheduled")
    rector, dean = invitations_add(
        conference=conference,
        invitees=[
            Invitee(name="Rector Two", email="rector@tatu.uz", position="Ректор"),
            Invitee(name="Dean Three", email="dean@tatu.uz", position="Декан"),
        ],
        source=Invitation.Source.MANUAL,
        send=False,
    )
    url = reverse("dashboard:conference_audience", args=[conference.pk])
    assert _upload(secretary, url).status_code == 302

    page = secretary.get(url)
    html = page.content.decode()
    assert [a.name for a in page.context["unmatched"]] == ["Galaxy A52"]
    assert 'id="chart-kinds"' in html
    assert page.context["kinds"] == [("Rectors", 1), ("Others", 1)]
    phone = Attendee.objects.get(conference=conference, name="Galaxy A52")

    refused = secretary.post(url, {"match": "1", "attendee": phone.pk})
    assert refused.status_code == 400
    assert refused.context["match_form"].errors == {
        "__all__": ["Choose one invitation or one expert."]
    }

    response = secretary.post(url, {"match": "1", "attendee": phone.pk, "invitation": dean.pk})
    assert response.status_code == 302
    assert _upload(secretary, url).status_code == 302  # the same report again
    page = secretary.get(url)
    assert list(page.context["unmatched"]) == []
    assert page.context["kinds"] == [("Rectors", 1), ("Deans", 1)]
    matched = Attendee.objects.get(conference=conference, invitation=dean)
    assert (matched.name, matched.matched_by) == ("Galaxy A52", "manual")
