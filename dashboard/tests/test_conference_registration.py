"""The secretary closes a conference's open registration or caps its seats in the dashboard's
conference form; the public registration service enforces both (pressroom tests)."""

import pytest
from django.urls import reverse

from conferences.tests.factories import ConferenceFactory
from dashboard import roles
from experts.tests.factories import OrganizationFactory

from .test_conferences import _conference_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(as_role):
    return as_role(roles.SECRETARY)


def test_the_form_closes_registration_and_caps_seats(secretary):
    conference = ConferenceFactory()
    data = _conference_post(conference.council, [], OrganizationFactory())
    data["conference-seats_max"] = "25"  # registration_open left unticked: closed
    response = secretary.post(reverse("dashboard:conference_edit", args=[conference.pk]), data)
    assert response.status_code == 302
    conference.refresh_from_db()
    assert (conference.registration_open, conference.seats_max) == (False, 25)
    data.update({"conference-registration_open": "on", "conference-seats_max": ""})
    secretary.post(reverse("dashboard:conference_edit", args=[conference.pk]), data)
    conference.refresh_from_db()
    assert (conference.registration_open, conference.seats_max) == (True, None)


def test_a_bad_seat_count_is_named_and_nothing_changes(secretary):
    conference = ConferenceFactory()
    data = _conference_post(conference.council, [], OrganizationFactory())
    data.update({"conference-registration_open": "on", "conference-seats_max": "0"})
    response = secretary.post(reverse("dashboard:conference_edit", args=[conference.pk]), data)
    assert response.status_code == 400
    assert "seats_max" in response.context["form"].errors
    conference.refresh_from_db()
    assert conference.seats_max is None
