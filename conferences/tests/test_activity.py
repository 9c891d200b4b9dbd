"""What the conference services write to the activity log, and that a no-op writes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from activity.models import ZOOM, ActivityLog
from activity.selectors import activity_for
from conferences.services import (
    ProgramPresentation,
    conference_create,
    conference_experts_set,
    conference_program_set,
    conference_set_status,
    conference_update,
)
from experts.tests.factories import CouncilFactory, ExpertFactory

from .factories import ConferenceFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def secretary(django_user_model):
    return django_user_model.objects.create_user("secretary")


def _log(conference):
    return [
        (entry.action, entry.data, entry.actor, entry.actor_label)
        for entry in activity_for(target=conference).reverse()
    ]


def test_create_then_status_changes_are_logged_with_who(secretary):
    conference = conference_create(
        council=CouncilFactory(),
        title="Кредит-модуль",
        # Begun already: Zoom marks only a conference that has started held.
        starts_at=datetime.datetime(2025, 3, 14, 10, tzinfo=UTC),
        by=secretary,
    )
    conference_set_status(conference=conference, status="scheduled", by=secretary)
    conference_set_status(conference=conference, status="held", by=ZOOM)
    assert _log(conference) == [
        ("conference.created", {}, secretary, "secretary"),
        ("conference.status_changed", {"from": "draft", "to": "scheduled"}, secretary, "secretary"),
        ("conference.status_changed", {"from": "scheduled", "to": "held"}, None, "Zoom"),
    ]


def test_an_update_names_the_changed_fields_and_nothing_for_a_no_op(secretary):
    conference = ConferenceFactory(title="Old", duration_minutes=120)
    conference_update(conference=conference, title="New", duration_minutes=90, by=secretary)
    conference_update(conference=conference, title="New", duration_minutes=90, by=secretary)
    assert _log(conference) == [
        (
            "conference.updated",
            {"changed": ["duration_minutes", "title"]},
            secretary,
            "secretary",
        ),
    ]


def test_a_new_start_is_a_move_with_the_old_and_new_times(secretary):
    conference = ConferenceFactory(starts_at=datetime.datetime(2030, 3, 14, 5, tzinfo=UTC))
    tashkent = datetime.timezone(datetime.timedelta(hours=5))
    presenter = ExpertFactory()
    conference_update(
        conference=conference,
        starts_at=datetime.datetime(2030, 3, 15, 15, 30, tzinfo=tashkent),
        presentations=[ProgramPresentation(order=1, title="Talk", presenter=presenter)],
        by=secretary,
    )
    assert _log(conference) == [
        (
            "conference.moved",
            {
                "changed": ["presentations", "starts_at"],
                "from": "2030-03-14T05:00:00+00:00",
                "to": "2030-03-15T10:30:00+00:00",
            },
            secretary,
            "secretary",
        ),
    ]


def test_a_refused_update_logs_nothing(secretary):
    conference = ConferenceFactory()
    conference_set_status(conference=conference, status="cancelled", by=secretary)
    before = ActivityLog.objects.count()
    with pytest.raises(ValidationError):
        conference_update(
            conference=conference,
            starts_at=datetime.datetime(2031, 1, 1, tzinfo=UTC),
            by=secretary,
        )
    assert ActivityLog.objects.count() == before


def test_programme_set_names_what_changed_and_a_second_time_nothing(secretary):
    conference = ConferenceFactory()
    presenter = ExpertFactory()
    talks = [ProgramPresentation(order=1, title="Talk", presenter=presenter)]
    for _time in range(2):
        conference_program_set(
            conference=conference, organizations=[], presentations=talks, by=secretary
        )
    assert _log(conference) == [
        ("conference.program_changed", {"changed": ["presentations"]}, secretary, "secretary"),
    ]


def test_experts_set_lists_who_was_added_and_removed(secretary):
    conference = ConferenceFactory()
    ann, bob, cem = ExpertFactory(), ExpertFactory(), ExpertFactory()
    conference_experts_set(conference=conference, experts=[ann, bob], by=secretary)
    conference_experts_set(conference=conference, experts=[bob.pk, cem.pk], by=secretary)
    conference_experts_set(conference=conference, experts=[cem, bob], by=secretary)
    assert _log(conference) == [
        (
            "conference.experts_changed",
            {"added": sorted([ann.pk, bob.pk]), "removed": []},
            secretary,
            "secretary",
        ),
        (
            "conference.experts_changed",
            {"added": [cem.pk], "removed": [ann.pk]},
            secretary,
            "secretary",
        ),
    ]


def test_inviting_sending_resending_and_withdrawing_are_logged_with_who(secretary):
    from conferences.invitations import (
        invitation_cancel,
        invitations_add,
        invitations_resend_failed,
        invitations_send,
    )
    from conferences.invitees import Invitee
    from conferences.models import Invitation, OutboundMessage

    conference = ConferenceFactory()
    conference_set_status(conference=conference, status="scheduled")
    people = [Invitee(name="Ann Lee", email="ann@example.org"), Invitee(name="Bo", email="b@x.uz")]
    invitations_add(
        conference=conference, invitees=people, source="manual", by=secretary, send=False
    )
    # The same people again change nothing: no entry.
    invitations_add(
        conference=conference, invitees=people, source="manual", by=secretary, send=False
    )
    assert invitations_send(conference=conference, by=secretary) == 2
    OutboundMessage.objects.filter(invitation__email="b@x.uz").update(state="failed")
    assert invitations_resend_failed(conference=conference, by=secretary) == 1
    assert invitations_resend_failed(conference=conference, by=secretary) == 0
    ann = Invitation.objects.get(email="ann@example.org")
    invitation_cancel(invitation=ann, by=secretary)
    invitation_cancel(invitation=ann, by=secretary)  # twice: one entry

    assert _log(conference)[1:] == [
        ("conference.invited", {"source": "manual", "count": 2}, secretary, "secretary"),
        ("conference.invitations_sent", {"count": 2}, secretary, "secretary"),
        ("conference.invitations_resent", {"count": 1}, secretary, "secretary"),
    ]
    assert [(e.action, e.data, e.actor) for e in activity_for(target=ann)] == [
        ("invitation.withdrawn", {"name": "Ann Lee"}, secretary)
    ]


def test_platform_facts_are_logged_with_the_names_that_changed():
    from conferences.services import conference_platform_facts_set

    conference = ConferenceFactory()
    conference_platform_facts_set(conference=conference, by=ZOOM, meeting_id="85000000001")
    conference_platform_facts_set(conference=conference, by=ZOOM, meeting_id="85000000001")
    assert _log(conference)[-1:] == [
        ("conference.updated", {"changed": ["meeting_id"]}, None, "Zoom"),
    ]
    assert ActivityLog.objects.filter(action="conference.updated").count() == 1
