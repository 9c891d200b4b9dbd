"""A conference's organisations, agenda and experts, written by their services only."""

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from conferences import signals
from conferences.imports import ConferenceImportError, conference_import
from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import ConferenceOrganization, OutboundMessage, Presentation
from conferences.services import (
    ProgramOrganization,
    ProgramPresentation,
    conference_experts_set,
    conference_program_set,
    conference_update,
)
from experts.models import Expert, Organization
from experts.tests.factories import ExpertFactory, OrganizationFactory

from .factories import ConferenceFactory, PresentationFactory

pytestmark = pytest.mark.django_db
Kind = OutboundMessage.Kind


def _organizations(conference):
    return [
        (row.organization_id, row.role, row.order, sorted(p.pk for p in row.representatives.all()))
        for row in conference.organization_roles.order_by("order", "pk")
    ]


def _agenda(conference):
    return list(
        conference.presentations.order_by("order").values_list(
            "order", "title", "presenter_id", "slides"
        )
    )


@pytest.fixture
def heard():
    """What conference_program_changed tells its receivers, in order."""
    told = []

    def receiver(sender, **kwargs):
        told.append(kwargs["changed"])

    signals.conference_program_changed.connect(receiver, dispatch_uid="test_program_heard")
    yield told
    signals.conference_program_changed.disconnect(dispatch_uid="test_program_heard")


def test_program_is_written_as_given_and_saving_it_again_changes_nothing(heard):
    conference = ConferenceFactory()
    host, partner = OrganizationFactory(), OrganizationFactory()
    ann, bob, cem = ExpertFactory(), ExpertFactory(), ExpertFactory()
    organizations = [
        ProgramOrganization(organization=host, role="organizer", order=0),
        # A primary key is as good as the row.
        ProgramOrganization(
            organization=partner.pk, role="partner", order=1, representatives=[ann, bob.pk]
        ),
    ]
    presentations = [
        ProgramPresentation(order=2, title="Second", presenter=cem.pk),
        ProgramPresentation(order=1, title="First", presenter=ann),
    ]

    changed = conference_program_set(
        conference=conference, organizations=organizations, presentations=presentations
    )

    assert changed == {"organizations", "presentations"}
    assert _organizations(conference) == [
        (host.pk, "organizer", 0, []),
        (partner.pk, "partner", 1, sorted([ann.pk, bob.pk])),
    ]
    assert _agenda(conference) == [(1, "First", ann.pk, ""), (2, "Second", cem.pk, "")]
    rows = sorted(ConferenceOrganization.objects.values_list("pk", flat=True))
    talks = sorted(Presentation.objects.values_list("pk", flat=True))

    again = conference_program_set(
        conference=conference, organizations=organizations, presentations=presentations
    )

    assert again == set()
    assert sorted(ConferenceOrganization.objects.values_list("pk", flat=True)) == rows
    assert sorted(Presentation.objects.values_list("pk", flat=True)) == talks
    assert heard == [{"organizations", "presentations"}]


def test_program_replaces_what_was_there_and_keeps_rows_whose_key_stays(heard):
    conference = ConferenceFactory()
    other = ConferenceFactory()
    host, gone = OrganizationFactory(), OrganizationFactory()
    ann, bob = ExpertFactory(), ExpertFactory()
    kept_role = ConferenceOrganization.objects.create(
        conference=conference, organization=host, role="organizer", order=0
    )
    kept_role.representatives.set([ann])
    ConferenceOrganization.objects.create(
        conference=conference, organization=gone, role="partner", order=1
    )
    kept_talk = PresentationFactory(
        conference=conference, order=1, title="Old", presenter=ann, slides="slides/old.pdf"
    )
    PresentationFactory(conference=conference, order=2, title="Dropped", presenter=bob)
    PresentationFactory(conference=other, order=1, title="Elsewhere", presenter=bob)

    changed = conference_program_set(
        conference=conference,
        organizations=[
            ProgramOrganization(organization=host, role="organizer", order=3, representatives=[bob])
        ],
        presentations=[
            # No slides given: the talk at this order keeps its file.
            ProgramPresentation(order=1, title="Renamed", presenter=bob),
            ProgramPresentation(order=3, title="New", presenter=ann, slides="slides/new.pdf"),
        ],
    )

    assert changed == {"organizations", "presentations"}
    assert _organizations(conference) == [(host.pk, "organizer", 3, [bob.pk])]
    assert conference.organization_roles.get().pk == kept_role.pk
    assert _agenda(conference) == [
        (1, "Renamed", bob.pk, "slides/old.pdf"),
        (3, "New", ann.pk, "slides/new.pdf"),
    ]
    assert conference.presentations.get(order=1).pk == kept_talk.pk
    assert _agenda(other) == [(1, "Elsewhere", bob.pk, "")]
    assert heard == [{"organizations", "presentations"}]


def test_an_empty_program_removes_everything():
    conference = ConferenceFactory()
    PresentationFactory(conference=conference, order=1)
    ConferenceOrganization.objects.create(
        conference=conference, organization=OrganizationFactory(), role="partner"
    )
    assert conference_program_set(conference=conference, organizations=[], presentations=[]) == {
        "organizations",
        "presentations",
    }
    assert (_organizations(conference), _agenda(conference)) == ([], [])


def _bad_inputs():
    """(name, organizations, presentations, the error the service gives) for each rule."""
    return [
        (
            "order twice",
            [],
            [
                ProgramPresentation(order=1, title="A", presenter="ann"),
                ProgramPresentation(order=1, title="B", presenter="ann"),
            ],
            {"presentations[1].order": ["Order 1 is used twice."]},
        ),
        (
            "order zero",
            [],
            [ProgramPresentation(order=0, title="A", presenter="ann")],
            {"presentations[0].order": ["Must be a whole number from 1 to 32767."]},
        ),
        (
            "order as text",
            [],
            [ProgramPresentation(order="1", title="A", presenter="ann")],
            {"presentations[0].order": ["Must be a whole number from 1 to 32767."]},
        ),
        (
            "blank title",
            [],
            [ProgramPresentation(order=1, title="  ", presenter="ann")],
            {"presentations[0].title": ["A talk needs a title."]},
        ),
        (
            "long title",
            [],
            [ProgramPresentation(order=1, title="x" * 301, presenter="ann")],
            {"presentations[0].title": ["Must be at most 300 characters."]},
        ),
        (
            "unknown presenter",
            [],
            [ProgramPresentation(order=1, title="A", presenter=999999)],
            {"presentations[0].presenter": ["No expert has the id 999999."]},
        ),
        (
            "unsaved presenter",
            [],
            [ProgramPresentation(order=1, title="A", presenter=Expert(full_name="New"))],
            {"presentations[0].presenter": ["<Expert: New> is not a saved row or its id."]},
        ),
        (
            "organisation as presenter",
            [],
            [ProgramPresentation(order=1, title="A", presenter="host")],
            {"presentations[0].presenter": ["<Organization: Host> is not a saved row or its id."]},
        ),
        (
            "unknown organisation",
            [ProgramOrganization(organization=999999, role="partner")],
            [],
            {"organizations[0].organization": ["No organisation has the id 999999."]},
        ),
        (
            "bad role",
            [ProgramOrganization(organization="host", role="sponsor")],
            [],
            {
                "organizations[0].role": [
                    "'sponsor' is not one of organizer, co_organizer, technical_organizer, partner."
                ]
            },
        ),
        (
            "listed twice in one role",
            [
                ProgramOrganization(organization="host", role="partner", order=0),
                ProgramOrganization(organization="host", role="partner", order=1),
            ],
            [],
            {
                "organizations[1].organization": [
                    "This organisation is listed twice in the role partner."
                ]
            },
        ),
        (
            "negative order",
            [ProgramOrganization(organization="host", role="partner", order=-1)],
            [],
            {"organizations[0].order": ["Must be a whole number from 0 to 32767."]},
        ),
        (
            "unknown representative",
            [
                ProgramOrganization(
                    organization="host", role="partner", representatives=["ann", 999999]
                )
            ],
            [],
            {"organizations[0].representatives": ["No expert has the id 999999."]},
        ),
    ]


@pytest.mark.parametrize(
    ("organizations", "presentations", "errors"),
    [case[1:] for case in _bad_inputs()],
    ids=[case[0] for case in _bad_inputs()],
)
def test_bad_program_names_the_field_and_changes_nothing(
    heard, organizations, presentations, errors
):
    conference = ConferenceFactory()
    ann = ExpertFactory()
    host = OrganizationFactory(name="Host")
    standing = {"ann": ann, "host": host}

    def resolve(value):
        return standing.get(value, value) if isinstance(value, str) else value

    organizations = [
        ProgramOrganization(
            organization=resolve(o.organization),
            role=o.role,
            order=o.order,
            representatives=[resolve(r) for r in o.representatives],
        )
        for o in organizations
    ]
    presentations = [
        ProgramPresentation(order=p.order, title=p.title, presenter=resolve(p.presenter))
        for p in presentations
    ]
    role = ConferenceOrganization.objects.create(
        conference=conference, organization=host, role="organizer", order=0
    )
    role.representatives.set([ann])
    PresentationFactory(conference=conference, order=1, title="Standing", presenter=ann)
    before = (_organizations(conference), _agenda(conference))

    with pytest.raises(ValidationError) as refused:
        conference_program_set(
            conference=conference, organizations=organizations, presentations=presentations
        )

    assert refused.value.message_dict == errors
    assert (_organizations(conference), _agenda(conference)) == before
    assert heard == []


def test_conference_update_refuses_a_bad_program_with_its_fields_unsaved():
    conference = ConferenceFactory(title="Kept")
    with pytest.raises(ValidationError) as refused:
        conference_update(
            conference=conference,
            title="New",
            presentations=[ProgramPresentation(order=1, title="", presenter=ExpertFactory())],
        )
    assert refused.value.message_dict == {"presentations[0].title": ["A talk needs a title."]}
    conference.refresh_from_db()
    assert (conference.title, _agenda(conference)) == ("Kept", [])


# --- who hears of a new agenda ---------------------------------------------------------------


def _invite(conference, capture):
    with capture(execute=True):
        invitations_add(
            conference=conference,
            invitees=[Invitee(name="Odilbek", email="odilbek@example.org", language="en")],
            source="manual",
        )


def _event(message):
    [(_filename, content, _mimetype)] = message.attachments
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    return event


def test_a_new_agenda_sends_everyone_mailed_an_update_with_it(
    scheduled_conference, django_capture_on_commit_callbacks
):
    ann = ExpertFactory(full_name="Ann Lee")
    PresentationFactory(conference=scheduled_conference, order=1, title="Old talk", presenter=ann)
    _invite(scheduled_conference, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        conference_program_set(
            conference=scheduled_conference,
            organizations=[],
            presentations=[ProgramPresentation(order=1, title="New talk", presenter=ann)],
        )

    assert [m.subject for m in mail.outbox] == [
        f"Invitation: {scheduled_conference.title}",
        f"Changed: {scheduled_conference.title}",
    ]
    update = _event(mail.outbox[1])
    assert update["SEQUENCE"] == 1
    assert "1. «New talk» — Ann Lee" in str(update["DESCRIPTION"])
    assert "Old talk" not in str(update["DESCRIPTION"])


def test_organisations_and_an_unchanged_agenda_mail_nobody(
    scheduled_conference, django_capture_on_commit_callbacks
):
    ann = ExpertFactory()
    PresentationFactory(conference=scheduled_conference, order=1, title="Talk", presenter=ann)
    _invite(scheduled_conference, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        changed = conference_program_set(
            conference=scheduled_conference,
            organizations=[ProgramOrganization(organization=OrganizationFactory(), role="partner")],
            presentations=[ProgramPresentation(order=1, title="Talk", presenter=ann)],
        )

    assert changed == {"organizations"}
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Invitation"]
    assert OutboundMessage.objects.filter(kind=Kind.UPDATE).count() == 0


def test_a_new_time_and_agenda_saved_together_make_one_update(
    scheduled_conference, django_capture_on_commit_callbacks
):
    _invite(scheduled_conference, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        changed = conference_update(
            conference=scheduled_conference,
            duration_minutes=90,
            organizations=[],
            presentations=[ProgramPresentation(order=1, title="Talk", presenter=ExpertFactory())],
        )

    assert changed == {"duration_minutes", "presentations"}
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Invitation", "Changed"]
    assert _event(mail.outbox[1])["SEQUENCE"] == 1


def test_a_draft_conference_agenda_mails_nobody(django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        conference_program_set(
            conference=conference,
            organizations=[],
            presentations=[ProgramPresentation(order=1, title="Talk", presenter=ExpertFactory())],
        )
    assert (conference.sequence, len(mail.outbox)) == (0, 0)


# --- experts who took part --------------------------------------------------------------------


def test_experts_set_writes_who_took_part(heard):
    conference = ConferenceFactory()
    ann, bob, cem = ExpertFactory(), ExpertFactory(), ExpertFactory()
    conference.experts.set([cem])

    assert conference_experts_set(conference=conference, experts=[ann, bob.pk]) is True
    assert sorted(conference.experts.values_list("pk", flat=True)) == sorted([ann.pk, bob.pk])
    assert conference_experts_set(conference=conference, experts=[bob, ann]) is False
    assert heard == [{"experts"}]


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        (999999, ["No expert has the id 999999."]),
        ("ann", ["'ann' is not a saved row or its id."]),
        (Expert(full_name="New"), ["<Expert: New> is not a saved row or its id."]),
    ],
)
def test_bad_experts_name_the_field_and_change_nothing(heard, given, errors):
    conference = ConferenceFactory()
    ann = ExpertFactory()
    conference.experts.set([ann])
    with pytest.raises(ValidationError) as refused:
        conference_experts_set(conference=conference, experts=[ann, given])
    assert refused.value.message_dict == {"experts": errors}
    assert list(conference.experts.all()) == [ann]
    assert heard == []


# --- the import writes through the same service -----------------------------------------------


def test_import_refuses_an_organisation_twice_in_one_role_and_writes_nothing():
    org = {"name": "ЗиёТек", "kind": "company", "country": "UZ", "role": "partner"}
    document = {
        "external_id": "twice",
        "language": "uz-Cyrl",
        "council": "Кенгаш",
        "title": "Мавзу",
        "starts_at": "2030-03-14T10:00:00+05:00",
        "status": "draft",
        "organizations": [org, dict(org)],
    }
    with pytest.raises(ConferenceImportError) as refused:
        conference_import(document=document)
    assert refused.value.errors == [
        "organizations[1].organization: This organisation is listed twice in the role partner."
    ]
    assert (Organization.objects.count(), ConferenceOrganization.objects.count()) == (0, 0)
