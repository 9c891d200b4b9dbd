import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from experts.models import CouncilMembership, Expert
from experts.names import name_key
from experts.selectors import council_current_members
from experts.services import (
    expert_get_or_create,
    membership_add,
    membership_end,
    organization_get_or_create,
)

from .factories import CouncilFactory, ExpertFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_name_key_folds_unicode_whitespace_and_case():
    assert name_key("  Ҳамид\t Иргашев ") == "ҳамид иргашев"
    assert name_key("Ҳамид Иргашев") == name_key("ҳамид   ИРГАШЕВ")
    assert name_key("e\u0301") == name_key("\u00e9")


def test_expert_email_is_unique_whatever_the_case():
    ExpertFactory(email="Anna@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExpertFactory(email="anna@example.ORG")


def test_experts_without_email_may_share_the_empty_value():
    ExpertFactory(email="")
    ExpertFactory(email="")
    assert Expert.objects.filter(email="").count() == 2


def test_one_open_term_per_expert_and_council_enforced_by_database():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMembership.objects.create(
            expert=membership.expert,
            council=membership.council,
            start_date=datetime.date(2021, 1, 1),
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints")
def test_overlapping_closed_terms_refused_by_database():
    first = MembershipFactory(
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 12, 31)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMembership.objects.create(
            expert=first.expert,
            council=first.council,
            start_date=datetime.date(2020, 6, 1),
            end_date=datetime.date(2021, 6, 1),
        )
    later = CouncilMembership.objects.create(
        expert=first.expert, council=first.council, start_date=datetime.date(2021, 1, 1)
    )
    assert later.pk is not None


def test_end_before_start_refused_by_database():
    expert, council = ExpertFactory(), CouncilFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMembership.objects.create(
            expert=expert,
            council=council,
            start_date=datetime.date(2021, 1, 1),
            end_date=datetime.date(2020, 1, 1),
        )


def test_membership_add_refuses_overlap_naming_the_field():
    expert, council = ExpertFactory(), CouncilFactory()
    membership_add(expert=expert, council=council, start_date=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError) as exc:
        membership_add(expert=expert, council=council, start_date=datetime.date(2022, 1, 1))
    assert list(exc.value.message_dict) == ["start_date"]
    assert CouncilMembership.objects.count() == 1


def test_membership_add_refuses_end_before_start():
    with pytest.raises(ValidationError) as exc:
        membership_add(
            expert=ExpertFactory(),
            council=CouncilFactory(),
            start_date=datetime.date(2021, 1, 1),
            end_date=datetime.date(2020, 1, 1),
        )
    assert list(exc.value.message_dict) == ["end_date"]


def test_current_members_exclude_ended_and_future_terms():
    council = CouncilFactory()
    current = MembershipFactory(council=council).expert
    MembershipFactory(
        council=council, start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2019, 12, 31)
    )
    MembershipFactory(council=council, start_date=datetime.date(2999, 1, 1))
    assert list(council_current_members(council=council)) == [current]


def test_expert_matched_by_email_then_by_name():
    first = expert_get_or_create(name="Ҳамид Иргашев", email="h@example.org")
    assert expert_get_or_create(name="Hamid I.", email="H@EXAMPLE.org") == first
    assert expert_get_or_create(name="  ҳамид  иргашев ") == first
    other = expert_get_or_create(name="Ҳамид Иргашев", email="other@example.org")
    assert other != first
    assert Expert.objects.count() == 2


def test_organization_matched_by_folded_name_and_updated_in_place():
    org = organization_get_or_create(name="ЗиёТек", kind="company", country="US")
    again = organization_get_or_create(name=" зиётек ", name_latin="ZiyoTek")
    assert again.pk == org.pk
    again.refresh_from_db()
    assert (again.name, again.name_latin, again.kind, again.country.code) == (
        "ЗиёТек",
        "ZiyoTek",
        "company",
        "US",
    )


def test_membership_end_sets_the_last_day():
    term = MembershipFactory(start_date=datetime.date(2020, 1, 1))
    ended = membership_end(membership=term, end_date=datetime.date(2024, 6, 30))
    assert ended.end_date == datetime.date(2024, 6, 30)
    term.refresh_from_db()
    assert term.end_date == datetime.date(2024, 6, 30)
    # A term may end on the day it starts, and an ended term may be moved.
    membership_end(membership=term, end_date=datetime.date(2020, 1, 1))
    term.refresh_from_db()
    assert term.end_date == datetime.date(2020, 1, 1)


def test_membership_end_before_the_start_is_refused_naming_the_field():
    term = MembershipFactory(start_date=datetime.date(2021, 3, 1))
    with pytest.raises(ValidationError) as exc:
        membership_end(membership=term, end_date=datetime.date(2021, 2, 28))
    assert exc.value.message_dict == {
        "end_date": ["The end date is before the start date (2021-03-01)."]
    }
    term.refresh_from_db()
    assert term.end_date is None


def test_membership_end_without_a_date_is_refused_naming_the_field():
    term = MembershipFactory()
    with pytest.raises(ValidationError) as exc:
        membership_end(membership=term, end_date=None)
    assert list(exc.value.message_dict) == ["end_date"]
    term.refresh_from_db()
    assert term.end_date is None


def test_membership_end_may_not_run_into_the_next_term():
    first = MembershipFactory(
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 12, 31)
    )
    membership_add(expert=first.expert, council=first.council, start_date=datetime.date(2022, 1, 1))
    with pytest.raises(ValidationError) as exc:
        membership_end(membership=first, end_date=datetime.date(2022, 1, 1))
    assert exc.value.message_dict == {
        "end_date": ["This end date runs into another term of this expert on this council."]
    }
    first.refresh_from_db()
    assert first.end_date == datetime.date(2021, 12, 31)
    # Terms on another council do not count.
    other = MembershipFactory(expert=first.expert, start_date=datetime.date(2020, 1, 1))
    membership_end(membership=other, end_date=datetime.date(2023, 1, 1))
    other.refresh_from_db()
    assert other.end_date == datetime.date(2023, 1, 1)


def test_an_ended_term_makes_room_for_a_new_one():
    term = MembershipFactory(start_date=datetime.date(2020, 1, 1))
    membership_end(membership=term, end_date=datetime.date(2023, 8, 31))
    later = membership_add(
        expert=term.expert,
        council=term.council,
        role=CouncilMembership.Role.CHAIR,
        start_date=datetime.date(2023, 9, 1),
    )
    assert list(council_current_members(council=term.council)) == [term.expert]
    assert CouncilMembership.objects.filter(end_date__isnull=True).get() == later
