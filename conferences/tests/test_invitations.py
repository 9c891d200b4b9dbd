import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conferences.invitations import (
    invitation_cancel,
    invitations_add,
    invitations_from_council,
    invitations_send,
)
from conferences.invitees import Invitee, invitee_rows_validate
from conferences.models import Conference, Invitation, OutboundMessage
from conferences.selectors import invitation_counts, invitation_list
from conferences.services import conference_set_status
from experts.tests.factories import ExpertFactory, MembershipFactory, OrganizationFactory

from .factories import ConferenceFactory

pytestmark = pytest.mark.django_db
Kind = OutboundMessage.Kind
State = OutboundMessage.State


@pytest.fixture
def conference():
    conference = ConferenceFactory(join_url="https://zoom.example/j/123")
    conference_set_status(conference=conference, status=Conference.Status.SCHEDULED)
    return conference


def test_rows_validate_reports_each_bad_row_by_index_and_field():
    rows = [
        {"name": "Ali", "email": "ali@example.org", "language": "ru", "timezone": "Europe/Berlin"},
        {"name": "", "email": "not-an-email"},
        {"name": "Vali", "email": "ALI@example.org"},
        {"name": "Gani", "email": "g@example.org", "language": "de", "timezone": "Mars/Base"},
        {"name": "Hasan", "email": "h@example.org", "phone": "123"},
        {"email": "nameless@example.org"},
    ]
    invitees, errors = invitee_rows_validate(rows)
    assert invitees == [
        Invitee(name="Ali", email="ali@example.org", language="ru", timezone="Europe/Berlin")
    ]
    assert [(e.index, e.field) for e in errors] == [
        (1, "name"),
        (1, "email"),
        (2, "email"),
        (3, "language"),
        (3, "timezone"),
        (4, "phone"),
        (5, "name"),
    ]
    assert errors[2].message == "'ALI@example.org' already appears in row 0."


def test_language_is_matched_without_regard_to_case():
    invitees, errors = invitee_rows_validate(
        [{"name": "A", "email": "a@x.org", "language": "UZ-latn"}]
    )
    assert errors == []
    assert invitees[0].language == "uz-Latn"


def test_add_is_idempotent_by_email_in_any_case(conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = invitations_add(
            conference=conference,
            invitees=[Invitee(name="Ali", email="Ali@Example.org")],
            source=Invitation.Source.MANUAL,
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = invitations_add(
            conference=conference,
            invitees=[Invitee(name="Ali Valiyev", email="ALI@example.ORG", language="en")],
            source=Invitation.Source.CSV,
        )
    assert first[0].pk == second[0].pk
    invitation = Invitation.objects.get()
    assert (invitation.name, invitation.email_lower, invitation.language) == (
        "Ali Valiyev",
        "ali@example.org",
        "en",
    )
    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.get().state == State.SENT


def test_database_refuses_the_same_email_twice(conference):
    invitations_add(
        conference=conference,
        invitees=[Invitee(name="A", email="a@x.org")],
        source="manual",
        send=False,
    )
    duplicate = Invitation.objects.get()
    duplicate.pk = None
    duplicate.token_hash = "other"
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.parametrize("status", [Conference.Status.DRAFT, Conference.Status.CANCELLED])
def test_only_a_scheduled_conference_takes_invitations(status):
    conference = ConferenceFactory()
    if status == Conference.Status.CANCELLED:
        conference_set_status(conference=conference, status=status)
    with pytest.raises(ValidationError) as exc:
        invitations_add(
            conference=conference, invitees=[Invitee(name="A", email="a@x.org")], source="manual"
        )
    assert list(exc.value.message_dict) == ["conference"]
    assert Invitation.objects.count() == 0


def test_council_members_are_invited_in_their_language_and_zone(
    conference, django_capture_on_commit_callbacks
):
    org = OrganizationFactory(name="Hult International Business School")
    expert = ExpertFactory(
        full_name="Hamid Irgashev",
        email="Hamid@Hult.example",
        organization=org,
        preferred_language="ru",
        time_zone="Europe/London",
    )
    MembershipFactory(expert=expert, council=conference.council)
    MembershipFactory(
        council=conference.council, end_date=datetime.date(2021, 1, 1)
    )  # a former member
    with django_capture_on_commit_callbacks(execute=True):
        invitations = invitations_from_council(conference=conference)
    assert [
        (i.name, i.email, i.language, i.timezone, i.organization, i.expert_id) for i in invitations
    ] == [("Hamid Irgashev", "Hamid@Hult.example", "ru", "Europe/London", org.name, expert.pk)]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Hamid@Hult.example"]
    assert message.subject == f"Приглашение: {conference.title}"


def test_send_is_safe_to_repeat(conference, django_capture_on_commit_callbacks):
    invitations_add(
        conference=conference,
        invitees=[Invitee(name=f"P{i}", email=f"p{i}@x.org") for i in range(3)],
        source="manual",
        send=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_send(conference=conference) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_send(conference=conference) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@x.org", "p1@x.org", "p2@x.org"]
    counts = invitation_counts(conference=conference)
    assert counts["delivery"] == {"pending": 0, "sending": 0, "sent": 3, "failed": 0, "skipped": 0}
    assert counts["answers"] == {"none": 3, "accepted": 0, "declined": 0}


def test_cancel_one_sends_a_calendar_cancellation(conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [invitation] = invitations_add(
            conference=conference,
            invitees=[Invitee(name="A", email="a@x.org", language="en")],
            source="manual",
        )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_cancel(invitation=invitation)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_cancel(invitation=invitation)
    assert [m.subject for m in mail.outbox] == [
        f"Invitation: {conference.title}",
        f"Cancelled: {conference.title}",
    ]
    ics = mail.outbox[1].attachments[0]
    assert "METHOD:CANCEL" in ics[1]


def test_list_and_counts_do_not_grow_with_rows(conference, django_assert_num_queries):
    for size in (1, 4):
        invitations_add(
            conference=conference,
            invitees=[Invitee(name=f"P{i}", email=f"s{size}-{i}@x.org") for i in range(size)],
            source="manual",
            send=False,
        )
        with django_assert_num_queries(2):
            rows = list(invitation_list(conference=conference))
            for row in rows:
                list(row.messages.all())
        with django_assert_num_queries(2):
            invitation_counts(conference=conference)


def test_adding_many_costs_the_same_queries_as_adding_few(conference):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (2, 40):
        invitees = [Invitee(name=f"P{i}", email=f"n{size}-{i}@x.org") for i in range(size)]
        with CaptureQueriesContext(connection) as queries:
            invitations_add(conference=conference, invitees=invitees, source="csv")
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_same_person_twice_in_one_call_is_one_invitation(conference):
    result = invitations_add(
        conference=conference,
        invitees=[Invitee(name="A", email="a@x.org"), Invitee(name="A. Again", email="A@X.org")],
        source="manual",
        send=False,
    )
    assert result[0] is result[1]
    assert list(Invitation.objects.values_list("name", "email_lower")) == [("A. Again", "a@x.org")]


def test_withdrawn_before_mailing_then_invited_again_gets_the_invitation(
    conference, django_capture_on_commit_callbacks
):
    [invitation] = invitations_add(
        conference=conference, invitees=[Invitee(name="A", email="a@x.org")], source="manual"
    )  # queued, not yet sent (the commit callbacks did not run)
    invitation_cancel(invitation=invitation)
    assert OutboundMessage.objects.get().state == State.SKIPPED
    with django_capture_on_commit_callbacks(execute=True):
        invitations_add(
            conference=conference, invitees=[Invitee(name="A", email="a@x.org")], source="manual"
        )
    assert [m.to for m in mail.outbox] == [["a@x.org"]]
    assert OutboundMessage.objects.get().state == State.SENT


def test_mailed_withdrawn_and_invited_again_gets_a_newer_request(
    conference, django_capture_on_commit_callbacks
):
    import icalendar

    def add():
        with django_capture_on_commit_callbacks(execute=True):
            return invitations_add(
                conference=conference,
                invitees=[Invitee(name="A", email="a@x.org", language="en")],
                source="manual",
            )[0]

    invitation = add()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_cancel(invitation=invitation)
    add()
    calendars = [icalendar.Calendar.from_ical(m.attachments[0][1]) for m in mail.outbox]
    assert [(c["METHOD"], c.walk("VEVENT")[0]["SEQUENCE"]) for c in calendars] == [
        ("REQUEST", 0),
        ("CANCEL", 1),  # above the REQUEST it cancels (RFC 5546), or calendars ignore it
        ("REQUEST", 2),
    ]


def test_list_shows_delivery_state_attempts_error_and_answer_per_person(conference):
    invitations_add(
        conference=conference,
        invitees=[
            Invitee(name="Ali", email="ali@x.org", organization="TDTU"),
            Invitee(name="Vali", email="vali@x.org"),
            Invitee(name="Gani", email="gani@x.org"),
        ],
        source="manual",
        send=False,
    )
    ali, vali, gani = (Invitation.objects.get(name=n) for n in ("Ali", "Vali", "Gani"))
    OutboundMessage.objects.create(invitation=ali, kind=Kind.INVITATION, state=State.SENT)
    OutboundMessage.objects.create(
        invitation=vali,
        kind=Kind.INVITATION,
        state=State.FAILED,
        attempts=3,
        last_error="vali@x.org: 550 No such user",
    )
    Invitation.objects.filter(pk=ali.pk).update(answer="accepted")
    rows = {
        i.name: (i.delivery_state, i.delivery_attempts, i.delivery_error, i.answer)
        for i in invitation_list(conference=conference)
    }
    assert rows == {
        "Ali": ("sent", 0, "", "accepted"),
        "Gani": (None, None, None, "none"),
        "Vali": ("failed", 3, "vali@x.org: 550 No such user", "none"),
    }
    names = lambda **f: [i.name for i in invitation_list(conference=conference, filters=f)]  # noqa: E731
    assert names(state="failed") == ["Vali"]
    assert names(answer="accepted") == ["Ali"]
    assert names(q="tdtu") == ["Ali"]
    assert names(cancelled=False) == ["Ali", "Gani", "Vali"]
    counts = invitation_counts(conference=conference)
    assert counts["delivery"] == {"pending": 0, "sending": 0, "sent": 1, "failed": 1, "skipped": 0}
    assert counts["answers"] == {"none": 2, "accepted": 1, "declined": 0}
    assert counts["total"] == 3


def test_control_characters_are_removed_and_text_is_nfc():
    invitees, errors = invitee_rows_validate(
        [
            {
                "name": "A\x00B\x07 Qodirov",
                "email": "a@example.org\x00",
                "organization": "X\x00",
                "position": "Кафедра му\u0438\u0306и\x1b",
            }
        ]
    )
    assert errors == []
    assert invitees == [
        Invitee(name="AB Qodirov", email="a@example.org", organization="X", position="Кафедра муйи")
    ]


LINE_BREAK = "Must be one line: remove the line break (it came with the paste)."


def test_a_line_break_is_refused_naming_its_field_unless_folded():
    row = {
        "name": "Odil\nKattaev",
        "email": "odil@example.org",
        "organization": "TDTU\u2028Tashkent",
        "position": "Head of\r\ndepartment",
    }
    invitees, errors = invitee_rows_validate([row])
    assert invitees == []
    assert [(e.index, e.field, e.message) for e in errors] == [
        (0, "name", LINE_BREAK),
        (0, "organization", LINE_BREAK),
        (0, "position", LINE_BREAK),
    ]
    invitees, errors = invitee_rows_validate([row], fold_lines=True)
    assert errors == []
    assert invitees == [
        Invitee(
            name="Odil Kattaev",
            email="odil@example.org",
            organization="TDTU Tashkent",
            position="Head of department",
        )
    ]


def test_row_limits_and_messages_come_from_the_model():
    name_max = Invitation._meta.get_field("name").max_length
    text_max = Invitation._meta.get_field("organization").max_length
    long_email = "a" * 250 + "@x.org"
    rows = [
        {"name": "N" * name_max, "email": "n@x.org", "organization": "O" * text_max},
        {"name": "N" * (name_max + 1), "email": "m@x.org", "position": "P" * (text_max + 1)},
        {"name": 12, "email": long_email, "language": ["en"]},
        {"name": "  ", "email": "e@x.org", "timezone": "Europe/Nowhere"},
        {"email": "f@x.org", "address": "Tashkent"},
        "not a row",
    ]
    invitees, errors = invitee_rows_validate(rows)
    assert [i.email for i in invitees] == ["n@x.org"]
    assert [(e.index, e.field, e.message) for e in errors] == [
        (1, "name", "At most 200 characters."),
        (1, "position", "At most 300 characters."),
        (2, "name", "Must be text."),
        (2, "email", f"'{long_email}' is not a valid email address."),
        (2, "language", "Must be text."),
        (3, "name", "This field may not be empty."),
        (3, "timezone", "'Europe/Nowhere' is not an IANA time zone name such as America/New_York."),
        (
            4,
            "address",
            "Unknown field; allowed: name, email, organization, position, language, timezone.",
        ),
        (4, "name", "This field is missing."),
        (5, "row", "A row must be an object of named fields."),
    ]
    assert (name_max, text_max) == (200, 300)


def test_defaults_are_the_models():
    [invitee], _errors = invitee_rows_validate([{"name": "A", "email": "a@x.org", "language": ""}])
    assert (invitee.language, invitee.timezone) == (
        Invitation._meta.get_field("language").default,
        Invitation._meta.get_field("timezone").default,
    )
    assert (invitee.language, invitee.timezone) == ("uz-Cyrl", "Asia/Tashkent")
