"""The experts admin saves through the experts services: text is cleaned as in the dashboard,
the log names the staff member, and a refusal is shown on the form, never as a 500."""

import pytest
from django.contrib.auth import get_user_model

from activity.selectors import activity_for
from conferences.tests.html_form import form_data
from experts.models import Council, Expert, Organization

from .factories import ExpertFactory

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
