"""The meeting record: drafted when the conference is held, from who attended (the participant
reports), who declined and who stayed silent; edited with versions, approved, mailed to the
council through the general outbox, and downloaded as .docx in both scripts."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from activity.selectors import activity_for
from conferences.invitations import invitation_answer, invitations_from_council
from conferences.models import Conference
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory, PresentationFactory, after_start
from conferences.tokens import invitation_token
from dashboard import roles
from experts.tests.factories import CouncilFactory, ExpertFactory, MembershipFactory
from integrations.attendance import attendance_import_rows
from mailing.models import Letter
from records.models import MeetingRecord
from records.services import record_edit, record_mail, record_set_status

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
Status = Conference.Status


def _council_of(count):
    council = CouncilFactory(name="Олий таълим кенгаши")
    members = [
        MembershipFactory(
            council=council,
            expert=ExpertFactory(full_name=f"Аъзо {i:02d}", email=f"member{i}@example.uz"),
        ).expert
        for i in range(count)
    ]
    return council, members


def _present(expert, minutes=100):
    join = datetime.datetime(2030, 3, 14, 5, 0, tzinfo=UTC)
    return {
        "name": expert.full_name,
        "email": expert.email,
        "join_time": join,
        "leave_time": join + datetime.timedelta(minutes=minutes),
    }


@pytest.fixture
def held_with_council(django_capture_on_commit_callbacks):
    """20 council members: 15 in the participant report, 3 declined, 2 silent."""
    council, members = _council_of(20)
    conference = ConferenceFactory(council=council, title="Кредит-модуль тизими")
    PresentationFactory(conference=conference, order=1, title="Кредитлар", presenter=members[0])
    conference_set_status(conference=conference, status=Status.SCHEDULED)
    invitations = {
        i.expert_id: i for i in invitations_from_council(conference=conference, send=False)
    }
    for expert in members[15:18]:
        invitation_answer(
            token=invitation_token(invitation=invitations[expert.pk]), answer="declined"
        )
    attendance_import_rows(
        conference=conference,
        rows=[_present(e) for e in members[:15]]
        + [{"name": "Guest", "email": "guest@example.uz", "duration_seconds": 3600}],
    )
    with django_capture_on_commit_callbacks(execute=True), after_start(conference):
        conference_set_status(conference=conference, status=Status.HELD)
    return conference, members


def test_council_members_present_excused_and_absent(held_with_council):
    conference, members = held_with_council

    record = MeetingRecord.objects.get(conference=conference)

    present = record.present.splitlines()
    excused = record.excused.splitlines()
    absent = record.absent.splitlines()
    assert (len(present), len(excused), len(absent)) == (15, 3, 2)
    assert present == [f"Аъзо {i:02d}" for i in range(15)]
    assert excused == ["Аъзо 15", "Аъзо 16", "Аъзо 17"]
    assert absent == ["Аъзо 18", "Аъзо 19"]
    assert record.agenda == "1. «Кредитлар» — Аъзо 00"
    assert record.audience.splitlines()[0] == "Жами: 16 нафар"
    assert (record.status, record.versions.count()) == ("draft", 1)
    assert [e.action for e in activity_for(target=record)] == ["record.created"]


def test_edit_approve_mail_and_download_in_both_scripts(
    held_with_council, django_user_model, client
):
    conference, members = held_with_council
    secretary = django_user_model.objects.create_user("secretary")
    record = MeetingRecord.objects.get(conference=conference)

    changed = record_edit(record=record, decisions="Кредит тизими маъқуллансин.", by=secretary)
    assert changed == {"decisions"}
    assert (
        record_edit(record=record, decisions="Кредит тизими маъқуллансин.", by=secretary) == set()
    )
    with pytest.raises(Exception) as refused:
        record_mail(record=record, by=secretary)
    assert refused.value.messages == ["Only an approved meeting record can be mailed."]
    record_set_status(record=record, status=MeetingRecord.Status.APPROVED, by=secretary)

    assert record_mail(record=record, by=secretary) == 20
    assert record_mail(record=record, by=secretary) == 0  # the same version: nothing again
    letter = Letter.objects.get(to_email="member3@example.uz")
    assert letter.key == f"record:{record.pk}:v2:expert:{members[3].pk}"
    assert letter.attachments[0]["filename"] == f"record-{conference.external_id}-cyrl.docx"
    assert [e.action for e in activity_for(target=record)] == [
        "record.mailed", "record.approved", "record.edited", "record.created",
    ]  # fmt: skip

    # An edit after approval takes it back to draft.
    record_edit(record=record, decisions="Қайта кўрилсин.", by=secretary)
    record.refresh_from_db()
    assert (record.status, record.versions.count()) == ("draft", 3)

    client.force_login(secretary)
    assert client.get(reverse("records:docx", args=[conference.pk])).status_code == 403


def test_the_secretary_role_downloads_the_docx_in_both_scripts(held_with_council, as_role):
    conference, _members = held_with_council
    secretary = as_role(roles.SECRETARY)
    url = reverse("records:docx", args=[conference.pk])

    texts = {}
    for script in ("cyrl", "latn"):
        response = secretary.get(url, {"script": script})
        assert response.status_code == 200
        document = Document(io.BytesIO(response.content))
        texts[script] = [p.text for p in document.paragraphs]
    assert texts["cyrl"][0] == "Йиғилиш баённомаси: Кредит-модуль тизими"
    assert texts["latn"][0] == "Yigʻilish bayonnomasi: Kredit-modul tizimi"
    assert "Аъзо 00" in texts["cyrl"] and "Aʼzo 00" in texts["latn"]
    assert secretary.get(url, {"script": "greek"}).status_code == 404
    page = secretary.get(reverse("records:record", args=[conference.pk]))
    assert page.status_code == 200
    response = secretary.post(reverse("records:action", args=[conference.pk, "approve"]))
    assert response.status_code == 302
    assert MeetingRecord.objects.get(conference=conference).status == "approved"
