"""Keeping Zoom in step with a conference: the meeting is created, updated or deleted.

The database says what Zoom should look like: listeners mark a ZoomMeeting as needing a sync and
queue a task after commit; the task reconciles (create, update or delete) and clears the mark.
A sweeper picks up marks whose task was lost or failed for a transient reason.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import ZOOM
from conferences.models import Conference, ConferenceOrganization
from conferences.services import conference_platform_facts_set
from elyurt.celery import task_after_commit

from .models import ZoomMeeting
from .registrants import registration_links_forget, zoom_registrants_send
from .services import SYNC_LOCK_SECONDS, join_link_pasted_by_hand, zoom_collection, zoom_wanted
from .zoom import ZoomClient, ZoomError, zoom_configured

logger = logging.getLogger(__name__)

Status = Conference.Status

# What Zoom shows of a conference: its fields, and the agenda (the meeting's description lists
# the presentations). join_url and meeting_id come from Zoom, so they never trigger.
ZOOM_FIELDS = {"title", "starts_at", "duration_minutes", "passcode", "presentations"}
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


def zoom_request_sync(*, conference: Conference) -> ZoomMeeting:
    """Mark the conference's Zoom meeting as out of date and queue the sync after commit."""
    from .tasks import zoom_sync_task

    meeting, _created = ZoomMeeting.objects.get_or_create(conference=conference)
    ZoomMeeting.objects.filter(pk=meeting.pk).update(sync_requested_at=timezone.now())
    conference_id = conference.pk
    task_after_commit(zoom_sync_task, conference_id=conference_id)
    return meeting


def zoom_on_status_change(*, conference: Conference, previous: str, by=None) -> None:
    """Scheduled: create the meeting. Cancelled after scheduling: delete it."""
    if not zoom_wanted(conference):
        return
    if conference.status == Status.SCHEDULED or (
        conference.status == Status.CANCELLED and previous == Status.SCHEDULED
    ):
        zoom_request_sync(conference=conference)


def zoom_on_conference_change(*, conference: Conference, changed: set, by=None) -> None:
    """A scheduled conference's topic, time, length, passcode or agenda changed: Zoom follows."""
    # A cleared join link asks for a meeting (see services.join_link_pasted_by_hand); other link
    # changes do not.
    link_cleared = "join_url" in changed and not conference.join_url
    if _syncing.get() or not (changed & ZOOM_FIELDS or link_cleared):
        return
    if conference.status != Status.SCHEDULED or not zoom_wanted(conference):
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
    collection = zoom_collection(meeting)
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
                client,
                f"/users/{meeting.host or 'me'}/{zoom_collection(meeting)}",
                payload,
                meeting,
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
    registration_links_forget(conference)
    meeting.zoom_id = zoom_id
    with _as_sync():
        conference_platform_facts_set(
            conference=conference,
            by=ZOOM,
            join_url=join_url or conference.join_url,
            meeting_id=zoom_id,
            passcode=body.get("password") or conference.passcode,
        )


def _update(client: ZoomClient, conference: Conference, meeting: ZoomMeeting) -> None:
    payload = zoom_meeting_payload(conference=conference, meeting=meeting)
    del payload["type"]
    path = f"/{zoom_collection(meeting)}/{meeting.zoom_id}"
    try:
        client.request("PATCH", path, json=payload)
    except ZoomError as exc:
        if exc.status_code != 404:
            raise
        # Someone deleted it on Zoom by hand: the conference is still scheduled, so recreate.
        _create(client, conference, meeting)


def _delete(client: ZoomClient, meeting: ZoomMeeting) -> None:
    client.request("DELETE", f"/{zoom_collection(meeting)}/{meeting.zoom_id}", missing_ok=True)
    ZoomMeeting.objects.filter(pk=meeting.pk).update(zoom_id="")
    meeting.zoom_id = ""
    registration_links_forget(meeting.conference)


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
            if conference.status == Status.SCHEDULED and join_link_pasted_by_hand(
                conference, meeting
            ):
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
