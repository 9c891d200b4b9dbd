import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activity.selectors import activity_for
from pressroom.models import PressRelease, PressReleaseVersion
from pressroom.services import (
    press_release_draft,
    press_release_edit,
    press_release_publish_due,
    press_release_schedule_publication,
    press_release_set_status,
)
from transliteration import to_latin

pytestmark = pytest.mark.django_db
S = PressRelease.Status


@pytest.fixture
def release(seed_conference):
    return press_release_draft(conference=seed_conference)


def walk(release, statuses, by):
    for status in statuses:
        press_release_set_status(release=release, status=status, by=by)
    return release


def test_draft_creates_the_release_with_version_one_and_latin(release):
    assert release.status == S.DRAFT
    assert release.slug == "2020-08-28-oliy-talim-tizimida-onlayn-kurslar-va-masofaviy-talim"
    assert release.body_latn == to_latin(release.body_cyrl)
    assert list(release.versions.values_list("number", "source")) == [(1, "draft")]
    assert list(activity_for(target=release).values_list("action", "data", "actor")) == [
        ("release.created", {}, None)
    ]


def test_redraft_of_unchanged_data_adds_nothing(release, seed_conference):
    press_release_draft(conference=seed_conference)
    assert release.versions.count() == 1


def test_redraft_updates_an_untouched_draft(release, seed_conference):
    seed_conference.qa_held = False
    seed_conference.save()
    press_release_draft(conference=seed_conference)
    release.refresh_from_db()
    assert list(release.versions.values_list("number", "source")) == [(1, "draft"), (2, "draft")]
    assert "саволларга" not in release.body_cyrl
    assert release.body_latn == to_latin(release.body_cyrl)


def test_redraft_never_overwrites_a_human_edit(release, seed_conference, editor):
    press_release_edit(release=release, by=editor, body_cyrl="Таҳрир қилинган матн.")
    seed_conference.qa_held = False
    seed_conference.save()
    press_release_draft(conference=seed_conference)
    release.refresh_from_db()
    assert release.body_cyrl == "Таҳрир қилинган матн."
    assert release.body_latn == "Tahrir qilingan matn."
    versions = list(release.versions.values_list("number", "source", "created_by__username"))
    assert versions == [(1, "draft", None), (2, "edit", "editor"), (3, "draft", None)]
    assert "саволларга" not in release.versions.get(number=3).body_cyrl


def test_latin_follows_cyrillic_until_edited_then_is_kept(release, editor):
    press_release_edit(release=release, by=editor, body_cyrl="Ўзбекистон")
    release.refresh_from_db()
    assert (release.body_latn, release.latin_edited) == ("Oʻzbekiston", False)
    press_release_edit(release=release, by=editor, body_latn="Oʻzbekiston Respublikasi")
    press_release_edit(release=release, by=editor, body_cyrl="Тошкент")
    release.refresh_from_db()
    assert (release.body_cyrl, release.body_latn, release.latin_edited) == (
        "Тошкент",
        "Oʻzbekiston Respublikasi",
        True,
    )
    press_release_edit(release=release, by=editor, latin_edited=False)
    release.refresh_from_db()
    assert (release.body_latn, release.latin_edited) == ("Toshkent", False)


def test_an_edit_without_changes_adds_no_version(release, editor):
    press_release_edit(release=release, by=editor, body_cyrl=release.body_cyrl)
    assert release.versions.count() == 1


def test_edit_refuses_unknown_fields_and_empty_body(release, editor):
    with pytest.raises(ValueError):
        press_release_edit(release=release, by=editor, status="published")
    with pytest.raises(ValidationError) as error:
        press_release_edit(release=release, by=editor, body_cyrl="")
    assert "body_cyrl" in error.value.message_dict
    release.refresh_from_db()
    assert release.body_cyrl != "" and release.versions.count() == 1


def test_full_workflow_by_the_press_service_records_who_and_when(release, editor, press):
    walk(release, [S.IN_REVIEW], editor)
    walk(release, [S.APPROVED, S.PUBLISHED, S.WITHDRAWN], press)
    release.refresh_from_db()
    assert release.status == S.WITHDRAWN
    assert release.published_at is not None
    log = activity_for(target=release).reverse()
    assert list(log.values_list("action", "data", "actor__username")) == [
        ("release.created", {}, None),
        ("release.status_changed", {"from": "draft", "to": "in_review"}, "editor"),
        ("release.status_changed", {"from": "in_review", "to": "approved"}, "press"),
        ("release.status_changed", {"from": "approved", "to": "published"}, "press"),
        ("release.status_changed", {"from": "published", "to": "withdrawn"}, "press"),
    ]
    times = [entry.at for entry in log]
    assert times == sorted(times) and times[0] >= release.created_at


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([S.IN_REVIEW], S.APPROVED),
        ([S.IN_REVIEW, S.APPROVED], S.PUBLISHED),
        ([S.IN_REVIEW, S.APPROVED, S.PUBLISHED], S.WITHDRAWN),
        ([S.IN_REVIEW, S.APPROVED], S.IN_REVIEW),
    ],
)
def test_only_the_press_service_approves_publishes_and_withdraws(
    release, editor, press, outsider, path, target
):
    walk(release, path, press)
    for user in (editor, outsider):
        with pytest.raises(PermissionDenied):
            press_release_set_status(release=release, status=target, by=user)
    release.refresh_from_db()
    assert release.status == path[-1]
    press_release_set_status(release=release, status=target, by=press)
    release.refresh_from_db()
    assert release.status == target


def test_an_anonymous_user_changes_nothing(release):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        press_release_set_status(release=release, status=S.IN_REVIEW, by=AnonymousUser())
    with pytest.raises(PermissionDenied):
        press_release_edit(release=release, by=AnonymousUser(), body_cyrl="x")


def test_editor_submits_and_takes_back_for_review(release, editor, outsider):
    with pytest.raises(PermissionDenied):
        press_release_set_status(release=release, status=S.IN_REVIEW, by=outsider)
    walk(release, [S.IN_REVIEW, S.DRAFT, S.IN_REVIEW], editor)
    release.refresh_from_db()
    assert release.status == S.IN_REVIEW


@pytest.mark.parametrize("target", [S.PUBLISHED, S.WITHDRAWN, S.APPROVED, "bogus"])
def test_transitions_that_skip_a_step_are_refused(release, press, target):
    with pytest.raises(ValidationError) as error:
        press_release_set_status(release=release, status=target, by=press)
    assert list(error.value.message_dict) == ["status"]
    release.refresh_from_db()
    assert release.status == S.DRAFT


def test_editing_an_approved_release_needs_the_publish_permission(release, editor, press):
    walk(release, [S.IN_REVIEW, S.APPROVED], press)
    with pytest.raises(PermissionDenied):
        press_release_edit(release=release, by=editor, body_cyrl="Бошқа матн")
    press_release_edit(release=release, by=press, body_cyrl="Бошқа матн")
    release.refresh_from_db()
    assert release.body_cyrl == "Бошқа матн"


def test_scheduled_publication_happens_when_due_on_the_schedulers_authority(release, editor, press):
    walk(release, [S.IN_REVIEW, S.APPROVED], press)
    at = timezone.now() + datetime.timedelta(hours=2)
    with pytest.raises(PermissionDenied):
        press_release_schedule_publication(release=release, publish_at=at, by=editor)
    press_release_schedule_publication(release=release, publish_at=at, by=press)
    assert press_release_publish_due() == []
    assert press_release_publish_due(now=at + datetime.timedelta(seconds=1)) == [release.pk]
    release.refresh_from_db()
    assert (release.status, release.publish_at) == (S.PUBLISHED, None)
    last = activity_for(target=release).first()
    assert (last.action, last.data, last.actor.username, last.actor_label) == (
        "release.status_changed",
        {"from": "approved", "to": "published", "scheduled": True},
        "press",
        "press",
    )


def test_scheduling_refuses_bad_times_and_unapproved_releases(release, press):
    future = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as not_approved:
        press_release_schedule_publication(release=release, publish_at=future, by=press)
    assert list(not_approved.value.message_dict) == ["publish_at"]
    walk(release, [S.IN_REVIEW, S.APPROVED], press)
    for bad in (timezone.now() - datetime.timedelta(minutes=1), datetime.datetime(2099, 1, 1)):
        with pytest.raises(ValidationError) as error:
            press_release_schedule_publication(release=release, publish_at=bad, by=press)
        assert list(error.value.message_dict) == ["publish_at"]
    release.refresh_from_db()
    assert release.publish_at is None


def test_going_back_to_review_cancels_the_schedule(release, press):
    walk(release, [S.IN_REVIEW, S.APPROVED], press)
    at = timezone.now() + datetime.timedelta(hours=1)
    press_release_schedule_publication(release=release, publish_at=at, by=press)
    press_release_set_status(release=release, status=S.IN_REVIEW, by=press)
    release.refresh_from_db()
    assert release.publish_at is None
    assert press_release_publish_due(now=at + datetime.timedelta(hours=1)) == []


def test_versions_are_snapshots(release, editor):
    press_release_edit(release=release, by=editor, title_cyrl="Янги сарлавҳа")
    v2 = PressReleaseVersion.objects.get(release=release, number=2)
    assert (v2.title_cyrl, v2.title_latn, v2.source) == ("Янги сарлавҳа", "Yangi sarlavha", "edit")


def test_a_release_typed_in_latin_gets_its_cyrillic_until_the_cyrillic_is_edited(release, editor):
    press_release_edit(
        release=release,
        by=editor,
        cyrillic_follows=True,
        title_latn="Oliy taʼlimda onlayn kurslar",
        body_latn="Videokonferensiya 2020-yil 28-avgustda boʻlib oʻtdi. Shahar: Toshkent.",
    )
    release.refresh_from_db()
    assert (release.title_cyrl, release.body_cyrl) == (
        "Олий таълимда онлайн курслар",
        "Видеоконференция 2020 йил 28 августда бўлиб ўтди. Шаҳар: Тошкент.",
    )
    assert (release.cyrillic_follows, release.latin_edited) == (True, True)
    # A Cyrillic given with the flag on is the derived one, not a hand edit.
    press_release_edit(release=release, by=editor, title_cyrl="Бошқа", cyrillic_follows=True)
    release.refresh_from_db()
    assert release.title_cyrl == "Олий таълимда онлайн курслар"
    # Corrected by hand, the Cyrillic is kept and the Latin stays as typed.
    press_release_edit(release=release, by=editor, title_cyrl="Олий таълимда онлайн курслар!")
    release.refresh_from_db()
    assert (release.title_cyrl, release.title_latn, release.cyrillic_follows) == (
        "Олий таълимда онлайн курслар!",
        "Oliy taʼlimda onlayn kurslar",
        False,
    )
