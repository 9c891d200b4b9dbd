import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activity.models import ActivityLog
from activity.selectors import activity_for
from conferences.models import Conference, Presentation
from conferences.services import conference_set_status
from conferences.tests.factories import after_start

from .factories import ConferenceFactory, PresentationFactory

pytestmark = pytest.mark.django_db
S = Conference.Status

VALID = [
    ([], S.SCHEDULED),
    ([], S.CANCELLED),
    ([S.SCHEDULED], S.HELD),
    ([S.SCHEDULED], S.CANCELLED),
    ([S.CANCELLED], S.DRAFT),
]
REFUSED = [
    ([], S.HELD),
    ([], S.DRAFT),
    ([S.SCHEDULED], S.DRAFT),
    ([S.SCHEDULED], S.SCHEDULED),
    ([S.SCHEDULED, S.HELD], S.DRAFT),
    ([S.SCHEDULED, S.HELD], S.CANCELLED),
    ([S.SCHEDULED, S.HELD], S.SCHEDULED),
    ([S.CANCELLED], S.HELD),
    ([S.CANCELLED], S.SCHEDULED),
]


def _conference_at(path, user=None):
    conference = ConferenceFactory()
    for step in path:
        with after_start(conference):
            conference_set_status(conference=conference, status=step, by=user)
    return conference


@pytest.mark.parametrize(("path", "target"), VALID)
def test_valid_transition_is_saved_and_logged(path, target, django_user_model):
    user = django_user_model.objects.create_user("secretary")
    conference = _conference_at(path, user)
    previous = conference.status
    with after_start(conference):
        conference_set_status(conference=conference, status=target, by=user)
    conference.refresh_from_db()
    assert conference.status == target
    last = activity_for(target=conference).first()
    assert (last.action, last.data, last.actor, last.actor_label) == (
        "conference.status_changed",
        {"from": previous, "to": target},
        user,
        "secretary",
    )


@pytest.mark.parametrize(("path", "target"), REFUSED)
def test_refused_transition_changes_nothing(path, target):
    conference = _conference_at(path)
    before = conference.status
    entries = ActivityLog.objects.count()
    with pytest.raises(ValidationError) as exc:
        conference_set_status(conference=conference, status=target)
    assert list(exc.value.message_dict) == ["status"]
    conference.refresh_from_db()
    assert conference.status == before
    assert ActivityLog.objects.count() == entries


def test_external_id_generated_when_not_given():
    first = ConferenceFactory(external_id=Conference._meta.get_field("external_id").default())
    second = ConferenceFactory(external_id=Conference._meta.get_field("external_id").default())
    assert first.external_id != second.external_id
    assert first.external_id.startswith("conf-")
    assert len(first.external_id) == len("conf-") + 12


def test_external_id_unique_in_database():
    ConferenceFactory(external_id="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(external_id="same")


def test_presentation_order_unique_per_conference():
    first = PresentationFactory(order=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Presentation.objects.create(
            conference=first.conference, order=1, title="x", presenter=first.presenter
        )


def test_duration_out_of_range_refused_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(duration_minutes=2000)


def test_status_outside_choices_refused_by_database():
    conference = ConferenceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Conference.objects.filter(pk=conference.pk).update(status="archived")


def test_conference_create_starts_in_draft_and_logs(django_user_model):
    from conferences.services import conference_create
    from experts.tests.factories import CouncilFactory

    user = django_user_model.objects.create_user("secretary")
    conference = conference_create(
        council=CouncilFactory(),
        title="Кредит-модуль",
        starts_at=ConferenceFactory.starts_at,
        duration_minutes=90,
        by=user,
    )
    assert (conference.status, conference.duration_minutes) == ("draft", 90)
    assert [(e.action, e.data, e.actor) for e in activity_for(target=conference)] == [
        ("conference.created", {}, user)
    ]


def test_conference_update_sends_one_schedule_signal_per_call():
    from conferences import services, signals

    heard = []

    def receiver(sender, **kwargs):
        heard.append(kwargs["changed"])

    signals.conference_schedule_changed.connect(receiver, dispatch_uid="test_status_heard")
    try:
        conference = ConferenceFactory()
        assert services.conference_update(conference=conference, title=conference.title) == set()
        changed = services.conference_update(
            conference=conference, title="New", duration_minutes=60
        )
        # Declared figures are not in anyone's calendar: no signal.
        services.conference_update(conference=conference, participants_count_declared=900)
    finally:
        signals.conference_schedule_changed.disconnect(dispatch_uid="test_status_heard")
    assert changed == {"title", "duration_minutes"}
    assert heard == [{"title", "duration_minutes"}]
    conference.refresh_from_db()
    assert (conference.title, conference.duration_minutes) == ("New", 60)


def test_held_conference_cannot_be_rescheduled():
    from conferences.services import conference_update

    conference = _conference_at([S.SCHEDULED, S.HELD])
    with pytest.raises(ValidationError) as exc:
        conference_update(conference=conference, duration_minutes=30)
    assert list(exc.value.message_dict) == ["starts_at"]
    conference.refresh_from_db()
    assert conference.duration_minutes == 120


def test_invalid_field_value_refused_naming_the_field():
    from conferences.services import conference_update

    conference = ConferenceFactory()
    with pytest.raises(ValidationError) as exc:
        conference_update(conference=conference, join_url="not a url")
    assert list(exc.value.message_dict) == ["join_url"]


def _scheduled(starts_at):
    conference = ConferenceFactory(starts_at=starts_at)
    conference_set_status(conference=conference, status=S.SCHEDULED)
    return conference


def test_a_conference_not_yet_started_is_not_marked_held():
    conference = _scheduled(timezone.now() + datetime.timedelta(minutes=5))
    with pytest.raises(ValidationError) as caught:
        conference_set_status(conference=conference, status=S.HELD)
    assert caught.value.message_dict == {
        "status": ["This conference has not started yet; it cannot be marked held."]
    }
    assert caught.value.error_dict["status"][0].code == "not_started"
    conference.refresh_from_db()
    assert conference.status == S.SCHEDULED
    assert [e.data for e in activity_for(target=conference)] == [
        {"from": "draft", "to": "scheduled"}
    ]


def test_a_started_conference_is_marked_held_without_confirmation():
    conference = _scheduled(timezone.now() - datetime.timedelta(minutes=1))
    conference_set_status(conference=conference, status=S.HELD)
    conference.refresh_from_db()
    assert conference.status == S.HELD


def test_a_conference_that_has_not_started_cannot_be_marked_held(django_user_model):
    """Issue 15: marking held is final; before the start no one can, staff or Zoom."""
    user = django_user_model.objects.create_user("secretary")
    conference = ConferenceFactory(starts_at=timezone.now() + datetime.timedelta(minutes=5))
    conference_set_status(conference=conference, status=S.SCHEDULED, by=user)
    entries = ActivityLog.objects.count()

    with pytest.raises(ValidationError) as exc:
        conference_set_status(conference=conference, status=S.HELD, by=user)

    assert exc.value.error_dict["status"][0].code == "not_started"
    assert exc.value.messages == ["This conference has not started yet; it cannot be marked held."]
    conference.refresh_from_db()
    assert conference.status == S.SCHEDULED
    assert ActivityLog.objects.count() == entries
    started = ConferenceFactory(starts_at=timezone.now() - datetime.timedelta(minutes=1))
    conference_set_status(conference=started, status=S.SCHEDULED, by=user)
    conference_set_status(conference=started, status=S.HELD, by=user)
    assert started.status == S.HELD
