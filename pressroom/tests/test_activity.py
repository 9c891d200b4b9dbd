"""What the press release services write to the activity log, and that a no-op writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from activity.display import activity_what, activity_who
from activity.models import Action
from activity.selectors import activity_for
from pressroom.models import PressRelease
from pressroom.services import (
    press_release_draft,
    press_release_edit,
    press_release_schedule_publication,
    press_release_set_status,
)

pytestmark = pytest.mark.django_db
S = PressRelease.Status
# Session, user, user and group permissions, the release, its versions, and one for the log
# whatever its length.
QUERIES_EDITOR_PAGE = 7


@pytest.fixture
def release(seed_conference):
    return press_release_draft(conference=seed_conference)


def _log(release, *, after=0):
    """The release's entries, oldest first, from the `after`-th on."""
    entries = list(activity_for(target=release).reverse())[after:]
    return [(e.action, e.data, e.actor.username if e.actor else None) for e in entries]


def test_an_edit_names_the_changed_texts_and_its_version(release, editor):
    press_release_edit(release=release, by=editor, title_cyrl="Янги сарлавҳа")
    press_release_edit(release=release, by=editor, title_cyrl="Янги сарлавҳа")
    press_release_edit(release=release, by=editor, body_latn="Qoʻlda", body_en="By hand")
    assert _log(release, after=1) == [
        ("release.edited", {"changed": ["title_cyrl"], "version": 2}, "editor"),
        ("release.edited", {"changed": ["body_en", "body_latn"], "version": 3}, "editor"),
    ]


def test_a_redraft_says_whether_the_texts_followed(release, seed_conference, editor):
    press_release_draft(conference=seed_conference)  # the same data: nothing
    seed_conference.qa_held = False
    seed_conference.save()
    press_release_draft(conference=seed_conference)
    press_release_edit(release=release, by=editor, body_cyrl="Таҳрир қилинган матн.")
    seed_conference.qa_held = True
    seed_conference.save()
    press_release_draft(conference=seed_conference)
    assert _log(release) == [
        ("release.created", {}, None),
        ("release.redrafted", {"version": 2, "applied": True}, None),
        ("release.edited", {"changed": ["body_cyrl"], "version": 3}, "editor"),
        ("release.redrafted", {"version": 4, "applied": False}, None),
    ]


def test_scheduling_and_cancelling_are_logged_once_each(release, press):
    for status in (S.IN_REVIEW, S.APPROVED):
        press_release_set_status(release=release, status=status, by=press)
    at = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
    press_release_schedule_publication(release=release, publish_at=at, by=press)
    press_release_schedule_publication(release=release, publish_at=at, by=press)
    press_release_schedule_publication(release=release, publish_at=None, by=press)
    press_release_schedule_publication(release=release, publish_at=None, by=press)
    iso = at.astimezone(datetime.UTC).isoformat()
    assert _log(release, after=3) == [
        ("release.scheduled", {"publish_at": iso}, "press"),
        ("release.unscheduled", {"publish_at": iso}, "press"),
    ]


def test_a_refused_status_change_logs_nothing(release, editor):
    press_release_set_status(release=release, status=S.IN_REVIEW, by=editor)
    with pytest.raises(PermissionDenied):
        press_release_set_status(release=release, status=S.APPROVED, by=editor)
    assert list(activity_for(target=release).values_list("action", flat=True)) == [
        Action.RELEASE_STATUS_CHANGED,
        Action.RELEASE_CREATED,
    ]


def test_the_editor_page_shows_the_log(release, editor, client):
    press_release_edit(release=release, by=editor, title_cyrl="Янги сарлавҳа")
    press_release_set_status(release=release, status=S.IN_REVIEW, by=editor)
    client.force_login(editor)
    page = client.get(f"/dashboard/press/{release.pk}/", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert [(activity_who(e), activity_what(e)) for e in page.context["entries"]] == [
        ("editor", "Status changed from Draft to In review"),
        ("editor", "Edited, version 2: title (Uzbek Cyrillic)"),
        ("system", "Press release drafted"),
    ]
    assert "<td>Edited, version 2: title (Uzbek Cyrillic)</td>" in page.content.decode()


@pytest.mark.parametrize("size", [1, 3])
def test_the_editor_page_costs_the_same_whatever_the_log(
    release, editor, client, django_assert_num_queries, size
):
    for n in range(size - 1):
        press_release_edit(release=release, by=editor, title_cyrl=f"Сарлавҳа {n}")
    client.force_login(editor)
    url = f"/dashboard/press/{release.pk}/"
    client.get(url)  # content types and the like cached, as in a running process
    with django_assert_num_queries(QUERIES_EDITOR_PAGE):
        page = client.get(url)
    assert len(page.context["entries"]) == size
