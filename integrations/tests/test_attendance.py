"""The participant-report importer shared by the API pull and the CSV upload."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from conferences.models import Conference
from conferences.tests.factories import ConferenceFactory
from integrations.attendance import attendance_import_csv, attendance_import_rows
from integrations.models import Attendee

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TASHKENT = datetime.timezone(datetime.timedelta(hours=5))


def at(hour, minute, second=0):
    return datetime.datetime(2030, 3, 14, hour, minute, second, tzinfo=UTC)


def test_rejoins_of_one_person_count_once():
    conference = ConferenceFactory()
    rows = [
        {
            "name": "Odil Kattaev",
            "email": "Odil@Example.org",
            "join_time": at(5, 0),
            "leave_time": at(5, 30),
        },
        {
            "name": "Odil (phone)",
            "email": "odil@example.org",
            "join_time": at(5, 40),
            "leave_time": at(6, 0),
        },
        {"name": "Hamid Irgashev", "email": "", "join_time": at(5, 0), "leave_time": at(5, 10)},
        {
            "name": "  hamid   IRGASHEV ",
            "email": "",
            "join_time": at(5, 20),
            "leave_time": at(5, 25),
        },
    ]

    result = attendance_import_rows(conference=conference, rows=rows)

    assert (result.rows, result.attendees) == (4, 2)
    odil = Attendee.objects.get(conference=conference, person_key="odil@example.org")
    assert (odil.name, odil.email, odil.joins_count) == ("Odil Kattaev", "Odil@Example.org", 2)
    assert odil.total_duration_seconds == 50 * 60
    assert (odil.first_join_at, odil.last_leave_at) == (at(5, 0), at(6, 0))
    hamid = Attendee.objects.get(conference=conference, person_key="name:hamid irgashev")
    assert (hamid.joins_count, hamid.total_duration_seconds) == (2, 15 * 60)
    conference.refresh_from_db()
    assert conference.participants_count_recorded == 2
    assert conference.participants_count == 2


def test_two_devices_at_once_do_not_double_the_time():
    conference = ConferenceFactory()
    rows = [
        {"name": "A", "email": "a@example.org", "join_time": at(5, 0), "leave_time": at(6, 0)},
        {"name": "A", "email": "a@example.org", "join_time": at(5, 30), "leave_time": at(6, 15)},
    ]

    attendance_import_rows(conference=conference, rows=rows)

    assert Attendee.objects.get().total_duration_seconds == 75 * 60


def test_iso_strings_and_durations_without_times():
    conference = ConferenceFactory()
    rows = [
        {
            "name": "A",
            "email": "",
            "join_time": "2030-03-14T05:00:00Z",
            "leave_time": "2030-03-14T05:10:00Z",
            "duration_seconds": 600,
        },
        {"name": "B", "email": "", "join_time": None, "leave_time": None, "duration_seconds": 90},
        {"name": "B", "email": "", "join_time": None, "leave_time": None, "duration_seconds": 30},
    ]

    attendance_import_rows(conference=conference, rows=rows)

    durations = dict(Attendee.objects.values_list("name", "total_duration_seconds"))
    assert durations == {"A": 600, "B": 120}
    assert Attendee.objects.get(name="A").first_join_at == at(5, 0)


def test_import_again_replaces():
    conference = ConferenceFactory()
    attendance_import_rows(conference=conference, rows=[{"name": "A"}, {"name": "B"}])
    attendance_import_rows(conference=conference, rows=[{"name": "C"}])

    assert list(Attendee.objects.values_list("name", flat=True)) == ["C"]
    assert Conference.objects.get(pk=conference.pk).participants_count_recorded == 1


def test_bad_row_is_named_and_nothing_changes():
    conference = ConferenceFactory()
    attendance_import_rows(conference=conference, rows=[{"name": "Kept"}])
    rows = [
        {"name": "A", "email": "a@example.org"},
        {"name": "B", "email": "not an email"},
        {"name": "", "email": ""},
        {"name": "D", "join_time": "yesterday"},
        {"name": "E", "join_time": at(6, 0), "leave_time": at(5, 0)},
        {"name": "F", "duration_seconds": "-5"},
    ]

    with pytest.raises(ValidationError) as raised:
        attendance_import_rows(conference=conference, rows=rows)

    assert raised.value.messages == [
        "row 2, column “email”: “not an email” is not an email address.",
        "row 3, column “name”: a name or an email is required.",
        "row 4, column “join_time”: “yesterday” is not a date and time.",
        "row 5, column “leave_time”: the person leaves before joining.",
        "row 6, column “duration_seconds”: “-5” is not a whole number of seconds.",
    ]
    assert list(Attendee.objects.values_list("name", flat=True)) == ["Kept"]
    assert Conference.objects.get(pk=conference.pk).participants_count_recorded == 1


# Zoom's export as downloaded from Reports → Usage → Participants with "Export with meeting data".
ZOOM_CSV = """\ufeffMeeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
852 1848 6288,Онлайн курслар,03/14/2030 09:55:02 AM,03/14/2030 12:01:40 PM,secretary@example.uz,127,3

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent
Одилбек Каттаев,odil@example.org,03/14/2030 10:00:00 AM,03/14/2030 10:45:00 AM,45,No,Y
Одилбек Каттаев,ODIL@example.org,03/14/2030 10:50:00 AM,03/14/2030 12:00:00 PM,70,No,Y
"Rector, TATU (Ректор ТАТУ)",,03/14/2030 10:05:00 AM,03/14/2030 11:05:00 AM,60,Yes,Y

"""


def test_zoom_csv_with_the_meeting_preamble():
    conference = ConferenceFactory()

    result = attendance_import_csv(conference=conference, file=io.BytesIO(ZOOM_CSV.encode()))

    assert (result.rows, result.attendees) == (3, 2)
    odil = Attendee.objects.get(person_key="odil@example.org")
    assert (odil.name, odil.joins_count, odil.total_duration_seconds) == (
        "Одилбек Каттаев",
        2,
        115 * 60,
    )
    # The export's times are the account's wall time, read in the portal's zone (Tashkent).
    assert odil.first_join_at == datetime.datetime(2030, 3, 14, 10, 0, tzinfo=TASHKENT)
    rector = Attendee.objects.get(email="")
    assert rector.name == "Rector, TATU (Ректор ТАТУ)"
    assert Conference.objects.get(pk=conference.pk).participants_count_recorded == 2


def test_unique_users_export_without_times():
    conference = ConferenceFactory()
    text = (
        "Name (Original Name),User Email,Total Duration (Minutes),Guest\nA,a@example.org,12.5,No\n"
    )

    attendance_import_csv(conference=conference, file=io.StringIO(text))

    assert Attendee.objects.get().total_duration_seconds == 750


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
            "A,a@example.org,03/14/2030 10:00:00 AM,03/14/2030 10:30:00 AM,30\n"
            "B,b@example.org,14 March,03/14/2030 10:30:00 AM,30\n"
            "C,c@example.org,03/14/2030 10:00:00 AM,03/14/2030 10:30:00 AM,half an hour\n",
            [
                "line 3, column “Join Time”: “14 March” is not a date and time.",
                "line 4, column “Duration (Minutes)”: “half an hour” is not a number of minutes.",
            ],
        ),
        (
            "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
            "A,a@example.org,03/14/2030 10:00:00 AM\n",
            ["line 2: 3 columns, 5 expected."],
        ),
        (
            "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
            "A,not-an-email,03/14/2030 10:00:00 AM,03/14/2030 10:30:00 AM,30\n",
            ["line 2, column “User Email”: “not-an-email” is not an email address."],
        ),
        (
            "Meeting ID,Topic,User Email,Duration (Minutes)\n1,T,a@example.org,5\n",
            [
                "file: no participant table found; expected a header with “Name (Original "
                "Name)” and “Duration (Minutes)”."
            ],
        ),
        (
            "Name (Original Name),User Email,Duration (Minutes)\n\n",
            ["file: the participant table has no rows."],
        ),
    ],
)
def test_bad_csv_is_refused_with_line_and_column(text, messages):
    conference = ConferenceFactory()
    attendance_import_rows(conference=conference, rows=[{"name": "Kept"}])

    with pytest.raises(ValidationError) as raised:
        attendance_import_csv(conference=conference, file=io.BytesIO(text.encode()))

    assert raised.value.messages == messages
    assert list(Attendee.objects.values_list("name", flat=True)) == ["Kept"]


def test_csv_that_is_not_utf8():
    conference = ConferenceFactory()

    with pytest.raises(ValidationError) as raised:
        attendance_import_csv(conference=conference, file=io.BytesIO("Имя".encode("cp1251")))

    assert raised.value.messages == ["file: the file is not UTF-8 text (byte 1)."]
    assert Attendee.objects.count() == 0


def test_what_postgresql_or_python_cannot_take_is_refused_by_its_column():
    """A NUL in a name and an endless duration are faults of the row, not a 500."""
    conference = ConferenceFactory()
    rows = [{"name": "A\x00B"}, {"name": "C", "duration_seconds": "1e400"}]

    with pytest.raises(ValidationError) as raised:
        attendance_import_rows(conference=conference, rows=rows)

    assert raised.value.messages == [
        "row 1, column “name”: Null characters are not allowed.",
        "row 2, column “duration_seconds”: “1e400” is not a whole number of seconds.",
    ]
    assert Attendee.objects.count() == 0
