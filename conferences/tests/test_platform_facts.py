"""Facts from the meeting platform (join link, meeting id, passcode, recording, attendance) have
one writer: conference_platform_facts_set. Zoom and the uploaded participant report use it."""

import ast
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError

from conferences.invitations import invitations_add
from conferences.invitees import Invitee
from conferences.models import Conference, OutboundMessage
from conferences.services import (
    PLATFORM_FACTS,
    conference_platform_facts_set,
    conference_set_status,
    conference_update,
)
from conferences.tests.factories import after_start

from .factories import ConferenceFactory

pytestmark = pytest.mark.django_db
S = Conference.Status


def _invite(conference, capture, *emails):
    with capture(execute=True):
        invitations_add(
            conference=conference,
            invitees=[Invitee(name=e.split("@")[0], email=e, language="en") for e in emails],
            source="manual",
        )


def test_only_the_facts_given_change_and_their_names_come_back(scheduled_conference):
    conference = scheduled_conference
    stored = Conference.objects.get(pk=conference.pk)

    changed = conference_platform_facts_set(
        conference=conference,
        join_url="https://zoom.example/j/123",  # as it is
        meeting_id="8123456789",
        recording_url="https://zoom.example/rec/1",
    )

    assert changed == {"meeting_id", "recording_url"}
    conference.refresh_from_db()
    assert (conference.join_url, conference.meeting_id, conference.recording_url) == (
        "https://zoom.example/j/123",
        "8123456789",
        "https://zoom.example/rec/1",
    )
    assert (conference.passcode, conference.participants_count_recorded, conference.qa_held) == (
        "",
        None,
        False,
    )
    assert conference.updated_at > stored.updated_at


def test_the_same_facts_again_change_nothing(scheduled_conference):
    conference = scheduled_conference
    conference_platform_facts_set(conference=conference, participants_count_recorded=40)
    stored = Conference.objects.get(pk=conference.pk)

    assert conference_platform_facts_set(conference=conference, participants_count_recorded=40) == (
        set()
    )
    assert conference_platform_facts_set(conference=conference) == set()
    assert Conference.objects.get(pk=conference.pk).updated_at == stored.updated_at


def test_a_refused_fact_names_its_field_and_nothing_is_written(scheduled_conference):
    conference = scheduled_conference
    with pytest.raises(ValidationError) as caught:
        conference_platform_facts_set(
            conference=conference, meeting_id="8123456789", join_url="not a link"
        )
    assert caught.value.message_dict == {"join_url": ["Enter a valid URL."]}
    assert (conference.join_url, conference.meeting_id) == ("https://zoom.example/j/123", "")
    stored = Conference.objects.get(pk=conference.pk)
    assert (stored.join_url, stored.meeting_id) == ("https://zoom.example/j/123", "")

    with pytest.raises(ValidationError) as caught:
        conference_platform_facts_set(conference=conference, meeting_id="9" * 51)
    assert list(caught.value.message_dict) == ["meeting_id"]


def test_a_held_conference_keeps_its_link_but_takes_its_recording_and_attendance(
    scheduled_conference,
):
    conference = scheduled_conference
    with after_start(conference):
        conference_set_status(conference=conference, status=S.HELD)

    with pytest.raises(ValidationError) as caught:
        conference_platform_facts_set(conference=conference, join_url="https://zoom.example/j/9")
    assert caught.value.message_dict == {
        "starts_at": ["A held or cancelled conference cannot be rescheduled."]
    }
    changed = conference_platform_facts_set(
        conference=conference,
        recording_url="https://zoom.example/rec/1",
        participants_count_recorded=57,
        qa_held=True,
    )
    assert changed == {"recording_url", "participants_count_recorded", "qa_held"}
    stored = Conference.objects.get(pk=conference.pk)
    assert (stored.join_url, stored.recording_url, stored.participants_count_recorded) == (
        "https://zoom.example/j/123",
        "https://zoom.example/rec/1",
        57,
    )
    assert stored.qa_held is True


@pytest.mark.parametrize("door", ["conference_update", "conference_platform_facts_set"])
def test_a_new_join_link_mails_the_same_calendar_update_through_either_door(
    door, scheduled_conference, django_capture_on_commit_callbacks
):
    """Staff typing the link and Zoom writing it back reach invitees alike."""
    conference = scheduled_conference
    _invite(conference, django_capture_on_commit_callbacks, "a@x.org", "b@x.org")
    assert len(mail.outbox) == 2
    service = {
        "conference_update": conference_update,
        "conference_platform_facts_set": conference_platform_facts_set,
    }[door]

    with django_capture_on_commit_callbacks(execute=True):
        changed = service(conference=conference, join_url="https://zoom.example/j/456")

    assert changed == {"join_url"}
    assert sorted(
        OutboundMessage.objects.filter(kind=OutboundMessage.Kind.UPDATE).values_list(
            "invitation__email", "sequence", "state"
        )
    ) == [("a@x.org", 1, "sent"), ("b@x.org", 1, "sent")]
    assert len(mail.outbox) == 4
    assert all("https://zoom.example/j/456" in m.body for m in mail.outbox[2:])


def test_a_recording_or_an_attendance_figure_mails_nobody(
    scheduled_conference, django_capture_on_commit_callbacks
):
    conference = scheduled_conference
    _invite(conference, django_capture_on_commit_callbacks, "a@x.org")
    with django_capture_on_commit_callbacks(execute=True):
        conference_platform_facts_set(
            conference=conference,
            recording_url="https://zoom.example/rec/1",
            participants_count_recorded=12,
        )
    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.filter(kind=OutboundMessage.Kind.UPDATE).count() == 0


def test_a_draft_conference_takes_a_link_without_mailing(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(starts_at=datetime.datetime(2030, 5, 1, 9, tzinfo=datetime.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        changed = conference_platform_facts_set(
            conference=conference, join_url="https://zoom.example/j/1", passcode="4321"
        )
    assert changed == {"join_url", "passcode"}
    assert mail.outbox == []


# --- nobody else writes them ---------------------------------------------------------------------

# Invitation has a join link of its own (a partner registration's personal Zoom link).
OTHER_MODELS_WITH_A_JOIN_URL = {"Invitation"}
WRITER = Path("conferences/services.py")
SKIPPED_PARTS = {".venv", "node_modules", "static", "migrations", "tests", "__pycache__"}


def _root_name(node: ast.AST) -> str:
    """The name a chain such as ``Conference.objects.filter(pk=1).update`` starts from."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _fact_writes(source: str) -> list[int]:
    """Lines of `source` that assign a platform fact of a conference other than through the
    service: ``x.join_url = ...``, ``Conference.objects....update(join_url=...)`` or
    ``update(**fields)``, ``setattr(conference, "join_url", ...)``, and
    ``conference_update(join_url=...)`` (staff's door, not the platform's)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if (
                        isinstance(part, ast.Attribute)
                        and part.attr in PLATFORM_FACTS
                        and isinstance(part.ctx, ast.Store)
                        and not (
                            part.attr == "join_url" and "invitation" in ast.unparse(part.value)
                        )
                    ):
                        lines.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        keywords = {k.arg for k in node.keywords}
        facts = keywords & set(PLATFORM_FACTS)
        if name in ("update", "bulk_update", "update_or_create"):
            root = _root_name(func)
            if facts - {"join_url"} or (facts and root not in OTHER_MODELS_WITH_A_JOIN_URL):
                lines.append(node.lineno)
            elif None in keywords and root == "Conference":
                lines.append(node.lineno)
        elif name == "conference_update" and facts:
            lines.append(node.lineno)
        elif (
            name == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in PLATFORM_FACTS
        ):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_the_detector_finds_each_way_of_writing_a_fact():
    source = "\n".join(
        [
            "conference.join_url = url",  # 1
            "Conference.objects.filter(pk=pk).update(recording_url=url)",  # 2
            "Conference.objects.filter(pk=pk).update(**fields)",  # 3
            "setattr(conference, 'meeting_id', zoom_id)",  # 4
            "conference_update(conference=c, passcode=code)",  # 5
            "self.conference.participants_count_recorded += 1",  # 6
            "Conference.objects.filter(pk=pk).update(join_url='')",  # 7
            "Invitation.objects.filter(pk=pk).update(join_url=url)",  # 8: the personal link
            "invitation.join_url = url",  # 9: the personal link
            "conference_update(conference=c, **fields)",  # 10: staff's form
            "x = conference.join_url",  # 11: a read
        ]
    )
    assert _fact_writes(source) == [1, 2, 3, 4, 5, 6, 7]


def test_no_code_but_the_service_writes_a_platform_fact():
    base = Path(settings.BASE_DIR)
    found = []
    for path in sorted(base.rglob("*.py")):
        relative = path.relative_to(base)
        if SKIPPED_PARTS & set(relative.parts) or relative == WRITER:
            continue
        found += [f"{relative}:{line}" for line in _fact_writes(path.read_text())]
    assert found == []
