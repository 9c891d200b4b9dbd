"""registrations_add: an organisation registers people for a scheduled conference; the partner
API is one door to it (partners/tests/test_registrations.py)."""

import pytest
from django.core.exceptions import ValidationError

from conferences.invitations import invitations_add
from conferences.invitees import Invitee, RowError
from conferences.models import Conference, Invitation, OutboundMessage, PartnerRegistration
from conferences.registrations import AcceptedRow, RegistrationResult, registrations_add
from conferences.services import conference_set_status
from conferences.signals import invitations_registered
from conferences.tests.factories import after_start
from experts.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    return OrganizationFactory(name="Ministry of Higher Education")


@pytest.fixture
def heard():
    """What invitations_registered told its receivers, in order."""
    told = []

    def receiver(sender, **kwargs):
        told.append((sender, kwargs["conference"].pk, kwargs["invitation_ids"]))

    invitations_registered.connect(receiver, dispatch_uid="test_registrations.heard")
    yield told
    invitations_registered.disconnect(dispatch_uid="test_registrations.heard")


def _row(n, **fields):
    return {"name": f"Person {n}", "email": f"person{n}@edu.uz", **fields}


def test_rows_are_accepted_or_refused_by_index(
    scheduled_conference, partner, heard, django_capture_on_commit_callbacks
):
    rows = [_row(0), {"name": "", "email": "person0@EDU.uz"}, "a string", _row(3, position="Dean")]
    with django_capture_on_commit_callbacks(execute=True):
        result = registrations_add(conference=scheduled_conference, organization=partner, rows=rows)

    invitations = list(Invitation.objects.order_by("pk"))
    assert result == RegistrationResult(
        accepted=[AcceptedRow(0, invitations[0].pk), AcceptedRow(3, invitations[1].pk)],
        refused=[
            RowError(1, "name", "This field may not be empty."),
            RowError(2, "row", "A row must be an object of named fields."),
        ],
    )
    assert [(i.email, i.source, i.registered_by) for i in invitations] == [
        ("person0@edu.uz", "registration", partner),
        ("person3@edu.uz", "registration", partner),
    ]
    assert OutboundMessage.objects.filter(kind="invitation").count() == 2
    assert heard == [(Invitation, scheduled_conference.pk, [invitations[0].pk, invitations[1].pk])]


def test_registering_again_updates_the_same_invitation(scheduled_conference, partner):
    first = registrations_add(
        conference=scheduled_conference, organization=partner, rows=[_row(1, position="Dean")]
    )
    again = registrations_add(
        conference=scheduled_conference,
        organization=partner,
        rows=[_row(1, email="PERSON1@edu.uz", position="Rector")],
    )
    assert again.accepted == first.accepted
    assert Invitation.objects.get().position == "Rector"


def test_an_organisation_changes_only_its_own_registrations(
    scheduled_conference, partner, heard, django_capture_on_commit_callbacks
):
    other = OrganizationFactory(name="Ministry of Innovation")
    invitations_add(
        conference=scheduled_conference,
        invitees=[Invitee(name="Staff pick", email="a@edu.uz")],
        source="manual",
    )
    registrations_add(
        conference=scheduled_conference, organization=other, rows=[_row(2, email="b@edu.uz")]
    )
    changed = [{"name": "Changed", "email": "a@edu.uz"}, {"name": "Changed", "email": "B@edu.uz"}]

    with django_capture_on_commit_callbacks(execute=True):
        mine = registrations_add(
            conference=scheduled_conference, organization=partner, rows=changed
        )
        staff = registrations_add(conference=scheduled_conference, organization=None, rows=changed)

    ids = dict(Invitation.objects.values_list("email", "pk"))
    for result in (mine, staff):
        assert result == RegistrationResult(
            accepted=[AcceptedRow(0, ids["a@edu.uz"]), AcceptedRow(1, ids["b@edu.uz"])],
            refused=[],
        )
    assert sorted(Invitation.objects.values_list("name", flat=True)) == ["Person 2", "Staff pick"]
    assert heard == []
    # What the partner sent is kept as its own registration of each, apart from the invitations.
    assert sorted(
        PartnerRegistration.objects.filter(organization_by=partner).values_list("name", "email")
    ) == [("Changed", "B@edu.uz"), ("Changed", "a@edu.uz")]


@pytest.mark.parametrize("status", ["draft", "held", "cancelled"])
def test_only_a_scheduled_conference_takes_registrations(
    status, scheduled_conference, partner, heard, django_capture_on_commit_callbacks
):
    conference = scheduled_conference
    path = {"draft": ["cancelled", "draft"], "held": ["held"], "cancelled": ["cancelled"]}[status]
    for step in path:
        with after_start(conference):
            conference_set_status(conference=conference, status=step)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError) as caught:
            registrations_add(conference=conference, organization=partner, rows=[_row(1)])

    label = Conference.Status(status).label
    assert caught.value.message_dict == {
        "conference": [f"Only a scheduled conference takes registrations (this one is {label})."]
    }
    assert Invitation.objects.count() == 0
    assert heard == []


def test_the_signal_waits_for_the_commit(
    scheduled_conference, partner, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = registrations_add(
            conference=scheduled_conference, organization=partner, rows=[_row(1)]
        )
    assert heard == []
    for callback in callbacks:
        callback()
    assert heard == [(Invitation, scheduled_conference.pk, [result.accepted[0].invitation_id])]


def test_a_batch_mixing_someone_invited_by_staff_and_a_new_person_keeps_row_order(
    scheduled_conference, partner, heard, django_capture_on_commit_callbacks
):
    invitations_add(
        conference=scheduled_conference,
        invitees=[Invitee(name="Staff pick", email="a@edu.uz")],
        source="manual",
    )
    rows = [_row(1), {"name": "Changed", "email": "A@edu.uz"}]
    with django_capture_on_commit_callbacks(execute=True):
        result = registrations_add(conference=scheduled_conference, organization=partner, rows=rows)

    new = Invitation.objects.get(email="person1@edu.uz")
    staff_pick = Invitation.objects.get(email="a@edu.uz")
    assert result == RegistrationResult(
        accepted=[AcceptedRow(0, new.pk), AcceptedRow(1, staff_pick.pk)], refused=[]
    )
    assert Invitation.objects.get(email="a@edu.uz").name == "Staff pick"
    assert heard == [(Invitation, scheduled_conference.pk, [new.pk])]
