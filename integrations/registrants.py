"""Partner registrations on Zoom: registrants sent and cancelled, and their personal join links.

A registration's invitation mail waits (bounded) for its personal link: messages_awaiting_join_link
is the hold conferences.delivery asks, and zoom_registrants_send wakes the mail once the link is in.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache import cache

from conferences.delivery import messages_wake
from conferences.models import Conference, Invitation, OutboundMessage
from elyurt.celery import task_after_commit

from .models import ZoomMeeting
from .services import SYNC_LOCK_SECONDS, join_link_pasted_by_hand, zoom_collection, zoom_wanted
from .zoom import ZoomClient, ZoomError, zoom_configured

logger = logging.getLogger(__name__)

Status = Conference.Status


def registration_links_forget(conference: Conference) -> None:
    """Personal links of an earlier meeting no longer open the new one: forget them."""
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
                    "POST", f"/{zoom_collection(meeting)}/{meeting.zoom_id}/registrants", json=body
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
                Invitation.objects.filter(pk=invitation.pk).update(
                    join_url=join_url,
                    zoom_registrant_id=str((answer or {}).get("registrant_id") or "")[:100],
                )
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
            f"/{zoom_collection(meeting)}/{meeting.zoom_id}/registrants/status",
            json={"action": "cancel", "registrants": [{"email": email} for _pk, email in batch]},
        )
        Invitation.objects.filter(pk__in=[pk for pk, _email in batch]).update(join_url="")


def zoom_registrants_queue(*, conference: Conference) -> None:
    """Send new partner registrations to Zoom soon after commit (the sweeper does it anyway
    within a minute); for callers that register people and want the personal links early."""
    if not zoom_wanted(conference):
        return
    from .tasks import zoom_registrants_task

    conference_id = conference.pk
    task_after_commit(zoom_registrants_task, conference_id=conference_id)


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
            meeting.sync_requested_at is None
            or join_link_pasted_by_hand(meeting.conference, meeting)
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
