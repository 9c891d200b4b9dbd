"""conference_figures_by_year: the figures of held conferences, per year."""

import datetime

import pytest

from conferences.models import Conference
from conferences.selectors import conference_figures_by_year
from conferences.services import conference_set_status
from conferences.tests.factories import (
    TASHKENT,
    ConferenceFactory,
    PresentationFactory,
    after_start,
)
from experts.tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


def _held(day: datetime.datetime, **fields) -> Conference:
    conference = ConferenceFactory(starts_at=day, **fields)
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    with after_start(conference):
        conference_set_status(conference=conference, status=Conference.Status.HELD)
    return conference


def _day(year: int, month: int = 3, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, 1, hour, tzinfo=TASHKENT)


def test_conferences_and_participants_per_year_newest_first():
    _held(_day(2029), participants_count_declared=1000)
    recorded = _held(_day(2029, 9), participants_count_declared=300)
    # The recorded attendance wins over the declared figure.
    Conference.objects.filter(pk=recorded.pk).update(participants_count_recorded=280)
    _held(_day(2030), participants_count_declared=None)
    # Not held: not counted.
    ConferenceFactory(starts_at=_day(2029, 10), participants_count_declared=999)

    assert conference_figures_by_year() == [
        {"year": 2030, "conferences": 1, "participants": 0, "experts": 0,
         "experts_by_country": {}},
        {"year": 2029, "conferences": 2, "participants": 1280, "experts": 0,
         "experts_by_country": {}},
    ]  # fmt: skip


def test_the_year_is_tashkents():
    # 00:30 on 1 January in Tashkent is still 31 December in UTC.
    _held(datetime.datetime(2030, 1, 1, 0, 30, tzinfo=TASHKENT), participants_count_declared=50)

    assert [row["year"] for row in conference_figures_by_year()] == [2030]
    assert conference_figures_by_year(year=2029) == []
    [row] = conference_figures_by_year(year=2030)
    assert (row["conferences"], row["participants"]) == (1, 50)


def test_listed_experts_count_once_a_year_and_win_over_the_declared_number():
    us, ca, nowhere = (
        ExpertFactory(country="US"),
        ExpertFactory(country="CA"),
        ExpertFactory(country=""),
    )
    first = _held(_day(2029), expert_count_declared=40, expert_countries_declared=["DE"])
    second = _held(_day(2029, 9))
    next_year = _held(_day(2030))
    first.experts.set([us, ca, nowhere])
    second.experts.set([us])
    next_year.experts.set([us])
    # On the agenda but not ticked on the audience page: the press release does not count
    # them, nor do the figures.
    PresentationFactory(conference=second, presenter=ExpertFactory(country="KR"))

    by_year = {row["year"]: row for row in conference_figures_by_year()}

    assert by_year[2029]["experts_by_country"] == {"": 1, "CA": 1, "US": 1}
    assert by_year[2029]["experts"] == 3
    assert by_year[2030]["experts_by_country"] == {"US": 1}
    assert by_year[2030]["experts"] == 1


def test_a_conference_without_a_list_counts_its_declared_number():
    _held(_day(2029), expert_count_declared=5, expert_countries_declared=["kr"])
    _held(_day(2029, 4), expert_count_declared=20, expert_countries_declared=["US", "DE"])
    _held(_day(2029, 5), expert_count_declared=3, expert_countries_declared=[])
    _held(_day(2029, 6), expert_count_declared=0, expert_countries_declared=["FR"])
    listed = _held(_day(2029, 7))
    listed.experts.set([ExpertFactory(country="KR")])

    [row] = conference_figures_by_year(year=2029)

    # One declared country takes the number; several (or none) cannot be split: "".
    assert row["experts_by_country"] == {"": 23, "KR": 6}
    assert row["experts"] == 29


def _build(size: int) -> None:
    for n in range(size):
        conference = _held(_day(2020 + n), participants_count_declared=100)
        conference.experts.set([ExpertFactory(country="UZ"), ExpertFactory(country="CA")])
        _held(_day(2020 + n, 6), expert_count_declared=7, expert_countries_declared=["US"])


@pytest.mark.parametrize("size", [1, 3])
def test_queries_do_not_grow_with_years(django_assert_num_queries, size):
    _build(size)
    # Per-year totals, listed experts by country, conferences counted by their declared number.
    with django_assert_num_queries(3):
        rows = conference_figures_by_year()
    assert len(rows) == size
    assert rows[0]["experts_by_country"] == {"CA": 1, "US": 7, "UZ": 1}
