"""Issue 15: every instance of a meeting counts once, rehearsals count for nothing, the same
person is one person, and a match made by hand outlives a re-import. On the fake Zoom server,
over real HTTP."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from activity.models import Action
from activity.selectors import activity_for
from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, Invitation
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from integrations.attendance import attendance_import_csv, attendee_match
from integrations.models import AttendanceReport, Attendee, ParticipantRow, ZoomMeeting
from integrations.reports import instance_path_id

from .test_webhook import ended, post

pytestmark = pytest.mark.django_db
Status = Conference.Status
UTC = datetime.UTC


def row(name, email, join, leave, **extra):
    return {
        "id": "",
        "name": name,
        "user_email": email,
        "join_time": join.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "leave_time": leave.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": int((leave - join).total_seconds()),
        **extra,
    }


def invite(conference, *invitees):
    if conference.status == Status.DRAFT:
        conference_set_status(conference=conference, status=Status.SCHEDULED)
    return invitations_add(
        conference=conference,
        invitees=list(invitees),
        source=Invitation.Source.MANUAL,
        send=False,
    )


def z(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_instance_uuids_are_encoded_as_zoom_requires():
    assert instance_path_id("4444AAAiAAAAAiAiAiiAii==") == "4444AAAiAAAAAiAiAiiAii%3D%3D"
    assert instance_path_id("/ajXp112QmuoKj4854875==") == "%252FajXp112QmuoKj4854875%253D%253D"
    assert instance_path_id("ab//cd==") == "ab%252F%252Fcd%253D%253D"


def test_a_restarted_meeting_counts_the_union_of_its_instances(
    client,
    fake_zoom,
    scheduled,
    django_capture_on_commit_callbacks,
):
    conference = scheduled()
    zoom_id = conference.meeting_id
    start = conference.starts_at
    first = [
        row(f"Person {i}", f"p{i}@example.uz", start, start + datetime.timedelta(minutes=50))
        for i in range(6)
    ]
    # Restarted after the host dropped: 5 people, two of them (4 and 5) from the first part.
    second_start = start + datetime.timedelta(minutes=55)
    second = [
        row(
            f"Person {i}",
            f"p{i}@example.uz",
            second_start,
            second_start + datetime.timedelta(minutes=60),
        )
        for i in (4, 5, 6, 7, 8)
    ]
    # The second uuid begins with "/": Zoom wants it encoded twice in the path.
    fake_zoom.set_participants(
        "meeting", zoom_id, first, uuid="first+Aa==", start_time=z(start),
        end_time=z(start + datetime.timedelta(minutes=50)),
    )  # fmt: skip
    fake_zoom.set_participants(
        "meeting", zoom_id, second, uuid="/second//Bb==", start_time=z(second_start),
        end_time=z(second_start + datetime.timedelta(minutes=60)),
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        post(client, ended(zoom_id, uuid="first+Aa==", start_time=z(start), end_time=z(start)))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, ended(zoom_id, uuid="/second//Bb==", start_time=z(second_start)))

    assert response.json() == {"detail": "duplicate"} or response.status_code == 200
    conference.refresh_from_db()
    assert conference.status == Status.HELD
    assert conference.participants_count_recorded == 9
    assert Attendee.objects.filter(conference=conference).count() == 9
    both = Attendee.objects.get(conference=conference, person_key="p4@example.uz")
    assert (both.joins_count, both.total_duration_seconds) == (2, 110 * 60)
    assert fake_zoom.calls_to(
        "GET", "/v2/report/meetings/%252Fsecond%252F%252FBb%253D%253D/participants"
    )
    assert sorted(
        AttendanceReport.objects.filter(conference=conference).values_list("key", "rehearsal")
    ) == [("/second//Bb==", False), ("first+Aa==", False)]


def test_a_rehearsal_outside_the_window_changes_nothing(
    client,
    admin_client,
    fake_zoom,
    scheduled,
    django_capture_on_commit_callbacks,
):
    # A 15-minute sound check two days before the start.
    conference = scheduled(starts_at=timezone.now() + datetime.timedelta(days=2))
    invitation = invite(conference, Invitee(name="Aziz Karimov", email="aziz@example.uz"))[0]
    check = timezone.now() - datetime.timedelta(minutes=20)
    fake_zoom.set_participants(
        "meeting", conference.meeting_id,
        [row("Host", "host@example.uz", check, check + datetime.timedelta(minutes=15))],
        uuid="rehearsal==", start_time=z(check),
        end_time=z(check + datetime.timedelta(minutes=15)),
    )  # fmt: skip
    entries = activity_for(target=conference).count()

    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            ended(conference.meeting_id, uuid="rehearsal==", start_time=z(check),
                  end_time=z(check + datetime.timedelta(minutes=15))),
        )  # fmt: skip

    assert response.status_code == 200
    conference.refresh_from_db()
    assert conference.status == Status.SCHEDULED
    assert conference.participants_count_recorded is None
    assert Attendee.objects.filter(conference=conference).count() == 0
    assert ParticipantRow.objects.filter(conference=conference).count() == 0
    report = AttendanceReport.objects.get(conference=conference)
    assert (report.key, report.rehearsal, report.rows_count) == ("rehearsal==", True, 1)
    assert '"Host"' in report.raw  # kept as Zoom sent it, for staff
    assert activity_for(target=conference).count() == entries
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None
    assert ZoomMeeting.objects.get(conference=conference).pull_requested_at is None
    # Shown to staff on the audience page, marked.
    page = admin_client.get(reverse("dashboard:conference_audience", args=[conference.pk]))
    assert [r.key for r in page.context["reports"] if r.rehearsal] == ["rehearsal=="]
    assert "Rehearsal: outside the conference" in page.content.decode()


# Zoom's participant export: Karimov signed in, then came back as a guest without email;
# a guest renamed himself, so Zoom shows "New name (Original name)".
GUEST_CSV = """Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Aziz Karimov,aziz@example.uz,03/14/2030 10:00:00 AM,03/14/2030 10:40:00 AM,40,No
Aziz Karimov,,03/14/2030 10:45:00 AM,03/14/2030 11:30:00 AM,45,Yes
Bobur Karimov,,03/14/2030 10:00:00 AM,03/14/2030 10:20:00 AM,20,Yes
Prof. Bobur Karimov (Bobur Karimov),,03/14/2030 10:25:00 AM,03/14/2030 11:50:00 AM,85,Yes
Dilnoza Yusupova,dilnoza@example.uz,03/14/2030 10:00:00 AM,03/14/2030 11:55:00 AM,115,No
Гулнора Азимова,,03/14/2030 10:05:00 AM,03/14/2030 11:00:00 AM,55,Yes
"""


def test_a_guest_rejoin_and_a_renamed_guest_count_each_person_once():
    conference = ConferenceFactory()

    result = attendance_import_csv(conference=conference, file=io.BytesIO(GUEST_CSV.encode()))

    assert (result.rows, result.attendees) == (6, 4)
    people = {
        a.person_key: (a.joins_count, a.total_duration_seconds // 60)
        for a in Attendee.objects.filter(conference=conference)
    }
    assert people == {
        "aziz@example.uz": (2, 85),
        "name:bobur karimov": (2, 105),
        "dilnoza@example.uz": (1, 115),
        "name:gulnora azimova": (1, 55),
    }
    conference.refresh_from_db()
    assert conference.participants_count_recorded == 4


def test_rows_match_by_registrant_id_then_email_then_name():
    conference = ConferenceFactory(duration_minutes=120)
    registered, by_email, by_name = invite(
        conference,
        Invitee(name="Registered Person", email="reg@example.uz"),
        Invitee(name="Email Person", email="mail@example.uz"),
        Invitee(name="Шоира Каримова", email="shoira@example.uz"),
    )
    Invitation.objects.filter(pk=registered.pk).update(zoom_registrant_id="reg-123")
    text = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "Phone 1,,03/14/2030 10:00:00 AM,03/14/2030 11:00:00 AM,60\n"
        "E. Person,MAIL@example.uz,03/14/2030 10:00:00 AM,03/14/2030 10:10:00 AM,10\n"
        "Shoira Karimova,,03/14/2030 10:00:00 AM,03/14/2030 11:10:00 AM,70\n"
        "Stranger,,03/14/2030 10:00:00 AM,03/14/2030 10:05:00 AM,5\n"
    )
    from integrations.attendance import attendance_import_rows, _csv_participants  # noqa: I001

    rows, _lines = _csv_participants(text, tz=UTC)
    rows[0]["registrant_id"] = "reg-123"
    attendance_import_rows(conference=conference, rows=rows)

    found = {
        a.name: (a.invitation_id, a.matched_by, a.attended)
        for a in Attendee.objects.filter(conference=conference)
    }
    assert found == {
        "Phone 1": (registered.pk, "registrant", True),
        "E. Person": (by_email.pk, "email", False),
        "Shoira Karimova": (by_name.pk, "name", True),
        "Stranger": (None, "", False),
    }
    links = set(
        ParticipantRow.objects.filter(conference=conference).values_list("name", "invitation_id")
    )
    assert links == {
        ("Phone 1", registered.pk),
        ("E. Person", by_email.pk),
        ("Shoira Karimova", by_name.pk),
        ("Stranger", None),
    }


def test_a_manual_match_survives_a_re_import(django_user_model):
    staff = django_user_model.objects.create_user("secretary")
    conference = ConferenceFactory()
    invitation = invite(conference, Invitee(name="Санжар Турсунов", email="sanjar@example.uz"))[0]
    csv_text = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "iPhone 12,,03/14/2030 10:00:00 AM,03/14/2030 11:00:00 AM,60\n"
        "Other Guest,,03/14/2030 10:00:00 AM,03/14/2030 11:00:00 AM,60\n"
    )
    attendance_import_csv(conference=conference, file=io.StringIO(csv_text))
    phone = Attendee.objects.get(conference=conference, name="iPhone 12")
    assert phone.invitation_id is None

    attendee_match(attendee=phone, invitation=invitation, by=staff)
    matched = Attendee.objects.get(conference=conference, name="iPhone 12")
    assert (matched.invitation_id, matched.matched_by) == (invitation.pk, "manual")

    # The same report again, and a later one with one more row: the match stays.
    attendance_import_csv(conference=conference, file=io.StringIO(csv_text))
    attendance_import_csv(
        conference=conference,
        file=io.StringIO(
            csv_text + "Late Guest,,03/14/2030 10:30:00 AM,03/14/2030 11:00:00 AM,30\n"
        ),
    )

    again = Attendee.objects.get(conference=conference, name="iPhone 12")
    assert (again.invitation_id, again.matched_by, again.person_key) == (
        invitation.pk,
        "manual",
        f"invitation:{invitation.pk}",
    )
    assert Attendee.objects.filter(conference=conference).count() == 3
    assert AttendanceReport.objects.filter(conference=conference).count() == 1
    last = activity_for(target=conference).filter(action=Action.ATTENDEE_MATCHED).get()
    assert (last.data, last.actor) == (
        {"name": "iPhone 12", "invitation": invitation.pk, "expert": None},
        staff,
    )
