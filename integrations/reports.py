"""After the event: the participant report, the Q&A report and the recording link are pulled
from Zoom, then the conference is marked held."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from activity.models import ZOOM
from conferences.models import Conference
from conferences.services import conference_platform_facts_set, conference_set_status
from elyurt.celery import task_after_commit

from .attendance import attendance_import_rows
from .models import Question, ZoomMeeting, ZoomWebhookEvent
from .services import SYNC_LOCK_SECONDS, zoom_collection
from .zoom import ZoomClient, ZoomError

logger = logging.getLogger(__name__)

Status = Conference.Status

# The participant report appears some minutes after the end; the sweeper asks again this often.
MAX_PULL_ATTEMPTS = 12


def zoom_request_pull(*, conference: Conference) -> None:
    """Ask for the reports again (staff, after fixing something on Zoom); queued after commit."""
    from .tasks import zoom_after_event_task

    ZoomMeeting.objects.filter(conference=conference).update(
        pull_requested_at=timezone.now(), pull_attempts=0
    )
    conference_id = conference.pk
    task_after_commit(zoom_after_event_task, conference_id=conference_id)


@dataclass
class PullResult:
    participants_rows: int
    attendees: int
    questions: int
    recording_url: str


def _participant_row(row: dict) -> dict:
    return {
        "name": row.get("name") or "",
        "email": row.get("user_email") or "",
        "join_time": row.get("join_time") or None,
        "leave_time": row.get("leave_time") or None,
        "duration_seconds": row.get("duration"),
    }


def _questions(conference: Conference, body: dict) -> list[Question]:
    questions = []
    for asker in body.get("questions") or []:
        for detail in asker.get("question_details") or []:
            text = (detail.get("question") or "").strip()
            if not text:
                continue
            asked_at = None
            if detail.get("create_time"):
                with contextlib.suppress(ValueError):
                    asked_at = datetime.datetime.fromisoformat(detail["create_time"])
            questions.append(
                Question(
                    conference=conference,
                    asker_name=(asker.get("name") or "")[:300],
                    question=text,
                    answer=(detail.get("answer") or "").strip(),
                    asked_at=asked_at,
                )
            )
    return questions


def _recording_url(body: dict | None) -> str:
    if not body:
        return ""
    if body.get("share_url"):
        return body["share_url"]
    for item in body.get("recording_files") or []:
        if item.get("play_url"):
            return item["play_url"]
    return ""


def zoom_reports_pull(*, conference: Conference) -> PullResult:
    """Fetch the participant report, the Q&A report and the recording link; store them.

    Raises ZoomError when Zoom fails; a missing participant report (not processed yet) is
    transient. Everything pulled replaces what an earlier pull stored, so running it twice is
    harmless.
    """
    meeting = ZoomMeeting.objects.get(conference=conference)
    client = ZoomClient(conference=conference)
    collection = zoom_collection(meeting)
    try:
        rows = client.paginate(
            f"/report/{collection}/{meeting.zoom_id}/participants", key="participants"
        )
    except ZoomError as exc:
        if exc.status_code == 404:
            exc.transient = True
        raise
    qa_body = None
    if meeting.kind == ZoomMeeting.Kind.WEBINAR:
        qa_body = client.request("GET", f"/report/webinars/{meeting.zoom_id}/qa", missing_ok=True)
    recording = client.request("GET", f"/meetings/{meeting.zoom_id}/recordings", missing_ok=True)
    recording_url = _recording_url(recording)[:500]
    with transaction.atomic():
        imported = attendance_import_rows(
            conference=conference, rows=[_participant_row(r) for r in rows], by=ZOOM
        )
        questions = []
        if qa_body is not None:
            questions = _questions(conference, qa_body)
            Question.objects.filter(conference=conference).delete()
            Question.objects.bulk_create(questions)
        facts = {}
        # A report without a recording or questions keeps what was stored before.
        if recording_url:
            facts["recording_url"] = recording_url
        if questions:
            facts["qa_held"] = True
        conference_platform_facts_set(conference=conference, by=ZOOM, **facts)
    return PullResult(
        participants_rows=imported.rows,
        attendees=imported.attendees,
        questions=len(questions),
        recording_url=recording_url,
    )


def zoom_after_event(*, conference: Conference) -> str:
    """Pull the reports, then mark the conference held (which drafts the press release).

    A transient failure leaves the pull requested for the sweeper until MAX_PULL_ATTEMPTS;
    after that, or after a permanent failure, the conference is marked held without them.
    """
    lock = f"zoom:pull-lock:{conference.pk}"
    if not cache.add(lock, 1, timeout=SYNC_LOCK_SECONDS):
        return "busy"
    try:
        return _after_event(conference)
    finally:
        cache.delete(lock)


def _after_event(conference: Conference) -> str:
    meeting = ZoomMeeting.objects.get(conference=conference)
    if meeting.pull_requested_at is None or not meeting.zoom_id:
        return "nothing to do"
    ZoomMeeting.objects.filter(pk=meeting.pk).update(pull_attempts=meeting.pull_attempts + 1)
    outcome = "pulled"
    try:
        zoom_reports_pull(conference=conference)
    except ZoomError as exc:
        ZoomMeeting.objects.filter(pk=meeting.pk).update(last_error=str(exc)[:1000])
        logger.warning("zoom reports of conference %s: %s", conference.pk, exc)
        if exc.transient and meeting.pull_attempts + 1 < MAX_PULL_ATTEMPTS:
            # The sweeper asks again once this is PULL_INTERVAL old.
            ZoomMeeting.objects.filter(pk=meeting.pk).update(pull_requested_at=timezone.now())
            return "retry later"
        outcome = "given up"
    else:
        ZoomMeeting.objects.filter(pk=meeting.pk).update(
            last_pulled_at=timezone.now(), last_error=""
        )
    ZoomMeeting.objects.filter(pk=meeting.pk).update(pull_requested_at=None)
    conference.refresh_from_db()
    # A meeting that ended before the conference's start (a rehearsal) does not make it held:
    # only staff may mark a conference held early, after a confirmation.
    if conference.status == Status.SCHEDULED and conference.starts_at <= timezone.now():
        conference_set_status(conference=conference, status=Status.HELD, by=ZOOM)
    return outcome


def zoom_meeting_ended(*, event: str, zoom_object: dict, body: bytes) -> str:
    """Record a meeting.ended / webinar.ended delivery once and queue the pull after commit.

    A replay of the same event (same meeting instance) finds its row and changes nothing.
    """
    from .tasks import zoom_after_event_task

    zoom_id = str(zoom_object.get("id") or "")
    key = str(zoom_object.get("uuid") or "") or hashlib.sha256(body).hexdigest()
    with transaction.atomic():
        meeting = (
            ZoomMeeting.objects.select_for_update().filter(zoom_id=zoom_id).first()
            if zoom_id
            else None
        )
        _row, created = ZoomWebhookEvent.objects.get_or_create(
            event=event,
            event_key=key[:200],
            defaults={
                "zoom_id": zoom_id[:30],
                "conference_id": meeting.conference_id if meeting else None,
            },
        )
        if not created:
            return "duplicate"
        if meeting is None:
            return "unknown meeting"
        ZoomMeeting.objects.filter(pk=meeting.pk).update(
            pull_requested_at=timezone.now(), pull_attempts=0
        )
        conference_id = meeting.conference_id
        task_after_commit(zoom_after_event_task, conference_id=conference_id)
    return "queued"
