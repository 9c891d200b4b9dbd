"""Queries that SQLite (the demo's database) and PostgreSQL must answer alike.

CI runs this module on both (`.ci/run`'s SQLite step); each test failed on SQLite before
elyurt/sqlite.py taught it to fold every alphabet's letters.
"""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from conferences.tests.factories import ConferenceFactory
from dashboard.selectors import conference_list, expert_directory
from experts.models import Expert
from experts.services import expert_match
from experts.tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db

TASHKENT = datetime.timezone(datetime.timedelta(hours=5))


def test_a_cyrillic_search_ignores_case():
    wanted = ExpertFactory(full_name="Ёқубов Алишер", position="Профессор")
    ExpertFactory(full_name="Каримова Нигора", position="Доцент")

    assert list(expert_directory(filters={"q": "ёҚУБОВ"})) == [wanted]
    assert list(expert_directory(filters={"q": "профессор"})) == [wanted]
    assert list(expert_directory(filters={"q": "тошкент"})) == []


def test_a_conference_title_search_ignores_case_in_cyrillic():
    wanted = ConferenceFactory(title="Олий таълимда онлайн курслар")
    ConferenceFactory(title="Илмий журналлар")

    assert list(conference_list(filters={"q": "ОНЛАЙН"})) == [wanted]


def test_percent_and_underscore_in_a_search_are_literal():
    wanted = ExpertFactory(full_name="Ставка", position="Доцент 50% ставки, каф_1")
    ExpertFactory(full_name="Другой", position="Доцент 500 ставки, каф11")

    assert list(expert_directory(filters={"q": "т 50%"})) == [wanted]
    assert list(expert_directory(filters={"q": "каф_1"})) == [wanted]


def test_emails_match_whatever_the_case_of_non_ascii_letters():
    expert = ExpertFactory(email="Ünal.Şahin@example.org")

    assert expert_match(name="Someone else", email="ünal.şahin@EXAMPLE.org") == expert
    folded = Expert.objects.annotate(folded=Lower("email")).filter(folded="ünal.şahin@example.org")
    assert list(folded) == [expert]


def test_an_email_differing_only_in_non_ascii_case_is_refused():
    ExpertFactory(email="Ünal@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        ExpertFactory(email="ünal@example.org")


def test_the_year_of_a_conference_is_its_year_in_tashkent():
    # 2025-12-31 20:00 UTC is New Year's night in Tashkent.
    new_year = ConferenceFactory(starts_at=datetime.datetime(2026, 1, 1, 1, 0, tzinfo=TASHKENT))
    ConferenceFactory(starts_at=datetime.datetime(2025, 12, 31, 23, 0, tzinfo=TASHKENT))

    assert list(conference_list(filters={"year": 2026})) == [new_year]
