"""Issue 15: each partner reads `attended` and `minutes` of its own registrations only, and the
figures of its own organisation."""

import datetime

import pytest

from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import after_start
from integrations.attendance import attendance_import_rows

from .conftest import scheduled_conference

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _url(conference, suffix="registrations/"):
    return f"/api/v1/conferences/{conference.pk}/{suffix}"


def _row(email, name, position):
    return {"name": name, "email": email, "organization": "", "position": position}


def _present(email, name, minutes):
    join = datetime.datetime(2030, 3, 14, 5, 0, tzinfo=UTC)
    return {
        "name": name,
        "email": email,
        "join_time": join,
        "leave_time": join + datetime.timedelta(minutes=minutes),
    }


def test_a_partner_reads_only_its_own_peoples_attendance(api, make_client, other_partner):
    conference = scheduled_conference(duration_minutes=120)
    api.post(
        _url(conference),
        [
            _row("rector@tatu.uz", "Rector One", "Ректор"),
            _row("dean@tatu.uz", "Dean One", "Декан"),
            _row("absent@tatu.uz", "Absent One", "Профессор"),
        ],
        format="json",
    )
    other = make_client(organization=other_partner)
    other.post(_url(conference), [_row("their@inno.uz", "Their Person", "Ректор")], format="json")
    before = api.get(_url(conference)).json()["results"]
    assert {(r["attended"], r["minutes"]) for r in before} == {(None, None)}

    with after_start(conference):
        conference_set_status(conference=conference, status=Conference.Status.HELD)
    attendance_import_rows(
        conference=conference,
        rows=[
            _present("rector@tatu.uz", "Rector One", 90),
            _present("dean@tatu.uz", "Dean One", 10),
            _present("their@inno.uz", "Their Person", 100),
            _present("guest@example.uz", "A Guest", 60),
        ],
    )

    mine = api.get(_url(conference)).json()["results"]
    assert [(r["email"], r["attended"], r["minutes"]) for r in mine] == [
        ("rector@tatu.uz", True, 90),
        ("dean@tatu.uz", False, 10),
        ("absent@tatu.uz", False, 0),
    ]
    theirs = other.get(_url(conference)).json()["results"]
    assert [(r["email"], r["attended"], r["minutes"]) for r in theirs] == [
        ("their@inno.uz", True, 100)
    ]
    figures = api.get(_url(conference, "attendance/")).json()
    assert figures == {
        "source": "recorded",
        "total": 2,
        "by_kind": {"rector": 1, "dean": 1},
        "by_organization": {"Ministry of Higher Education": 2},
    }
    assert other.get(_url(conference, "attendance/")).json()["total"] == 1


def test_staff_read_the_whole_conference_figures(staff_client):
    conference = scheduled_conference()
    with after_start(conference):
        conference_set_status(conference=conference, status=Conference.Status.HELD)
    attendance_import_rows(
        conference=conference,
        rows=[_present("a@example.uz", "A", 60), _present("b@example.uz", "B", 60)],
    )

    figures = staff_client.get(_url(conference, "attendance/")).json()

    assert figures == {
        "source": "recorded",
        "total": 2,
        "by_kind": {"other": 2},
        "by_organization": {"": 2},
    }
