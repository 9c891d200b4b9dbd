"""Thin tasks: load by id, call the service. Queued only after commit."""

import logging

from celery import shared_task

from conferences.models import Conference

from .services import record_draft

logger = logging.getLogger(__name__)


@shared_task(name="records.draft_record", acks_late=True, reject_on_worker_lost=True)
def draft_record_task(*, conference_id: int) -> str:
    conference = Conference.objects.filter(pk=conference_id).first()
    if conference is None:
        logger.info("conference %s is gone; no record drafted", conference_id)
        return "gone"
    record = record_draft(conference=conference)
    return "drafted" if record is not None else "not held"
