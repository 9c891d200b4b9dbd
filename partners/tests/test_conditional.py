"""Conditional GETs never answer 304 to a client whose copy is stale."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import http_date

from conferences.models import Conference, Presentation
from conferences.services import conference_set_status
from conferences.tests.factories import PresentationFactory
from experts.models import Expert
from experts.tests.factories import ExpertFactory
from pressroom.models import PressRelease
from pressroom.services import press_release_set_status

from .conftest import held_conference, scheduled_conference

pytestmark = pytest.mark.django_db

EARLIER = datetime.datetime(2020, 1, 1, 12, tzinfo=datetime.UTC)


def _long_unchanged(conference):
    """As if the conference and the API's conferences had not changed since EARLIER."""
    Conference.objects.filter(pk=conference.pk).update(updated_at=EARLIER)
    cache.set("api:bumped:conferences", EARLIER.timestamp(), timeout=60)


def test_a_cancelled_conference_is_not_answered_304_to_if_modified_since(api):
    conf = scheduled_conference()
    _long_unchanged(conf)
    first = api.get(f"/api/v1/conferences/{conf.pk}/")
    assert first["Last-Modified"] == http_date(EARLIER.timestamp())

    conference_set_status(conference=conf, status=Conference.Status.CANCELLED)

    since = api.get(
        f"/api/v1/conferences/{conf.pk}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert since.status_code == 200
    assert since.json()["status"] == "cancelled"
    assert Conference.objects.get(pk=conf.pk).updated_at > EARLIER


@pytest.mark.parametrize("change", ["agenda row removed", "attending expert added"])
def test_writes_that_move_no_stamp_still_move_a_details_date(api, change):
    conf = scheduled_conference()
    presentation = PresentationFactory(conference=conf, order=1)
    _long_unchanged(conf)
    Expert.objects.update(updated_at=EARLIER)
    first = api.get(f"/api/v1/conferences/{conf.pk}/")
    assert first["Last-Modified"] == http_date(EARLIER.timestamp())

    if change == "agenda row removed":
        Presentation.objects.filter(pk=presentation.pk).delete()
    else:
        conf.experts.add(ExpertFactory(country="CA"))

    since = api.get(
        f"/api/v1/conferences/{conf.pk}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert since.status_code == 200
    assert since.json() != first.json()


def test_a_conference_leaving_a_filtered_list_changes_its_etag_and_lists_carry_no_date(api):
    older, newest = scheduled_conference(), scheduled_conference()
    Conference.objects.filter(pk=older.pk).update(updated_at=EARLIER)
    listing = api.get("/api/v1/conferences/", {"status": "scheduled"})
    assert [c["id"] for c in listing.json()["results"]] == [newest.pk, older.pk]
    # The newest row's date would go backwards once it leaves the list.
    assert "Last-Modified" not in listing

    conference_set_status(conference=newest, status=Conference.Status.CANCELLED)

    after = api.get(
        "/api/v1/conferences/", {"status": "scheduled"}, HTTP_IF_NONE_MATCH=listing["ETag"]
    )
    assert after.status_code == 200
    assert [c["id"] for c in after.json()["results"]] == [older.pk]
    assert "Last-Modified" not in after


def test_an_unpublished_release_leaving_the_list_changes_its_etag(api):
    publisher = User.objects.create_superuser("press", password="pw-press-1")
    releases = []
    for n in range(2):
        release = PressRelease.objects.create(
            conference=held_conference(), slug=f"r-{n}", title_cyrl="Сарлавҳа", body_cyrl="Матн"
        )
        PressRelease.objects.filter(pk=release.pk).update(
            status="published", published_at=timezone.now(), updated_at=EARLIER
        )
        releases.append(release)
    listing = api.get("/api/v1/press-releases/")
    assert "Last-Modified" not in listing

    press_release_set_status(release=releases[1], status="withdrawn", by=publisher)

    after = api.get("/api/v1/press-releases/", HTTP_IF_NONE_MATCH=listing["ETag"])
    assert after.status_code == 200
    assert [r["id"] for r in after.json()["results"]] == [releases[0].pk]
    assert "Last-Modified" not in after


@pytest.mark.parametrize(
    "path", ["/api/v1/conferences/", "/api/v1/experts/", "/api/v1/councils/",
             "/api/v1/press-releases/", "/api/v1/stats/"],
)  # fmt: skip
def test_no_list_carries_last_modified(api, path):
    held_conference()
    response = api.get(path)
    assert response.status_code == 200
    assert "ETag" in response
    assert "Last-Modified" not in response
