"""A large invitation CSV is read by a worker; staff see its progress and its outcome."""

import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from activity.models import ActivityLog
from conferences.invitee_imports import invitation_import_run, invitation_import_start
from conferences.models import Invitation, InvitationImport
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from conferences.tests.live import wait_until
from dashboard import roles

pytestmark = pytest.mark.django_db
Status = InvitationImport.Status
HEADER = "name;email;organization;position;language;timezone\r\n"


def _rows(count, start=0):
    return "".join(
        f"Участник {n};person{n}@uni.example;ТАТУ;Доцент;uz-Cyrl;Asia/Tashkent\r\n"
        for n in range(start, start + count)
    )


def _file(text, name="people.csv"):
    f = io.BytesIO(text.encode("cp1251"))
    f.name = name
    return f


@pytest.fixture
def conference():
    conference = ConferenceFactory(join_url="https://zoom.example/j/1")
    conference_set_status(conference=conference, status="scheduled")
    return conference


@pytest.fixture
def small_threshold(settings):
    settings.CSV_BACKGROUND_MIN_BYTES = 1000


def _post(client, conference, upload):
    url = reverse("dashboard:invitation_action", args=[conference.pk, "csv"])
    return client.post(url, {"file": upload})


def test_a_large_file_is_read_by_the_worker_and_its_outcome_shown(
    as_role, conference, small_threshold, django_capture_on_commit_callbacks
):
    secretary = as_role(roles.SECRETARY)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(secretary, conference, _file(HEADER + _rows(2500)))
    assert response.status_code == 302
    job = InvitationImport.objects.get()
    assert (job.status, job.rows_total, job.rows_done, job.content) == (
        Status.DONE,
        2500,
        2500,
        b"",
    )
    assert Invitation.objects.filter(conference=conference).count() == 2500
    # Added in two chunks, each logged with its count, by the person who uploaded the file.
    logged = ActivityLog.objects.filter(action="conference.invited").order_by("pk")
    assert [entry.data["count"] for entry in logged] == [2000, 500]
    assert {entry.actor_id for entry in logged} == {job.created_by_id}
    page = secretary.get(reverse("dashboard:invitation_list", args=[conference.pk]))
    html = page.content.decode()
    assert "2500 people from the file are on the list." in html
    assert (
        'data-status="done"' in html
        and "hx-get" not in html.split('id="invitation-import"')[1][:200]
    )


def test_a_large_file_with_a_bad_row_adds_nobody_and_names_the_line(
    as_role, conference, small_threshold, django_capture_on_commit_callbacks
):
    secretary = as_role(roles.SECRETARY)
    text = HEADER + _rows(50) + "Bad;not-an-address;X;Y;uz-Cyrl;Asia/Tashkent\r\n" + _rows(50, 50)
    with django_capture_on_commit_callbacks(execute=True):
        _post(secretary, conference, _file(text))
    job = InvitationImport.objects.get()
    assert job.status == Status.FAILED
    assert len(job.errors) == 1 and job.errors[0].startswith("Line 52: email")
    assert Invitation.objects.count() == 0
    block = secretary.get(reverse("dashboard:invitation_import", args=[conference.pk, job.pk]))
    assert escape(job.errors[0]) in block.content.decode()


def test_a_running_import_is_polled_and_others_may_not_see_it(as_role, conference):
    job = invitation_import_start(conference=conference, file=_file(HEADER + _rows(3)))
    url = reverse("dashboard:invitation_import", args=[conference.pk, job.pk])
    secretary = as_role(roles.SECRETARY)
    response = secretary.get(url)
    assert response.status_code == 200
    assert f'hx-get="{url}"' in response.content.decode()
    other = ConferenceFactory()
    wrong = reverse("dashboard:invitation_import", args=[other.pk, job.pk])
    assert secretary.get(wrong).status_code == 404
    assert as_role(roles.PRESS).get(url).status_code == 403


def test_running_an_import_again_adds_nobody_twice(conference):
    job = invitation_import_start(conference=conference, file=_file(HEADER + _rows(10)))
    InvitationImport.objects.filter(pk=job.pk).update(status=Status.RUNNING)  # a killed worker
    assert invitation_import_run(import_id=job.pk).status == Status.DONE
    assert invitation_import_run(import_id=job.pk) is None  # finished: nothing to do
    assert Invitation.objects.count() == 10


def test_a_draft_conference_refuses_a_large_file(as_role, small_threshold):
    draft = ConferenceFactory()
    response = _post(as_role(roles.SECRETARY), draft, _file(HEADER + _rows(100)))
    assert response.status_code == 400
    assert InvitationImport.objects.count() == 0


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reads_a_large_file(start_worker, conference):
    worker = start_worker()
    job = invitation_import_start(conference=conference, file=_file(HEADER + _rows(3000)))
    wait_until(
        lambda: InvitationImport.objects.get(pk=job.pk).status == Status.DONE,
        timeout=120,
        what="the import done",
        worker=worker,
    )
    assert Invitation.objects.filter(conference=conference).count() == 3000
