import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from activity.display import activity_what, activity_who
from activity.models import IMPORT, SCHEDULER, Action, ActivityLog
from activity.selectors import activity_for, activity_for_targets
from activity.services import activity_record
from conferences.models import Invitation
from conferences.tests.factories import ConferenceFactory
from experts.tests.factories import ExpertFactory, MembershipFactory, OrganizationFactory
from partners.models import ApiKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(django_user_model):
    return django_user_model.objects.create_user("secretary")


def _who(entry):
    return (entry.actor, entry.actor_label)


def test_a_user_is_the_actor_and_named_by_username(secretary):
    conference = ConferenceFactory()
    entry = activity_record(
        action=Action.CONFERENCE_UPDATED,
        target=conference,
        by=secretary,
        data={"changed": ["title"]},
    )
    entry.refresh_from_db()
    assert _who(entry) == (secretary, "secretary")
    assert (entry.action, entry.target, entry.data) == (
        "conference.updated",
        conference,
        {"changed": ["title"]},
    )


def test_other_actors_are_labels(secretary):
    conference = ConferenceFactory()
    key = ApiKey.objects.create(
        organization=OrganizationFactory(name="Partner University"),
        prefix="ely_0a1b2c3d",
        key_hash="x" * 64,
        scopes=["registrations:write"],
    )
    recorded = [
        activity_record(action=Action.CONFERENCE_CREATED, target=conference, by=by)
        for by in (None, AnonymousUser(), SCHEDULER, key)
    ]
    assert [_who(entry) for entry in recorded] == [
        (None, ""),
        (None, ""),
        (None, "scheduler"),
        (None, "ely_0a1b2c3d… (Partner University)"),
    ]
    assert [activity_who(entry) for entry in recorded] == [
        "system",
        "system",
        "scheduler",
        "ely_0a1b2c3d… (Partner University)",
    ]


def test_a_deleted_user_stays_named(secretary):
    conference = ConferenceFactory()
    activity_record(action=Action.CONFERENCE_CREATED, target=conference, by=secretary)
    secretary.delete()
    entry = activity_for(target=conference).get()
    assert (_who(entry), activity_who(entry)) == ((None, "secretary"), "secretary")


def test_data_that_is_not_plain_json_is_refused_and_nothing_written():
    conference = ConferenceFactory()
    with pytest.raises(TypeError):
        activity_record(
            action=Action.CONFERENCE_MOVED,
            target=conference,
            data={"from": datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)},
        )
    with pytest.raises(ValueError):
        activity_record(action="conference.renamed", target=conference)
    assert ActivityLog.objects.count() == 0


def test_activity_for_reads_one_target_newest_first(secretary):
    first, second = ConferenceFactory(), ConferenceFactory()
    old = activity_record(action=Action.CONFERENCE_CREATED, target=first, by=secretary)
    ActivityLog.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=1))
    activity_record(action=Action.CONFERENCE_CREATED, target=second)
    new = activity_record(
        action=Action.CONFERENCE_UPDATED, target=first, data={"changed": ["title"]}
    )
    # An expert whose pk equals the conference's is another target.
    expert = ExpertFactory()
    ActivityLog.objects.create(
        action=Action.EXPERT_CREATED,
        content_type=ContentType.objects.get_for_model(expert),
        object_id=first.pk,
    )
    assert [entry.pk for entry in activity_for(target=first)] == [new.pk, old.pk]


def test_several_targets_and_a_queryset_of_targets_in_one_query(secretary):
    conference, other = ConferenceFactory(), ConferenceFactory()
    invitations = [
        Invitation.objects.create(
            conference=c,
            name=name,
            email=f"{name}@example.org",
            email_lower=f"{name}@example.org",
            source="manual",
            token_salt=name,
            token_hash=name,
        )
        for c, name in [(conference, "ali"), (conference, "vali"), (other, "soli")]
    ]
    for invitation in invitations:
        activity_record(
            action=Action.INVITATION_WITHDRAWN,
            target=invitation,
            by=secretary,
            data={"name": invitation.name},
        )
    activity_record(action=Action.CONFERENCE_CREATED, target=conference, by=secretary)
    activity_record(action=Action.CONFERENCE_CREATED, target=other, by=secretary)
    activity_for(target=conference).count()  # content types cached, as in a running process
    with CaptureQueriesContext(connection) as queries:
        entries = list(activity_for_targets(targets=[conference, conference.invitations.all()]))
        names = [(activity_who(e), e.action, e.data.get("name")) for e in entries]
    assert len(queries) == 1
    assert names == [
        ("secretary", "conference.created", None),
        ("secretary", "invitation.withdrawn", "vali"),
        ("secretary", "invitation.withdrawn", "ali"),
    ]
    assert list(activity_for_targets(targets=[])) == []


def test_phrases_use_the_targets_labels():
    conference = ConferenceFactory()
    membership = MembershipFactory(council__name="Education council")
    entries = [
        activity_record(
            action=Action.CONFERENCE_STATUS_CHANGED,
            target=conference,
            data={"from": "draft", "to": "scheduled"},
        ),
        activity_record(
            action=Action.CONFERENCE_MOVED,
            target=conference,
            data={
                "changed": ["duration_minutes", "presentations", "starts_at"],
                "from": "2030-03-14T05:00:00+00:00",
                "to": "2030-03-15T06:30:00+00:00",
            },
        ),
        activity_record(
            action=Action.CONFERENCE_INVITED,
            target=conference,
            data={"source": "council", "count": 3},
        ),
        activity_record(
            action=Action.MEMBERSHIP_ADDED,
            target=membership,
            data={
                "council": "Education council",
                "role": "chair",
                "start_date": "2024-01-01",
                "end_date": None,
            },
        ),
        activity_record(
            action=Action.MEMBERSHIP_ENDED,
            target=membership,
            data={"council": "Education council", "from": None, "to": "2025-06-30"},
        ),
    ]
    with translation.override("en"):
        assert [activity_what(entry) for entry in entries] == [
            "Status changed from Draft to Scheduled",
            "Moved from 2030-03-14 10:00 to 2030-03-15 11:30; also changed: duration (minutes), presentations",
            "3 people invited (Council member)",
            "Term on Education council added: Chair from 2024-01-01",
            "Term on Education council ends on 2025-06-30 (was open-ended)",
        ]


def test_an_unknown_action_reads_as_its_code():
    entry = ActivityLog(action="conference.renamed", actor_label=IMPORT, data={})
    assert (activity_who(entry), activity_what(entry)) == ("import", "conference.renamed")


@pytest.mark.parametrize("size", [1, 3])
def test_the_log_block_costs_one_query_at_any_size(size, django_user_model):
    conference = ConferenceFactory()
    for n in range(size):
        user = django_user_model.objects.create_user(f"user{n}")
        activity_record(
            action=Action.CONFERENCE_UPDATED,
            target=conference,
            by=user,
            data={"changed": ["title"]},
        )
    activity_for(target=conference).count()  # content types cached, as in a running process
    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        html = render_to_string("activity/_log.html", {"entries": activity_for(target=conference)})
    assert len(queries) == 1
    assert html.count("Changed: topic") == size
    assert [f"<td>user{n}</td>" in html for n in range(size)] == [True] * size


def test_organisations_councils_and_templates_log_created_then_the_fields_changed(secretary):
    from experts.models import Council, Organization
    from experts.services import council_save, organization_save
    from pressroom.models import ReleaseTemplate
    from pressroom.services import release_template_save

    organization = organization_save(
        organization=Organization(name="Fan akademiyasi"), by=secretary
    )
    organization.mission = "Ilm"
    organization_save(organization=organization, by=secretary)
    organization_save(organization=organization, by=secretary)  # nothing changed: no entry
    council = council_save(council=Council(name="Kengash"), by=secretary)
    template = release_template_save(
        template=ReleaseTemplate(language="uz-Cyrl", name="A", title="T", body="B", active=False),
        by=secretary,
    )
    template.body = "B2"
    release_template_save(template=template, by=secretary)

    def log(target):
        return [(e.action, e.data, e.actor) for e in activity_for(target=target).reverse()]

    assert log(organization) == [
        ("organization.created", {}, secretary),
        ("organization.updated", {"changed": ["mission"]}, secretary),
    ]
    assert log(council) == [("council.created", {}, secretary)]
    assert log(template) == [
        ("template.created", {}, secretary),
        ("template.updated", {"changed": ["body"]}, secretary),
    ]
