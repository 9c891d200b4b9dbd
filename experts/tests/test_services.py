"""The experts services store text cleaned (elyurt.text): names, positions, organisations and
councils one line each, a bio with its paragraphs; a line break in a one-line field is refused
naming it."""

import pytest
from django.core.exceptions import ValidationError

from experts.models import Council, Expert, Organization
from experts.services import (
    council_get_or_create,
    expert_get_or_create,
    expert_save,
    organization_get_or_create,
)

from .factories import ExpertFactory

pytestmark = pytest.mark.django_db

DIRT = "\x01\x7f\x9f"
ONE_LINE = "Must be one line: remove the line break (it came with the paste)."


def test_names_positions_organisations_and_councils_lose_control_characters():
    org = organization_get_or_create(name="Hult" + DIRT + " School", name_latin="Hult\x02")
    council = council_get_or_create(name="Council" + DIRT)
    expert = expert_get_or_create(
        name="Hamid" + DIRT + " Irgashev",
        name_latin="Hamid\x1f Irgashev",
        position="Professor" + DIRT,
        email=" hamid@example.org\x01",
        organization=org,
    )
    assert (org.name, org.name_latin) == ("Hult School", "Hult")
    assert council.name == "Council"
    expert = Expert.objects.get(pk=expert.pk)
    assert (expert.full_name, expert.full_name_latin, expert.position, expert.email) == (
        "Hamid Irgashev",
        "Hamid Irgashev",
        "Professor",
        "hamid@example.org",
    )
    # Matched again by the cleaned name: no second person.
    assert expert_get_or_create(name="Hamid Irgashev").pk == expert.pk


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: organization_get_or_create(name="Hult\x0bSchool"), "name"),
        (lambda: organization_get_or_create(name="Hult", name_latin="A\nB"), "name_latin"),
        (lambda: council_get_or_create(name="Council\u2028of experts"), "name"),
        (lambda: expert_get_or_create(name="Hamid\x85Irgashev"), "name"),
        (lambda: expert_get_or_create(name="Hamid", position="Prof\r\nessor"), "position"),
    ],
)
def test_a_line_break_in_a_one_line_field_is_refused_naming_it(call, field):
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.message_dict == {field: [ONE_LINE]}
    assert (Organization.objects.count(), Council.objects.count(), Expert.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_bio_keeps_its_paragraphs_and_a_form_edit_is_cleaned():
    expert = ExpertFactory()
    expert.full_name = "Ann" + DIRT + " Lee"
    expert.position = "Dean\x01"
    expert.bio = "First line\x0bsecond line" + DIRT + "\r\n\r\nNew paragraph.\x0c"
    expert_save(expert=expert)
    expert.refresh_from_db()
    assert (expert.full_name, expert.position) == ("Ann Lee", "Dean")
    assert expert.bio == "First line\nsecond line\n\nNew paragraph."
    expert.city = "New\nYork"
    with pytest.raises(ValidationError) as exc:
        expert_save(expert=expert)
    assert exc.value.message_dict == {"city": [ONE_LINE]}
