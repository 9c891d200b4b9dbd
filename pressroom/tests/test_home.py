import datetime

import pytest

from conferences.services import conference_set_status, conference_update
from conferences.tests.factories import ConferenceFactory
from experts.tests.factories import CouncilFactory

from .test_public import make_releases

pytestmark = pytest.mark.django_db
TASHKENT = datetime.timezone(datetime.timedelta(hours=5))


def scheduled(title: str, starts_at: datetime.datetime, council=None):
    conference = ConferenceFactory(
        title=title, starts_at=starts_at, council=council or CouncilFactory()
    )
    return conference_set_status(conference=conference, status="scheduled")


def test_home_shows_the_next_conferences_in_tashkent_time_and_the_latest_releases(press, client):
    council = CouncilFactory(name="Халқаро экспертлар кенгаши")
    for day in (20, 14, 16, 18):
        scheduled(
            f"Мавзу {day}", datetime.datetime(2030, 3, day, 5, 0, tzinfo=datetime.UTC), council
        )
    ConferenceFactory(title="Лойиҳа", starts_at=datetime.datetime(2030, 3, 1, tzinfo=TASHKENT))
    releases = make_releases(6, press, year=2021)

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    # An English reader reads Uzbek topics and names in Latin (elyurt/script_text.py).
    assert (
        '<time datetime="2030-03-14T10:00:00+0500">14 March 2030, 10:00</time> (Tashkent time)'
        " · Xalqaro ekspertlar kengashi"
    ) in html
    shown = [title for title in ("Mavzu 14", "Mavzu 16", "Mavzu 18", "Mavzu 20") if title in html]
    assert shown == ["Mavzu 14", "Mavzu 16", "Mavzu 18"]
    assert html.index("Mavzu 14") < html.index("Mavzu 16") < html.index("Mavzu 18")
    assert "Лойиҳа" not in html  # a draft is nobody's business yet
    newest_first = sorted(releases, key=lambda r: (r.published_at, r.pk), reverse=True)
    for release in newest_first[:5]:
        # No English text: the Cyrillic original, marked as such.
        assert f'<a href="/press/{release.slug}/" lang="uz-Cyrl">{release.title_cyrl}</a>' in html
    assert f"/press/{newest_first[5].slug}/" not in html
    assert '<a href="/press/">All press releases</a>' in html
    assert "@" not in html  # no person's email, nor anyone else's


def test_home_without_conferences_or_releases_says_so(db, client):
    html = client.get("/").content.decode()

    assert "No conference is scheduled at the moment." in html
    assert "No press releases found." in html


def test_home_speaks_the_visitors_language(db, client):
    scheduled("Мавзу", datetime.datetime(2030, 3, 14, 10, 0, tzinfo=TASHKENT))

    html = client.get("/", headers={"accept-language": "ru"}).content.decode()

    assert '<html lang="ru">' in html
    assert ">14 марта 2030, 10:00</time>" in html


@pytest.mark.parametrize("size", [1, 4])
def test_home_queries_do_not_grow(press, client, django_assert_num_queries, size):
    for i in range(size):
        scheduled(f"Мавзу {i}", datetime.datetime(2030, 3, 14 + i, 10, 0, tzinfo=TASHKENT))
    make_releases(size, press, year=2021)

    # The next conferences and the latest releases, each with its council joined.
    with django_assert_num_queries(2):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200  # from the cache


def test_a_conference_scheduled_or_moved_shows_at_once(
    db, client, django_capture_on_commit_callbacks
):
    assert "No conference is scheduled at the moment." in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        conference = scheduled("Мавзу", datetime.datetime(2030, 3, 14, 10, 0, tzinfo=TASHKENT))
    assert ">14 March 2030, 10:00</time>" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        conference_update(
            conference=conference, starts_at=datetime.datetime(2030, 3, 15, 11, 0, tzinfo=TASHKENT)
        )
    assert ">15 March 2030, 11:00</time>" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        conference_set_status(conference=conference, status="cancelled")
    assert "No conference is scheduled at the moment." in client.get("/").content.decode()
