"""Writes for the Zoom side of a conference: keeping Zoom in step, and pulling reports back.

The database says what Zoom should look like: listeners mark a ZoomMeeting as needing a sync and
queue a task after commit; the task reconciles (create, update or delete) and clears the mark.
A sweeper picks up marks whose task was lost or failed for a transient reason.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.delivery import messages_wake
from conferences.models import Conference, ConferenceOrganization, Invitation, OutboundMessage
from conferences.services import conference_set_status, conference_update
from elyurt.celery import task_wake

from .attendance import attendance_import_rows
from .models import Question, ZoomMeeting, ZoomWebhookEvent
from .zoom import ZoomClient, ZoomError, zoom_configured

logger = logging.getLogger(__name__)

Status = Conference.Status

# What Zoom shows of a conference: its fields, and the agenda (the meeting's description lists
# the presentations). join_url and meeting_id come from Zoom, so they never trigger.
ZOOM_FIELDS = {"title", "starts_at", "duration_minutes", "passcode", "presentations"}
SYNC_LOCK_SECONDS = 300
# The participant report appears some minutes after the end; the sweeper asks again this often.
MAX_PULL_ATTEMPTS = 12
TOPIC_LIMIT = 200
AGENDA_LIMIT = 2000

_syncing = contextvars.ContextVar("zoom_syncing", default=False)


@contextlib.contextmanager
def _as_sync():
    """Changes written back from Zoom (join link, passcode) must not ask for another sync."""
    marker = _syncing.set(True)
    try:
        yield
    finally:
        _syncing.reset(marker)


# Listeners ---------------------------------------------------------------------------------------


def _wants_zoom(conference: Conference) -> bool:
    return zoom_configured() and conference.platform == Conference.Platform.ZOOM


def zoom_request_sync(*, conference: Conference) -> ZoomMeeting:
    """Mark the conference's Zoom meeting as out of date and queue the sync after commit."""
    from .tasks import zoom_sync_task

    meeting, _created = ZoomMeeting.objects.get_or_create(conference=conference)
    ZoomMeeting.objects.filter(pk=meeting.pk).update(sync_requested_at=timezone.now())
    conference_id = conference.pk
    transaction.on_commit(lambda: task_wake(zoom_sync_task, conference_id=conference_id))
    return meeting


def zoom_request_pull(*, conference: Conference) -> None:
    """Ask for the reports again (staff, after fixing something on Zoom); queued after commit."""
    from .tasks import zoom_after_event_task

    ZoomMeeting.objects.filter(conference=conference).update(
        pull_requested_at=timezone.now(), pull_attempts=0
    )
    conference_id = conference.pk
    transaction.on_commit(lambda: task_wake(zoom_after_event_task, conference_id=conference_id))


def zoom_on_status_change(*, conference: Conference, previous: str, by=None) -> None:
    """Scheduled: create the meeting. Cancelled after scheduling: delete it."""
    if not _wants_zoom(conference):
        return
    if conference.status == Status.SCHEDULED or (
        conference.status == Status.CANCELLED and previous == Status.SCHEDULED
    ):
        zoom_request_sync(conference=conference)


def zoom_on_conference_change(*, conference: Conference, changed: set, by=None) -> None:
    """A scheduled conference's topic, time, length, passcode or agenda changed: Zoom follows."""
    # A cleared join link asks for a meeting (see _pasted_by_hand); other link changes do not.
    link_cleared = "join_url" in changed and not conference.join_url
    if _syncing.get() or not (changed & ZOOM_FIELDS or link_cleared):
        return
    if conference.status != Status.SCHEDULED or not _wants_zoom(conference):
        return
    zoom_request_sync(conference=conference)


# Sync --------------------------------------------------------------------------------------------


def _alternative_hosts(conference: Conference, meeting: ZoomMeeting) -> str:
    if meeting.alternative_hosts.strip():
        emails = [e.strip() for e in meeting.alternative_hosts.split(";")]
    else:
        emails = [
            expert.email
            for role in conference.organization_roles.filter(
                role=ConferenceOrganization.Role.TECHNICAL_ORGANIZER
            ).prefetch_related("representatives")
            for expert in role.representatives.all()
        ]
    seen: dict[str, None] = {}
    for email in emails:
        if email and email.lower() not in seen:
            seen[email.lower()] = None
    return ";".join(seen)


def _agenda(conference: Conference) -> str:
    lines = [
        f"{p.order}. {p.title} — {p.presenter.full_name}"
        for p in conference.presentations.select_related("presenter")
    ]
    return "\n".join(lines)[:AGENDA_LIMIT]


def zoom_meeting_payload(*, conference: Conference, meeting: ZoomMeeting) -> dict:
    """The body Zoom's create and update endpoints take for this conference."""
    local = timezone.localtime(conference.starts_at, timezone=_zone())
    body = {
        "topic": conference.title[:TOPIC_LIMIT],
        "agenda": _agenda(conference),
        # Local wall time plus the zone name: Zoom then shows attendees the right time.
        "start_time": local.strftime("%Y-%m-%dT%H:%M:%S"),
        "timezone": settings.TIME_ZONE,
        "duration": conference.duration_minutes,
        "settings": {
            # Registration on, approved automatically: partners' staff get personal links and
            # the participant report carries their emails; Zoom's own mails stay off, ours go.
            "approval_type": 0,
            "registration_type": 1,
            "registrants_email_notification": False,
            "registrants_confirmation_email": False,
            "alternative_hosts": _alternative_hosts(conference, meeting),
        },
    }
    if conference.passcode:
        body["password"] = conference.passcode
    if meeting.kind == ZoomMeeting.Kind.MEETING:
        body["type"] = 2  # scheduled meeting
        body["settings"].update({"waiting_room": True, "join_before_host": False})
    else:
        body["type"] = 5  # webinar
        body["settings"].update({"practice_session": False, "hd_video": True})
    return body


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)


def _collection(meeting: ZoomMeeting) -> str:
    return "meetings" if meeting.kind == ZoomMeeting.Kind.MEETING else "webinars"


def _refuses_alternative_host(exc: ZoomError) -> bool:
    # Zoom's refusal names the alternative host in its message; its code is not documented.
    return exc.status_code == 400 and "alternative host" in str(exc).lower()


def _post_create(client: ZoomClient, path: str, payload: dict, meeting: ZoomMeeting) -> dict:
    try:
        return client.request("POST", path, json=payload, creates=True)
    except ZoomError as exc:
        if not (payload["settings"]["alternative_hosts"] and _refuses_alternative_host(exc)):
            raise
        # Alternative hosts must be users of the Zoom account; one that is not must not keep
        # the conference without a meeting. Staff see the note and fix the list.
        payload["settings"]["alternative_hosts"] = ""
        body = client.request("POST", path, json=payload, creates=True)
        meeting.last_error = (_("Created without alternative hosts: %(error)s") % {"error": exc})[
            :1000
        ]
        return body


def _find_made(client: ZoomClient, conference: Conference, meeting: ZoomMeeting, payload: dict):
    """The meeting an unanswered create call made, found by topic and start, or None."""
    collection = _collection(meeting)
    items = client.paginate(
        f"/users/{meeting.host or 'me'}/{collection}", key=collection, params={"type": "scheduled"}
    )
    for item in items:
        try:
            start = datetime.datetime.fromisoformat(item.get("start_time") or "")
        except ValueError:
            continue
        if item.get("topic") == payload["topic"] and start == conference.starts_at:
            return client.request("GET", f"/{collection}/{item['id']}")
    return None


def _create(client: ZoomClient, conference: Conference, meeting: ZoomMeeting) -> None:
    payload = zoom_meeting_payload(conference=conference, meeting=meeting)
    body = _find_made(client, conference, meeting, payload) if meeting.create_uncertain else None
    if body is None:
        try:
            body = _post_create(
                client, f"/users/{meeting.host or 'me'}/{_collection(meeting)}", payload, meeting
            )
        except ZoomError as exc:
            if exc.transient and (exc.status_code is None or exc.status_code >= 500):
                ZoomMeeting.objects.filter(pk=meeting.pk).update(create_uncertain=True)
            raise
    zoom_id = str(body["id"])
    join_url = body.get("join_url") or ""
    ZoomMeeting.objects.filter(pk=meeting.pk).update(
        zoom_id=zoom_id, join_url_written=join_url, create_uncertain=False
    )
    meeting.join_url_written = join_url
    # Personal links of an earlier meeting (deleted, then scheduled again) no longer open it.
    _registration_links_forget(conference)
    meeting.zoom_id = zoom_id
    with _as_sync():
        conference_update(
            conference=conference,
            join_url=join_url or conference.join_url,
            meeting_id=zoom_id,
            passcode=body.get("password") or conference.passcode,
        )


def _update(client: ZoomClient, conference: Conference, meeting: ZoomMeeting) -> None:
    payload = zoom_meeting_payload(conference=conference, meeting=meeting)
    del payload["type"]
    path = f"/{_collection(meeting)}/{meeting.zoom_id}"
    try:
        client.request("PATCH", path, json=payload)
    except ZoomError as exc:
        if exc.status_code != 404:
            raise
        # Someone deleted it on Zoom by hand: the conference is still scheduled, so recreate.
        _create(client, conference, meeting)


def _delete(client: ZoomClient, meeting: ZoomMeeting) -> None:
    client.request("DELETE", f"/{_collection(meeting)}/{meeting.zoom_id}", missing_ok=True)
    ZoomMeeting.objects.filter(pk=meeting.pk).update(zoom_id="")
    meeting.zoom_id = ""
    _registration_links_forget(meeting.conference)


def _add_panelists(client: ZoomClient, conference: Conference, meeting: ZoomMeeting) -> None:
    panelists = {}
    for presentation in conference.presentations.select_related("presenter"):
        expert = presentation.presenter
        if expert.email:
            panelists.setdefault(
                expert.email.lower(), {"name": expert.full_name, "email": expert.email}
            )
    if panelists:
        client.request(
            "POST",
            f"/webinars/{meeting.zoom_id}/panelists",
            json={"panelists": list(panelists.values())},
        )


def _pasted_by_hand(conference: Conference, meeting: ZoomMeeting) -> bool:
    return (
        not meeting.zoom_id
        and bool(conference.join_url)
        and conference.join_url != meeting.join_url_written
    )


def zoom_meeting_sync(*, conference: Conference) -> str:
    """Make Zoom match the conference; returns what was done.

    Safe to run twice and concurrently: a cache lock lets one run at a time, each run reads the
    conference afresh and does what its status calls for. A failure is kept on the ZoomMeeting
    for staff; a transient one leaves the sync mark for the sweeper.
    """
    if not zoom_configured():
        return "not configured"
    lock = f"zoom:sync-lock:{conference.pk}"
    if not cache.add(lock, 1, timeout=SYNC_LOCK_SECONDS):
        return "busy"
    try:
        conference.refresh_from_db()
        meeting, _created = ZoomMeeting.objects.get_or_create(conference=conference)
        requested = meeting.sync_requested_at
        client = ZoomClient(conference=conference)
        action = "nothing"
        # Notes a successful run still leaves for staff (refused registrants, hosts dropped).
        meeting.last_error = ""
        try:
            if conference.status == Status.SCHEDULED and _pasted_by_hand(conference, meeting):
                action = "left alone"
                meeting.last_error = _(
                    "The conference's join link was pasted by hand, so no Zoom meeting is made "
                    "for it. Clear the link and sync to have one made."
                )
            elif conference.status == Status.SCHEDULED:
                if meeting.zoom_id:
                    action = "updated"
                    _update(client, conference, meeting)
                else:
                    action = "created"
                    _create(client, conference, meeting)
                if meeting.kind == ZoomMeeting.Kind.WEBINAR:
                    _add_panelists(client, conference, meeting)
                zoom_registrants_send(conference=conference, meeting=meeting, client=client)
            elif meeting.zoom_id and conference.status == Status.CANCELLED:
                action = "deleted"
                _delete(client, meeting)
        except ZoomError as exc:
            # Transient: the sweeper tries again once the mark is old enough. Permanent: trying
            # again cannot help until someone changes the conference.
            updates = {
                "last_error": str(exc)[:1000],
                "sync_requested_at": timezone.now() if exc.transient else None,
            }
            ZoomMeeting.objects.filter(pk=meeting.pk).update(**updates)
            logger.warning("zoom sync of conference %s failed: %s", conference.pk, exc)
            return "failed"
        ZoomMeeting.objects.filter(pk=meeting.pk).update(
            last_synced_at=timezone.now(), last_error=meeting.last_error
        )
        # A change made while this run talked to Zoom bumped the mark: leave it for the next run.
        ZoomMeeting.objects.filter(pk=meeting.pk, sync_requested_at=requested).update(
            sync_requested_at=None
        )
        return action
    finally:
        cache.delete(lock)


def _registration_links_forget(conference: Conference) -> None:
    ZoomMeeting.objects.filter(conference=conference).update(registrations_refused=[])
    Invitation.objects.filter(conference=conference, source=Invitation.Source.REGISTRATION).exclude(
        join_url=""
    ).update(join_url="")


def _pending_registrations(conference: Conference, meeting: ZoomMeeting):
    return (
        Invitation.objects.filter(
            conference=conference,
            source=Invitation.Source.REGISTRATION,
            join_url="",
            cancelled_at__isnull=True,
        )
        .exclude(pk__in=meeting.registrations_refused)
        .order_by("pk")
    )


def zoom_registrants_send(
    *, conference: Conference, meeting: ZoomMeeting, client: ZoomClient
) -> int:
    """Send partner registrations still without a personal link as Zoom registrants.

    Each registrant's own join link goes onto its invitation, and the invitation's mail, held
    back for it (see messages_awaiting_join_link), goes out. A registration Zoom refuses
    (a malformed email) is skipped and shown on the meeting, its mail sent with the conference's
    link; a transient failure stops the round, and the sweeper sends the rest later. Returns
    how many links were stored.
    """
    if not meeting.zoom_id:
        return 0
    refused = []
    refused_ids = []
    linked_ids = []
    try:
        for invitation in _pending_registrations(conference, meeting).iterator():
            first, _sep, last = " ".join(invitation.name.split()).partition(" ")
            body = {
                "email": invitation.email,
                "first_name": (first or invitation.email)[:64],
                "last_name": last[:64],
            }
            if invitation.organization:
                body["org"] = invitation.organization[:200]
            if invitation.position:
                body["job_title"] = invitation.position[:200]
            try:
                answer = client.request(
                    "POST", f"/{_collection(meeting)}/{meeting.zoom_id}/registrants", json=body
                )
            except ZoomError as exc:
                if exc.transient:
                    raise
                refused.append(f"{invitation.email}: {exc}")
                refused_ids.append(invitation.pk)
                continue
            join_url = ((answer or {}).get("join_url") or "")[:500]
            if join_url:
                # A plain update: the link is Zoom's fact about this invitation, no calendar
                # update to send.
                Invitation.objects.filter(pk=invitation.pk).update(join_url=join_url)
                linked_ids.append(invitation.pk)
    finally:
        # Also when a transient failure cut the round short: what was stored is not held back.
        if linked_ids or refused_ids:
            messages_wake(invitation_ids=[*linked_ids, *refused_ids])
    _registrants_cancel(conference=conference, meeting=meeting, client=client)
    if refused:
        meeting.registrations_refused = [*meeting.registrations_refused, *refused_ids]
        notes = [meeting.last_error, *refused] if meeting.last_error else refused
        meeting.last_error = "\n".join(notes)[:1000]
        ZoomMeeting.objects.filter(pk=meeting.pk).update(
            registrations_refused=meeting.registrations_refused, last_error=meeting.last_error
        )
    return len(linked_ids)


REGISTRANTS_PER_STATUS_CALL = 30  # Zoom's limit for one registrant status update


def _registrants_cancel(*, conference: Conference, meeting: ZoomMeeting, client: ZoomClient):
    """Withdrawn registrations: cancel them on Zoom so their personal link stops working."""
    withdrawn = list(
        Invitation.objects.filter(
            conference=conference,
            source=Invitation.Source.REGISTRATION,
            cancelled_at__isnull=False,
        )
        .exclude(join_url="")
        .order_by("pk")
        .values_list("pk", "email")
    )
    for start in range(0, len(withdrawn), REGISTRANTS_PER_STATUS_CALL):
        batch = withdrawn[start : start + REGISTRANTS_PER_STATUS_CALL]
        client.request(
            "PUT",
            f"/{_collection(meeting)}/{meeting.zoom_id}/registrants/status",
            json={"action": "cancel", "registrants": [{"email": email} for _pk, email in batch]},
        )
        Invitation.objects.filter(pk__in=[pk for pk, _email in batch]).update(join_url="")


def zoom_registrants_queue(*, conference: Conference) -> None:
    """Send new partner registrations to Zoom soon after commit (the sweeper does it anyway
    within a minute); for callers that register people and want the personal links early."""
    if not _wants_zoom(conference):
        return
    from .tasks import zoom_registrants_task

    conference_id = conference.pk
    transaction.on_commit(lambda: task_wake(zoom_registrants_task, conference_id=conference_id))


def zoom_registrants_sync(*, conference: Conference) -> int | str:
    """Send pending registrations of a scheduled conference that already has its meeting."""
    if not zoom_configured():
        return "not configured"
    lock = f"zoom:sync-lock:{conference.pk}"
    if not cache.add(lock, 1, timeout=SYNC_LOCK_SECONDS):
        return "busy"
    try:
        conference.refresh_from_db()
        meeting = ZoomMeeting.objects.filter(conference=conference).first()
        if conference.status != Status.SCHEDULED or meeting is None or not meeting.zoom_id:
            return 0
        try:
            return zoom_registrants_send(
                conference=conference, meeting=meeting, client=ZoomClient(conference=conference)
            )
        except ZoomError as exc:
            ZoomMeeting.objects.filter(pk=meeting.pk).update(last_error=str(exc)[:1000])
            return "failed"
    finally:
        cache.delete(lock)


def conferences_with_pending_registrations() -> list[int]:
    """Scheduled conferences whose meeting exists and who have registrations to send, or
    withdrawn ones to cancel on Zoom."""
    on_zoom = Invitation.objects.filter(
        source=Invitation.Source.REGISTRATION,
        conference__status=Status.SCHEDULED,
        conference__zoom_meeting__zoom_id__gt="",
    )
    pending = on_zoom.filter(join_url="", cancelled_at__isnull=True).values_list(
        "conference_id", "pk", "conference__zoom_meeting__registrations_refused"
    )
    ids = {conference_id for conference_id, pk, refused in pending if pk not in refused}
    withdrawn = on_zoom.filter(cancelled_at__isnull=False).exclude(join_url="")
    ids.update(withdrawn.values_list("conference_id", flat=True))
    return sorted(ids)


def join_link_wait_seconds() -> float:
    return float(getattr(settings, "ZOOM_JOIN_LINK_WAIT_SECONDS", 900))


# A held message is looked at again this often, in case the wake-up after its link was lost.
JOIN_LINK_RECHECK_SECONDS = 60.0


def _awaiting_join_link(invitation_ids: set[int]) -> set[int]:
    """Those of these invitations whose personal Zoom link is still to come."""
    rows = list(
        Invitation.objects.filter(
            pk__in=invitation_ids,
            source=Invitation.Source.REGISTRATION,
            join_url="",
            cancelled_at__isnull=True,
            conference__status=Status.SCHEDULED,
            conference__platform=Conference.Platform.ZOOM,
        ).values_list("pk", "conference_id")
    )
    if not rows:
        return set()
    meetings = {
        m.conference_id: m
        for m in ZoomMeeting.objects.filter(
            conference_id__in={conference_id for _pk, conference_id in rows}
        ).select_related("conference")
    }
    awaiting = set()
    for pk, conference_id in rows:
        meeting = meetings.get(conference_id)
        if meeting is None or pk in meeting.registrations_refused:
            continue
        # No meeting and none on its way (a failed create, a link pasted by hand): no link comes.
        if not meeting.zoom_id and (
            meeting.sync_requested_at is None or _pasted_by_hand(meeting.conference, meeting)
        ):
            continue
        awaiting.add(pk)
    return awaiting


def messages_awaiting_join_link(*, messages, now: datetime.datetime) -> dict[int, float]:
    """A hold for conferences.delivery: a partner registration's mail waits for its personal join
    link, so the first invitation already carries it.

    Registered in apps.py. The link comes from zoom_registrants_send, which then wakes the mail.
    The wait is bounded by ZOOM_JOIN_LINK_WAIT_SECONDS from the moment the message was queued:
    past it (Zoom down) the mail goes with the conference's link and a warning is logged.
    Cancellations show no link and never wait.
    """
    wait = join_link_wait_seconds()
    if wait <= 0 or not zoom_configured():
        return {}
    candidates = [m for m in messages if m.kind != OutboundMessage.Kind.CANCELLATION]
    if not candidates:
        return {}
    awaiting = _awaiting_join_link({m.invitation_id for m in candidates})
    held = {}
    for message in candidates:
        if message.invitation_id not in awaiting:
            continue
        left = wait - (now - message.created_at).total_seconds()
        if left > 0:
            held[message.pk] = min(left, JOIN_LINK_RECHECK_SECONDS)
        else:
            logger.warning(
                "outbox row %s: no personal Zoom join link for invitation %s after %d s; "
                "sending it with the conference's join link",
                message.pk,
                message.invitation_id,
                wait,
            )
    return held


# After the event ---------------------------------------------------------------------------------


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
    collection = _collection(meeting)
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
            conference=conference, rows=[_participant_row(r) for r in rows]
        )
        questions = []
        if qa_body is not None:
            questions = _questions(conference, qa_body)
            Question.objects.filter(conference=conference).delete()
            Question.objects.bulk_create(questions)
        fields = {}
        if recording_url:
            fields["recording_url"] = recording_url
        if questions:
            fields["qa_held"] = True
        if fields:
            # Facts from the platform, not a status: a plain update, no change listeners.
            Conference.objects.filter(pk=conference.pk).update(**fields)
            for name, value in fields.items():
                setattr(conference, name, value)
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
    if conference.status == Status.SCHEDULED:
        conference_set_status(conference=conference, status=Status.HELD, by=None)
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
        transaction.on_commit(lambda: task_wake(zoom_after_event_task, conference_id=conference_id))
    return "queued"
