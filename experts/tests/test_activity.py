"""What the expert and membership services write to the activity log; a no-op writes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from activity.models import IMPORT
from activity.selectors import activity_for, activity_for_targets
from experts.models import Expert
from experts.services import expert_get_or_create, expert_save, membership_add, membership_end

from .factories import CouncilFactory, ExpertFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(django_user_model):
    return django_user_model.objects.create_user("secretary")


def _log(*targets):
    entries = activity_for_targets(targets=targets).reverse()
    return [(e.action, e.data, e.actor_label) for e in entries]


def test_a_saved_profile_names_what_changed(secretary):
    expert = expert_save(
        expert=Expert(full_name="Ali  Valiyev", country="UZ", time_zone="Asia/Tashkent"),
        by=secretary,
    )
    edited = Expert.objects.get(pk=expert.pk)
    edited.full_name, edited.position, edited.organization = (
        "Ali Valiev",
        "Professor",
        OrganizationFactory(),
    )
    expert_save(expert=edited, by=secretary)
    expert_save(expert=Expert.objects.get(pk=expert.pk), by=secretary)  # unchanged
    assert _log(expert) == [
        ("expert.created", {}, "secretary"),
        ("expert.updated", {"changed": ["full_name", "organization", "position"]}, "secretary"),
    ]


def test_an_imported_person_is_created_then_updated_only_when_something_differs():
    first = expert_get_or_create(name="Ҳамид Иргашев", email="hamid@example.org", by=IMPORT)
    same = expert_get_or_create(name="Ҳамид Иргашев", email="hamid@example.org", by=IMPORT)
    expert_get_or_create(
        name="Ҳамид Иргашев", email="hamid@example.org", position="professor", by=IMPORT
    )
    assert same.pk == first.pk
    assert _log(first) == [
        ("expert.created", {}, "import"),
        ("expert.updated", {"changed": ["position"]}, "import"),
    ]


def test_terms_added_and_ended_are_on_the_experts_log(secretary):
    expert = ExpertFactory()
    council = CouncilFactory(name="Education council")
    term = membership_add(
        expert=expert,
        council=council,
        role="chair",
        start_date=datetime.date(2024, 1, 1),
        by=secretary,
    )
    membership_end(membership=term, end_date=datetime.date(2025, 6, 30), by=secretary)
    membership_end(membership=term, end_date=datetime.date(2025, 6, 30), by=secretary)
    with pytest.raises(ValidationError):
        membership_end(membership=term, end_date=datetime.date(2023, 1, 1), by=secretary)
    with pytest.raises(ValidationError):
        membership_add(
            expert=expert, council=council, start_date=datetime.date(2025, 1, 1), by=secretary
        )
    assert _log(expert, expert.memberships.all()) == [
        (
            "membership.added",
            {
                "council": "Education council",
                "role": "chair",
                "start_date": "2024-01-01",
                "end_date": None,
            },
            "secretary",
        ),
        (
            "membership.ended",
            {"council": "Education council", "from": None, "to": "2025-06-30"},
            "secretary",
        ),
    ]
    assert list(activity_for(target=term).values_list("action", flat=True)) == [
        "membership.ended",
        "membership.added",
    ]
