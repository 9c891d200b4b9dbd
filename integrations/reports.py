"""After the event: the participant report, the Q&A report and the recording link are pulled
from Zoom, then the conference is marked held."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
from dataclasses import dataclass
from urllib.parse import quote

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from activity.models import ZOOM
from conferences.models import Conference
from conferences.services import conference_platform_facts_set, conference_set_status
from elyurt.celery import task_after_commit

from .attendance import ReportIn, attendance_reports_import, in_window
from .models import AttendanceReport, Question, ZoomMeeting, ZoomWebhookEvent
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
        "registrant_id": str(row.get("registrant_id") or ""),
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


def instance_path_id(uuid: str) -> str:
    """A meeting instance's uuid as a path segment: encoded once, or twice when it begins with
    "/" or holds "//" (Zoom's API reference, "meeting UUID")."""
    once = quote(uuid, safe="")
    return quote(once, safe="") if uuid.startswith("/") or "//" in uuid else once


def _moment(text) -> datetime.datetime | None:
    if not text:
        return None
    with contextlib.suppress(ValueError, TypeError):
        return datetime.datetime.fromisoformat(str(text))
    return None


def _instances_list(client: ZoomClient, meeting: ZoomMeeting) -> dict[str, dict]:
    """Zoom's list of the meeting's past instances, as {uuid: {"start_time": ISO text,
    "end_time": None}} (the list gives no end)."""
    past = "past_meetings" if meeting.kind == ZoomMeeting.Kind.MEETING else "past_webinars"
    body = client.request("GET", f"/{past}/{meeting.zoom_id}/instances", missing_ok=True) or {}
    listed = body.get("meetings") or body.get("webinars") or []
    return {
        str(item["uuid"]): {"start_time": item.get("start_time"), "end_time": None}
        for item in listed
        if isinstance(item, dict) and item.get("uuid")
    }


def _instances_known(client: ZoomClient, meeting: ZoomMeeting) -> dict[str, dict]:
    """Every instance: the webhooks' and Zoom's list merged; an end time missing from both is
    read from the instance's report details. Stored on the meeting."""
    known = {uuid: dict(times) for uuid, times in (meeting.instances or {}).items()}
    for uuid, times in _instances_list(client, meeting).items():
        entry = known.setdefault(uuid, {"start_time": None, "end_time": None})
        entry["start_time"] = entry.get("start_time") or times["start_time"]
    collection = zoom_collection(meeting)
    for uuid, entry in known.items():
        if not entry.get("end_time"):
            details = client.request(
                "GET", f"/report/{collection}/{instance_path_id(uuid)}", missing_ok=True
            )
            if details:
                entry["start_time"] = entry.get("start_time") or details.get("start_time")
                entry["end_time"] = details.get("end_time")
    ZoomMeeting.objects.filter(pk=meeting.pk).update(instances=known)
    meeting.instances = known
    return known


def _instance_rows(client: ZoomClient, meeting: ZoomMeeting, uuid: str) -> list[dict]:
    try:
        return client.paginate(
            f"/report/{zoom_collection(meeting)}/{instance_path_id(uuid)}/participants",
            key="participants",
        )
    except ZoomError as exc:
        if exc.status_code == 404:
            exc.transient = True  # the report is made some minutes after the end
        raise


def zoom_reports_pull(*, conference: Conference) -> PullResult:
    """Fetch the participant report of every instance of the meeting, the Q&A report and the
    recording link; store them.

    Each instance is pulled by its uuid and kept as an AttendanceReport; those that started in
    the conference's window are merged to the union of their rows, the others are rehearsals
    and change nothing. Raises ZoomError when Zoom fails; a missing participant report (not
    processed yet) is transient. Everything pulled replaces what an earlier pull stored, so
    running it twice is harmless.
    """
    meeting = ZoomMeeting.objects.get(conference=conference)
    client = ZoomClient(conference=conference)
    # Heard of no instance (no webhook, an empty list): the report by the meeting's id, which
    # Zoom gives for its last instance, of unknown times.
    instances = _instances_known(client, meeting) or {meeting.zoom_id: {}}
    reports = []
    for uuid, times in instances.items():
        rows = _instance_rows(client, meeting, uuid)
        reports.append(
            ReportIn(
                key=uuid,
                source=AttendanceReport.Source.ZOOM,
                rows=[_participant_row(r) for r in rows],
                raw=json.dumps(rows, ensure_ascii=False),
                started_at=_moment(times.get("start_time")),
                ended_at=_moment(times.get("end_time")),
            )
        )
    counted = [r for r in reports if in_window(conference, r.started_at)]
    qa_body = None
    recording_url = ""
    if counted and meeting.kind == ZoomMeeting.Kind.WEBINAR:
        qa_body = client.request("GET", f"/report/webinars/{meeting.zoom_id}/qa", missing_ok=True)
    if counted:
        recording = client.request(
            "GET", f"/meetings/{meeting.zoom_id}/recordings", missing_ok=True
        )
        recording_url = _recording_url(recording)[:500]
    with transaction.atomic():
        imported = attendance_reports_import(conference=conference, reports=reports, by=ZOOM)
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
        if facts:
            conference_platform_facts_set(conference=conference, by=ZOOM, **facts)
    return PullResult(
        participants_rows=imported.rows,
        attendees=imported.attendees,
        questions=len(questions),
        recording_url=recording_url,
    )


def instance_in_window_ended(*, conference: Conference, meeting: ZoomMeeting) -> bool:
    """An instance that started inside the conference's window has ended: the one sign that
    the conference took place (a rehearsal outside the window is not)."""
    return any(
        times.get("end_time") and in_window(conference, _moment(times.get("start_time")))
        for times in (meeting.instances or {}).values()
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
    meeting.refresh_from_db()
    # Held only once an instance inside the window has ended: a sound check two days before
    # changes nothing, and a conference never becomes held before its start.
    if (
        conference.status == Status.SCHEDULED
        and conference.starts_at <= timezone.now()
        and instance_in_window_ended(conference=conference, meeting=meeting)
    ):
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
        instances = dict(meeting.instances or {})
        if zoom_object.get("uuid"):
            instances[str(zoom_object["uuid"])] = {
                "start_time": zoom_object.get("start_time") or None,
                "end_time": zoom_object.get("end_time") or None,
            }
        ZoomMeeting.objects.filter(pk=meeting.pk).update(
            pull_requested_at=timezone.now(), pull_attempts=0, instances=instances
        )
        conference_id = meeting.conference_id
        task_after_commit(zoom_after_event_task, conference_id=conference_id)
    return "queued"
