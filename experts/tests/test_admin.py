"""The experts admin saves through the experts services: text is cleaned as in the dashboard,
the log names the staff member, and a refusal is shown on the form, never as a 500."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from activity.selectors import activity_for
from conferences.tests.html_form import form_data
from experts.models import Council, CouncilMembership, Expert, Organization

from .factories import CouncilFactory, ExpertFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(user)
    return client


def _post(client, url, **fields):
    """The page's form as a browser posts it, with `fields` changed."""
    data = form_data(client.get(url).content.decode())
    data.pop("q", None)  # the admin's search box
    data.update(fields)
    return client.post(url, data)


def test_a_line_break_in_an_experts_name_is_refused_on_the_form(root):
    response = _post(root, "/admin/experts/expert/add/", full_name="Ali\nValiyev")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "full_name": ["Must be one line: remove the line break (it came with the paste)."]
    }
    assert Expert.objects.count() == 0


def test_an_expert_changed_in_the_admin_is_cleaned_and_logged_with_its_author(root):
    expert = ExpertFactory(full_name="Ali Valiyev")
    response = _post(
        root,
        f"/admin/experts/expert/{expert.pk}/change/",
        full_name="И\u0306igit  Valiyev",
        position="Professor\x07",
        bio="One\x0bTwo\x1b",
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert (expert.full_name, expert.name_key, expert.position, expert.bio) == (
        "Йigit Valiyev",
        "йigit valiyev",
        "Professor",
        "One\nTwo",
    )
    assert [(e.action, e.data, e.actor_label) for e in activity_for(target=expert)] == [
        ("expert.updated", {"changed": ["bio", "full_name", "position"]}, "root")
    ]


@pytest.mark.parametrize(
    ("url", "model"),
    [("/admin/experts/organization/add/", Organization), ("/admin/experts/council/add/", Council)],
)
def test_a_name_taken_in_another_spelling_is_refused_on_the_form(root, url, model):
    assert _post(root, url, name="Fan  Akademiyasi", kind="other").status_code == 302
    response = _post(root, url, name="FAN akademiyasi", kind="other")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": ["This name is taken (“Fan Akademiyasi”)."]
    }
    assert list(model.objects.values_list("name", "name_key")) == [
        ("Fan Akademiyasi", "fan akademiyasi")
    ]


@pytest.mark.parametrize(
    ("url", "model"),
    [("/admin/experts/organization/add/", Organization), ("/admin/experts/council/add/", Council)],
)
def test_an_organisation_or_council_is_stored_cleaned(root, url, model):
    response = _post(
        root, url, name="Fan\x07 Akademiyasi", name_latin="Fan\u2028Akad", mission="A\x0cB\x1b"
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name_latin": ["Must be one line: remove the line break (it came with the paste)."]
    }
    assert _post(root, url, name="Fan\x07 Akademiyasi", mission="A\x0cB\x1b").status_code == 302
    assert list(model.objects.values_list("name", "mission")) == [("Fan Akademiyasi", "A\nB")]


def test_an_overlapping_term_is_refused_on_the_form_and_an_added_one_logged(root):
    expert, council = ExpertFactory(), CouncilFactory()
    url = "/admin/experts/councilmembership/add/"
    term = {"expert": expert.pk, "council": council.pk, "role": "member"}
    assert _post(root, url, **term, start_date="2024-01-01").status_code == 302
    response = _post(root, url, **term, start_date="2023-01-01", end_date="2025-01-01")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "start_date": ["This expert already has a term on this council in that period."]
    }
    membership = CouncilMembership.objects.get()
    assert [(e.action, e.actor_label) for e in activity_for(target=membership)] == [
        ("membership.added", "root")
    ]


def test_a_term_ended_in_the_admin_goes_through_the_service(root):
    membership = MembershipFactory(start_date=datetime.date(2024, 1, 1), end_date=None)
    url = f"/admin/experts/councilmembership/{membership.pk}/change/"
    response = _post(root, url, end_date="2023-06-30")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "end_date": ["The end date is before the start date (2024-01-01)."]
    }
    assert _post(root, url, end_date="2024-06-30").status_code == 302
    membership.refresh_from_db()
    assert membership.end_date == datetime.date(2024, 6, 30)
    assert [(e.action, e.data, e.actor_label) for e in activity_for(target=membership)] == [
        (
            "membership.ended",
            {"council": membership.council.name, "from": None, "to": "2024-06-30"},
            "root",
        )
    ]


def test_terms_are_shown_not_edited_on_the_expert_and_council_pages(root):
    membership = MembershipFactory()
    for url in (
        f"/admin/experts/expert/{membership.expert_id}/change/",
        f"/admin/experts/council/{membership.council_id}/change/",
    ):
        data = form_data(root.get(url).content.decode())
        data.pop("q", None)
        data.update({"memberships-TOTAL_FORMS": "2", "memberships-1-role": "chair",
                     "memberships-1-expert": membership.expert_id,
                     "memberships-1-council": membership.council_id,
                     "memberships-1-start_date": "2010-01-01"})  # fmt: skip
        assert root.post(url, data).status_code == 302
    assert CouncilMembership.objects.count() == 1
