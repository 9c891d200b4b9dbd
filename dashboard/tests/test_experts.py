import datetime

import pytest
from django.urls import reverse

from activity.selectors import activity_for
from dashboard import roles
from experts.models import CouncilMembership, Expert, FieldOfExpertise
from experts.tests.factories import CouncilFactory, ExpertFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(as_role):
    return as_role(roles.SECRETARY)


def _names(response):
    return [e.full_name for e in response.context["experts"]]


def test_directory_search_and_filters(secretary):
    online = FieldOfExpertise.objects.create(name="Онлайн таълим")
    kattaev = ExpertFactory(full_name="Одилбек Каттаев", country="RU")
    kattaev.fields.add(online)
    irgashev = ExpertFactory(full_name="Ҳамид Иргашев", country="GB")
    ExpertFactory(full_name="Guest Speaker", country="US")
    MembershipFactory(expert=kattaev, role=CouncilMembership.Role.CHAIR)
    MembershipFactory(expert=irgashev)
    url = reverse("dashboard:expert_list")
    assert _names(secretary.get(url, {"q": "иргаш"})) == ["Ҳамид Иргашев"]
    assert _names(secretary.get(url, {"country": "RU"})) == ["Одилбек Каттаев"]
    assert _names(secretary.get(url, {"field": online.pk})) == ["Одилбек Каттаев"]
    assert _names(secretary.get(url, {"role": "member"})) == ["Ҳамид Иргашев"]
    assert _names(secretary.get(url, {"role": "none"})) == ["Guest Speaker"]
    bad = secretary.get(url, {"country": "XX", "field": "abc"})
    assert bad.status_code == 200
    assert sorted(bad.context["filter_form"].errors) == ["country", "field"]


@pytest.mark.parametrize("rows", [1, 4])
def test_directory_queries_do_not_grow(secretary, django_assert_num_queries, rows):
    field = FieldOfExpertise.objects.create(name="Field")
    for _ in range(rows):
        expert = MembershipFactory().expert
        expert.fields.add(field)
    # Session, user, two permission queries, the field filter's choices, count, rows, fields,
    # memberships: 9 whatever the size.
    with django_assert_num_queries(9):
        response = secretary.get(reverse("dashboard:expert_list"))
    assert len(response.context["experts"]) == rows


def _expert_post(**overrides):
    data = {
        "full_name": "  Одилбек   Каттаев ",
        "full_name_latin": "Odilbek Kattaev",
        "country": "RU",
        "city": "Moscow",
        "position": "Expert",
        "email": "odil@example.org",
        "time_zone": "Europe/Moscow",
        "preferred_language": "ru",
    }
    data.update(overrides)
    return data


def test_create_and_edit_a_profile_through_expert_save(secretary):
    response = secretary.post(reverse("dashboard:expert_create"), _expert_post())
    expert = Expert.objects.get()
    assert response.status_code == 302
    # expert_save tidies the name and keeps the matching key in step.
    assert expert.full_name == "Одилбек Каттаев"
    assert expert.name_key != ""
    response = secretary.post(
        reverse("dashboard:expert_edit", args=[expert.pk]), _expert_post(city="Kazan")
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.city == "Kazan"
    log = activity_for(target=expert).reverse()
    assert [(e.action, e.data, e.actor.username) for e in log] == [
        ("expert.created", {}, "council_secretary"),
        ("expert.updated", {"changed": ["city"]}, "council_secretary"),
    ]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"email": "not-an-email"}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"country": "XX"}, "country"),
    ],
)
def test_bad_profile_input_names_the_field(secretary, override, field):
    expert = ExpertFactory(city="Boston")
    response = secretary.post(
        reverse("dashboard:expert_edit", args=[expert.pk]), _expert_post(**override)
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    expert.refresh_from_db()
    assert expert.city == "Boston"


def test_duplicate_email_is_refused(secretary):
    ExpertFactory(email="odil@example.org")
    response = secretary.post(
        reverse("dashboard:expert_create"), _expert_post(email="ODIL@example.org")
    )
    assert response.status_code == 400
    assert Expert.objects.count() == 1


def test_membership_terms(secretary):
    expert = ExpertFactory()
    council = CouncilFactory()
    url = reverse("dashboard:membership_add", args=[expert.pk])
    response = secretary.post(
        url,
        {
            "membership-council": council.pk,
            "membership-role": "member",
            "membership-start_date": "2024-01-01",
            "membership-end_date": "2025-12-31",
        },
    )
    assert response.status_code == 302
    term = CouncilMembership.objects.get()
    assert (term.start_date, term.end_date) == (
        datetime.date(2024, 1, 1),
        datetime.date(2025, 12, 31),
    )
    overlapping = secretary.post(
        url,
        {
            "membership-council": council.pk,
            "membership-role": "chair",
            "membership-start_date": "2025-06-01",
        },
    )
    assert overlapping.status_code == 400
    assert list(overlapping.context["membership_form"].errors) == ["start_date"]
    backwards = secretary.post(
        url,
        {
            "membership-council": council.pk,
            "membership-role": "member",
            "membership-start_date": "2027-01-01",
            "membership-end_date": "2026-01-01",
        },
    )
    assert backwards.status_code == 400
    assert list(backwards.context["membership_form"].errors) == ["end_date"]
    assert CouncilMembership.objects.count() == 1
    assert [(e.action, e.data, e.actor.username) for e in activity_for(target=term)] == [
        (
            "membership.added",
            {
                "council": council.name,
                "role": "member",
                "start_date": "2024-01-01",
                "end_date": "2025-12-31",
            },
            "council_secretary",
        )
    ]


def _end_url(term):
    return reverse("dashboard:membership_end", args=[term.expert_id, term.pk])


def test_ending_a_term_from_the_experts_page(secretary):
    term = MembershipFactory(start_date=datetime.date(2020, 1, 1))
    page = secretary.get(reverse("dashboard:expert_edit", args=[term.expert_id]))
    assert _end_url(term) in page.content.decode()
    response = secretary.post(_end_url(term), {f"end-{term.pk}-end_date": "2024-06-30"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:expert_edit", args=[term.expert_id])
    term.refresh_from_db()
    assert term.end_date == datetime.date(2024, 6, 30)
    assert [(e.action, e.data, e.actor.username) for e in activity_for(target=term)] == [
        (
            "membership.ended",
            {"council": term.council.name, "from": None, "to": "2024-06-30"},
            "council_secretary",
        )
    ]
    shown = secretary.get(response["Location"])
    assert [str(m) for m in shown.context["messages"]] == [
        f"The term on {term.council.name} ends on 2024-06-30."
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2019-12-31", "The end date is before the start date (2020-01-01)."),
        ("", "This field is required."),
        ("31/12/2024", "Enter a valid date."),
    ],
)
def test_bad_term_end_names_the_field_and_changes_nothing(secretary, value, message):
    term = MembershipFactory(start_date=datetime.date(2020, 1, 1))
    response = secretary.post(_end_url(term), {f"end-{term.pk}-end_date": value})
    assert response.status_code == 400
    assert response.context["end_form"].errors == {"end_date": [message]}
    assert response.context["ending"] == term
    assert message in response.content.decode()
    term.refresh_from_db()
    assert term.end_date is None


def test_term_end_running_into_the_next_term_is_refused(secretary):
    first = MembershipFactory(
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 12, 31)
    )
    MembershipFactory(
        expert=first.expert, council=first.council, start_date=datetime.date(2022, 1, 1)
    )
    response = secretary.post(_end_url(first), {f"end-{first.pk}-end_date": "2022-03-01"})
    assert response.status_code == 400
    assert list(response.context["end_form"].errors) == ["end_date"]
    first.refresh_from_db()
    assert first.end_date == datetime.date(2021, 12, 31)


def test_term_of_another_expert_answers_404(secretary):
    term = MembershipFactory()
    other = ExpertFactory()
    url = reverse("dashboard:membership_end", args=[other.pk, term.pk])
    assert secretary.post(url, {f"end-{term.pk}-end_date": "2024-01-01"}).status_code == 404
    term.refresh_from_db()
    assert term.end_date is None


@pytest.mark.parametrize("role", [roles.PRESS, roles.VIEWER, None])
def test_only_those_who_may_change_terms_end_them(as_role, role):
    term = MembershipFactory()
    response = as_role(role).post(_end_url(term), {f"end-{term.pk}-end_date": "2024-01-01"})
    assert response.status_code == 403
    term.refresh_from_db()
    assert term.end_date is None
