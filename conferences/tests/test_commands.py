import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from conferences.invitations import invitations_from_csv
from conferences.invitees import Invitee
from conferences.models import Invitation, OutboundMessage
from experts.tests.factories import ExpertFactory, MembershipFactory

from .factories import ConferenceFactory

pytestmark = pytest.mark.django_db

HEADER = "name,email,organization,position,language,timezone\n"
GOOD = HEADER + (
    "Odilbek Kattaev,odilbek@example.org,Corporate University,Expert,ru,Europe/Moscow\n"
    "Hamid Irgashev,hamid@example.org,Hult,Assistant professor,en,Europe/London\n"
    '"Rustamov, Zafarbek",zafar@example.org,ZiyoTech,Head,uz-Latn,America/New_York\n'
)
BAD = HEADER + (
    "Odilbek Kattaev,odilbek@example.org,Corporate University,Expert,ru,Europe/Moscow\n"
    "Nobody,not-an-email,,,en,Europe/London\n"
    "Hamid Irgashev,hamid@example.org,Hult,Assistant professor,de,Europe/London\n"
    "Someone,some@example.org,,,en,Mars/Olympus\n"
    "Again,ODILBEK@example.org,,,en,Asia/Tashkent\n"
    "Short,short@example.org\n"
)
BAD_LINES = [
    "Line 3: email: 'not-an-email' is not a valid email address.",
    "Line 4: language: 'de' is not one of uz-Cyrl, uz-Latn, ru, en.",
    "Line 5: timezone: 'Mars/Olympus' is not an IANA time zone name such as America/New_York.",
    "Line 6: email: 'ODILBEK@example.org' already appears in row 0.",
    "Line 7: expected 6 columns.",
]


@pytest.fixture
def csv_file(tmp_path):
    def write(text, name="people.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_csv_with_bad_rows_is_refused_whole(scheduled_conference, csv_file):
    stderr = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("invite", scheduled_conference.external_id, csv=csv_file(BAD), stderr=stderr)
    assert str(exc.value) == "Refused, nothing imported."
    assert stderr.getvalue().splitlines() == [f"file: {line}" for line in BAD_LINES]
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Line 1: the header must be name,email,organization,position,language,timezone."),
        (
            "email,name\na@x.org,A\n",
            "Line 1: the header must be name,email,organization,position,language,timezone.",
        ),
        (HEADER, "The file has no rows."),
    ],
)
def test_csv_with_bad_header_or_no_rows(scheduled_conference, text, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        invitations_from_csv(conference=scheduled_conference, file=text.encode())
    assert exc.value.message_dict == {"file": [message]}


def test_csv_in_neither_utf8_nor_cp1251_is_refused(scheduled_conference):
    from django.core.exceptions import ValidationError

    # 0x98 is the one byte Windows-1251 leaves undefined; 0xff 0xfe... would be UTF-16's BOM.
    data = HEADER.encode() + b"\x98\x81,a@x.org,,,,\r\n"
    with pytest.raises(ValidationError) as exc:
        invitations_from_csv(conference=scheduled_conference, file=data)
    assert exc.value.message_dict == {"file": ["The file is neither UTF-8 nor Windows-1251 text."]}


def test_good_csv_invites_and_sends(
    scheduled_conference, csv_file, django_capture_on_commit_callbacks
):
    stdout = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("invite", scheduled_conference.external_id, csv=csv_file(GOOD), stdout=stdout)
    assert stdout.getvalue() == f"3 people invited to {scheduled_conference.external_id}.\n"
    rows = Invitation.objects.order_by("email").values_list(
        "name", "email", "organization", "language", "timezone", "source"
    )
    assert list(rows) == [
        ("Hamid Irgashev", "hamid@example.org", "Hult", "en", "Europe/London", "csv"),
        (
            "Odilbek Kattaev",
            "odilbek@example.org",
            "Corporate University",
            "ru",
            "Europe/Moscow",
            "csv",
        ),
        (
            "Rustamov, Zafarbek",
            "zafar@example.org",
            "ZiyoTech",
            "uz-Latn",
            "America/New_York",
            "csv",
        ),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "hamid@example.org",
        "odilbek@example.org",
        "zafar@example.org",
    ]
    # The same file again doubles nobody.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("invite", scheduled_conference.external_id, csv=csv_file(GOOD), stdout=stdout)
    assert Invitation.objects.count() == 3
    assert len(mail.outbox) == 3


def test_invite_council_then_send_later(scheduled_conference, django_capture_on_commit_callbacks):
    expert = ExpertFactory(email="member@example.org")
    MembershipFactory(expert=expert, council=scheduled_conference.council)
    call_command(
        "invite", scheduled_conference.external_id, council=True, no_send=True, stdout=io.StringIO()
    )
    assert mail.outbox == []
    stdout = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_invitations", scheduled_conference.external_id, stdout=stdout)
    assert stdout.getvalue() == f"1 messages queued for {scheduled_conference.external_id}.\n"
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    assert OutboundMessage.objects.get().state == "sent"


def test_commands_refuse_unknown_conference_missing_file_and_draft(csv_file):
    with pytest.raises(CommandError) as exc:
        call_command("send_invitations", "no-such-thing")
    assert str(exc.value) == "No conference with external id 'no-such-thing'."
    with pytest.raises(CommandError) as exc:
        call_command("invite", "no-such-thing", council=True)
    assert str(exc.value) == "No conference with external id 'no-such-thing'."
    draft = ConferenceFactory()
    with pytest.raises(CommandError) as exc:
        call_command("send_invitations", draft.external_id)
    assert str(exc.value) == (
        "conference: Only a scheduled conference takes invitations (this one is Draft)."
    )
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("invite", draft.external_id, csv=csv_file(GOOD), stderr=stderr)
    assert "conference: Only a scheduled conference" in stderr.getvalue()
    with pytest.raises(CommandError) as exc:
        call_command("invite", draft.external_id, csv="/nonexistent/people.csv")
    assert str(exc.value) == "/nonexistent/people.csv: cannot be read (No such file or directory)"
    assert Invitation.objects.count() == 0


def test_a_line_break_in_a_csv_field_is_folded_into_a_space():
    from conferences.invitees import invitees_from_csv

    data = (
        HEADER.encode() + b'"Odil\r\nKattaev",odil@example.org,TDTU,"Head of\ndepartment",en,\r\n'
    )
    assert invitees_from_csv(file=data) == [
        Invitee(
            name="Odil Kattaev",
            email="odil@example.org",
            organization="TDTU",
            position="Head of department",
            language="en",
        )
    ]


def _csv_errors(data: bytes) -> list[str]:
    from django.core.exceptions import ValidationError

    from conferences.invitees import invitees_from_csv

    with pytest.raises(ValidationError) as exc:
        invitees_from_csv(file=data)
    return exc.value.message_dict["file"]


def test_csv_line_numbers_count_blank_lines_and_quoted_line_breaks():
    data = (
        b"name,email,organization,position,language,timezone\r\n"  # 1
        b"Odil,odil@x.org,,,en,\r\n"  # 2
        b"\r\n"  # 3: blank
        b'"Hamid\r\nIrgashev",bad-email,,,en,\r\n'  # 4-5
        b",,,,,\r\n"  # 6: a row of empty cells
        b'Zafar,zafar@x.org,"Ziyo\r\nTech\r\nLLC",,de,\r\n'  # 7-9
        b"\r\n"  # 10: blank
        b"Short,short@x.org\r\n"  # 11
        b'Long,long@x.org,,,en,Asia/Tashkent,"extra\nlines"\r\n'  # 12-13
        b"Last,ODIL@x.org,,,en,\r\n"  # 14
    )
    assert _csv_errors(data) == [
        "Line 4: email: 'bad-email' is not a valid email address.",
        "Line 7: language: 'de' is not one of uz-Cyrl, uz-Latn, ru, en.",
        "Line 11: expected 6 columns.",
        "Line 12: expected 6 columns.",
        "Line 14: email: 'ODIL@x.org' already appears in row 0.",
    ]


def test_csv_of_blank_rows_only_has_no_rows():
    data = HEADER.encode() + b"\r\n,,,,,\r\n , ,\t,,,\r\n\r\n"
    assert _csv_errors(data) == ["The file has no rows."]


EXCEL_PEOPLE = [
    Invitee(
        name="Каттаев Одилбек",
        email="odilbek@example.org",
        organization="Ўзбекистон; Тошкент",
        position="Эксперт",
        language="ru",
        timezone="Europe/Moscow",
    ),
    Invitee(name="Hamid Irgashev", email="hamid@example.org", language="en"),
]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "header"),
    [
        # Excel's plain "CSV" on a Russian Windows: Windows-1251, semicolons.
        ("cp1251", ";", "name;email;organization;position;language;timezone"),
        # Excel's "CSV UTF-8": a BOM, the list separator of the locale.
        ("utf-8-sig", ",", "Name,Email,Organization,Position,Language,Timezone"),
        ("utf-8-sig", ";", "EMAIL;Name;TIMEZONE;language;Position;Organization"),
        ("utf-8", "\t", "email\tname\torganization\tposition\tlanguage\ttimezone"),
        # Excel's "Unicode text": UTF-16 with a BOM, tabs.
        ("utf-16", "\t", "Timezone\tLanguage\tPosition\tOrganization\tEmail\tName"),
    ],
)
def test_csv_as_spreadsheets_save_it(encoding, delimiter, header):
    from conferences.invitees import invitees_from_csv

    columns = [name.lower() for name in header.split(delimiter)]
    lines = [header]
    for person in EXCEL_PEOPLE:
        cells = []
        for column in columns:
            value = getattr(person, column)
            if column == "timezone" and value == "Asia/Tashkent":
                value = ""
            cells.append(f'"{value}"' if delimiter in value else value)
        lines.append(delimiter.join(cells))
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    assert invitees_from_csv(file=data) == EXCEL_PEOPLE


def test_a_csv_of_more_rows_than_allowed_is_refused_before_the_rows_beyond_are_read():
    rows = "".join(f"Person {n},person{n}@edu.uz,,,,\n" for n in range(20_001))
    # A broken row after the bound: it is never read, so it is never reported.
    data = (HEADER + rows + "only,three,columns\n").encode()
    assert _csv_errors(data) == [
        "The file has more than 20000 rows; split it into files of at most 20000 rows."
    ]


def test_a_csv_of_as_many_rows_as_allowed_is_read(settings):
    from conferences.invitees import invitees_from_csv

    settings.CSV_MAX_ROWS = 3
    rows = "".join(f"Person {n},person{n}@edu.uz,,,,\n" for n in range(3))
    invitees = invitees_from_csv(file=(HEADER + rows).encode())
    assert [i.email for i in invitees] == ["person0@edu.uz", "person1@edu.uz", "person2@edu.uz"]
    assert _csv_errors((HEADER + rows + "Person 3,person3@edu.uz,,,,\n").encode()) == [
        "The file has more than 3 rows; split it into files of at most 3 rows."
    ]
