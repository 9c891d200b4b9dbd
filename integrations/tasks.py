"""Thin tasks: load by id, call the service. Queued only after commit."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from conferences.models import Conference

from . import registrants, reports, sync
from .models import ZoomMeeting
from .zoom import zoom_configured

logger = logging.getLogger(__name__)

# A mark older than this has lost its task (worker restart, failure): the sweeper takes it.
SYNC_GRACE = datetime.timedelta(minutes=2)
PULL_INTERVAL = datetime.timedelta(minutes=5)


def _conference(conference_id: int) -> Conference | None:
    conference = Conference.objects.filter(pk=conference_id).first()
    if conference is None:
        logger.info("conference %s is gone; nothing to do", conference_id)
    return conference


@shared_task(name="integrations.zoom_sync", acks_late=True, reject_on_worker_lost=True)
def zoom_sync_task(*, conference_id: int) -> str:
    conference = _conference(conference_id)
    if conference is None:
        return "gone"
    return sync.zoom_meeting_sync(conference=conference)


@shared_task(name="integrations.zoom_after_event", acks_late=True, reject_on_worker_lost=True)
def zoom_after_event_task(*, conference_id: int) -> str:
    conference = _conference(conference_id)
    if conference is None or not zoom_configured():
        return "skipped"
    return reports.zoom_after_event(conference=conference)


@shared_task(name="integrations.zoom_registrants", acks_late=True, reject_on_worker_lost=True)
def zoom_registrants_task(*, conference_id: int):
    conference = _conference(conference_id)
    if conference is None:
        return "gone"
    return registrants.zoom_registrants_sync(conference=conference)


@shared_task(name="integrations.zoom_sweep")
def zoom_sweep_task() -> dict:
    """Retry syncs and report pulls whose task was lost or failed for a transient reason, and
    send partner registrations made since the meeting was created."""
    if not zoom_configured():
        return {}
    now = timezone.now()
    sync_ids = list(
        ZoomMeeting.objects.filter(sync_requested_at__lt=now - SYNC_GRACE).values_list(
            "conference_id", flat=True
        )
    )
    pull_ids = list(
        ZoomMeeting.objects.filter(pull_requested_at__lt=now - PULL_INTERVAL).values_list(
            "conference_id", flat=True
        )
    )
    # A sync sends registrations too; the others only need their registrants sent.
    registrant_ids = [
        pk for pk in registrants.conferences_with_pending_registrations() if pk not in sync_ids
    ]
    for conference_id in sync_ids:
        zoom_sync_task.delay(conference_id=conference_id)
    for conference_id in registrant_ids:
        zoom_registrants_task.delay(conference_id=conference_id)
    for conference_id in pull_ids:
        zoom_after_event_task.delay(conference_id=conference_id)
    return {"sync": len(sync_ids), "registrants": len(registrant_ids), "pull": len(pull_ids)}
