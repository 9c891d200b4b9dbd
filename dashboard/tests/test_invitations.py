import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.urls import reverse

from conferences.invitees import Invitee, invitees_from_csv
from conferences.models import Invitation, OutboundMessage
from conferences.services import conference_set_status
from conferences.tests.factories import ConferenceFactory
from dashboard import forms, roles
from experts.tests.factories import ExpertFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(as_role):
    return as_role(roles.SECRETARY)


@pytest.fixture
def conference():
    conference = ConferenceFactory(join_url="https://zoom.example/j/1")
    conference_set_status(conference=conference, status="scheduled")
    return conference


def _action(conference, action):
    return reverse("dashboard:invitation_action", args=[conference.pk, action])


def test_add_council_then_send(secretary, conference, django_capture_on_commit_callbacks):
    for name in ["Alpha", "Beta"]:
        MembershipFactory(council=conference.council, expert=ExpertFactory(full_name=name))
    response = secretary.post(_action(conference, "council"))
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("name", flat=True)) == ["Alpha", "Beta"]
    assert OutboundMessage.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        secretary.post(_action(conference, "send"))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Invitation.objects.values_list("email", flat=True)
    )
    page = secretary.get(reverse("dashboard:invitation_list", args=[conference.pk]))
    assert [i.delivery_state for i in page.context["invitations"]] == ["sent", "sent"]
    assert page.context["counts"]["delivery"]["sent"] == 2
    assert page.context["in_progress"] is False


def test_draft_conference_refuses_invitations_with_a_message(secretary):
    draft = ConferenceFactory()
    MembershipFactory(council=draft.council)
    response = secretary.post(_action(draft, "council"), follow=True)
    assert Invitation.objects.count() == 0
    assert [str(m) for m in response.context["messages"]] == [
        "Only a scheduled conference takes invitations (this one is Draft)."
    ]


CSV_OK = (
    "name,email,organization,position,language,timezone\n"
    "Rector One,rector@uni.example,TATU,Rector,uz-Cyrl,Asia/Tashkent\n"
    "Dean Two,dean@uni.example,TATU,Dean,ru,Asia/Tashkent\n"
)


def _upload(text):
    f = io.BytesIO(text.encode())
    f.name = "people.csv"
    return f


def test_csv_upload(secretary, conference):
    response = secretary.post(_action(conference, "csv"), {"file": _upload(CSV_OK)})
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "dean@uni.example",
        "rector@uni.example",
    ]


def test_bad_csv_names_the_line_and_imports_nothing(secretary, conference):
    bad = CSV_OK.replace("dean@uni.example", "dean-at-uni")
    response = secretary.post(_action(conference, "csv"), {"file": _upload(bad)})
    assert response.status_code == 400
    errors = response.context["csv_form"].errors["file"]
    assert len(errors) == 1
    assert errors[0].startswith("Line 3: email")
    assert Invitation.objects.count() == 0
    missing = secretary.post(_action(conference, "csv"), {})
    assert missing.status_code == 400
    assert list(missing.context["csv_form"].errors) == ["file"]


def test_filters_and_withdraw(secretary, conference):
    secretary.post(_action(conference, "csv"), {"file": _upload(CSV_OK)})
    url = reverse("dashboard:invitation_list", args=[conference.pk])
    names = lambda r: [i.name for i in r.context["invitations"]]  # noqa: E731
    assert names(secretary.get(url, {"q": "dean"})) == ["Dean Two"]
    assert names(secretary.get(url, {"answer": "accepted"})) == []
    dean = Invitation.objects.get(name="Dean Two")
    response = secretary.post(reverse("dashboard:invitation_cancel", args=[conference.pk, dean.pk]))
    assert response.status_code == 302
    dean.refresh_from_db()
    assert dean.cancelled_at is not None


def test_progress_polls_only_while_messages_wait(secretary, conference):
    secretary.post(_action(conference, "csv"), {"file": _upload(CSV_OK)})
    url = reverse("dashboard:invitation_progress", args=[conference.pk])
    idle = secretary.get(url).content.decode()
    assert "hx-trigger" not in idle
    # Messages recorded but not yet sent (the worker has not woken): the block keeps polling.
    OutboundMessage.objects.bulk_create(
        [OutboundMessage(invitation=i, kind="invitation") for i in Invitation.objects.all()]
    )
    busy = secretary.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in busy
    assert 'id="count-waiting">2<' in busy


def test_resend_failed(secretary, conference):
    secretary.post(_action(conference, "csv"), {"file": _upload(CSV_OK)})
    invitation = Invitation.objects.first()
    OutboundMessage.objects.create(
        invitation=invitation, kind="invitation", state="failed", attempts=5, last_error="550"
    )
    secretary.post(_action(conference, "resend"))
    message = OutboundMessage.objects.get()
    assert message.state in ("pending", "sent")
    assert message.attempts in (0, 1)


@pytest.mark.parametrize("rows", [1, 4])
def test_invitation_list_queries_do_not_grow(
    secretary, conference, django_assert_num_queries, rows
):
    for n in range(rows):
        invitation = Invitation.objects.create(
            conference=conference,
            name=f"P{n}",
            email=f"p{n}@example.org",
            email_lower=f"p{n}@example.org",
            source="manual",
            token_salt=f"s{n}",
            token_hash=f"h{n}",
        )
        OutboundMessage.objects.create(invitation=invitation, kind="invitation", state="sent")
    with django_assert_num_queries(11):
        response = secretary.get(reverse("dashboard:invitation_list", args=[conference.pk]))
    assert len(response.context["invitations"]) == rows


def test_unknown_invitation_action_is_404(secretary, conference):
    assert secretary.post(_action(conference, "explode")).status_code == 404


def _padded_upload(text: str, size: int):
    """A valid CSV padded with blank lines to exactly `size` bytes."""
    content = text.encode()
    return _upload_bytes(content + b"\n" * (size - len(content)))


def _upload_bytes(content: bytes):
    f = io.BytesIO(content)
    f.name = "people.csv"
    return f


def test_csv_over_the_limit_is_refused_on_its_field_and_imports_nothing(
    secretary, conference, django_capture_on_commit_callbacks
):
    limit = 5 * 1024 * 1024
    response = secretary.post(
        _action(conference, "csv"), {"file": _padded_upload(CSV_OK, limit + 1)}
    )
    assert response.status_code == 400
    assert response.context["csv_form"].errors == {"file": ["The file is larger than 5.0\xa0MB."]}
    assert Invitation.objects.count() == 0
    # At the limit exactly the file is read and imported (a file this large, by the worker).
    with django_capture_on_commit_callbacks(execute=True):
        at_limit = secretary.post(
            _action(conference, "csv"), {"file": _padded_upload(CSV_OK, limit)}
        )
    assert at_limit.status_code == 302
    assert Invitation.objects.count() == 2


def test_csv_limit_is_the_setting(secretary, conference, settings):
    settings.CSV_UPLOAD_MAX_BYTES = len(CSV_OK.encode()) - 1
    response = secretary.post(_action(conference, "csv"), {"file": _upload(CSV_OK)})
    assert response.status_code == 400
    assert response.context["csv_form"].errors == {
        "file": ["The file is larger than 167\xa0bytes."]
    }
    assert Invitation.objects.count() == 0


class _CountingFile(io.BytesIO):
    """Counts the bytes handed out, to show how much of a file the form read."""

    handed_out = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.handed_out += len(chunk)
        return chunk


def test_csv_form_reads_at_most_one_byte_past_the_limit(settings):
    settings.CSV_UPLOAD_MAX_BYTES = 100
    content = _CountingFile(b"x" * 10_000)
    # An upload whose size says less than it holds: the read decides.
    upload = InMemoryUploadedFile(content, "file", "people.csv", "text/csv", 50, None)

    form = forms.InvitationCsvForm(data={}, files={"file": upload})

    assert form.errors == {"file": ["The file is larger than 100\xa0bytes."]}
    assert content.handed_out == 101


def test_csv_help_names_the_languages_encodings_and_separators_and_offers_a_sample(
    secretary, conference
):
    page = secretary.get(reverse("dashboard:invitation_list", args=[conference.pk]))
    assert str(page.context["csv_form"]["file"].help_text) == (
        "Header: name,email,organization,position,language,timezone. Language: one of "
        "uz-Cyrl, uz-Latn, ru, en. Text in UTF-8 or Windows-1251, columns separated by "
        "“,” or “;”."
    )
    sample = reverse("dashboard:invitation_csv_sample")
    assert f'href="{sample}"' in page.content.decode()


def test_the_sample_csv_is_read_by_the_upload_as_its_two_people(secretary):
    response = secretary.get(reverse("dashboard:invitation_csv_sample"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="invitees-sample.csv"'
    assert response.content.startswith(b"\xef\xbb\xbfname,email,organization,")
    assert invitees_from_csv(file=response.content) == [
        Invitee(
            name="Алишер Каримов",
            email="a.karimov@example.uz",
            organization="Тошкент давлат техника университети",
            position="Профессор",
            language="uz-Cyrl",
            timezone="Asia/Tashkent",
        ),
        Invitee(
            name="Anna Schmidt",
            email="anna.schmidt@example.de",
            organization="Technische Universität München",
            position="Professor",
            language="en",
            timezone="Europe/Berlin",
        ),
    ]


@pytest.mark.parametrize("role", [roles.PRESS, roles.VIEWER])
def test_the_sample_csv_is_for_those_who_may_invite(as_role, role):
    response = as_role(role).get(reverse("dashboard:invitation_csv_sample"))
    assert response.status_code == 403
