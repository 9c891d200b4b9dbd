"""Celery tasks for press releases: thin, ids as keyword arguments, the services do the work."""

import logging

from celery import shared_task

from conferences.models import Conference

from .drafting import DraftingError
from .services import press_release_draft, press_release_publish_due

logger = logging.getLogger(__name__)


@shared_task(name="pressroom.draft_release", ignore_result=True, acks_late=True)
def draft_release_task(*, conference_id: int) -> None:
    conference = Conference.objects.filter(pk=conference_id).first()
    if conference is None:
        logger.info("conference %s is gone; no release drafted", conference_id)
        return
    try:
        release = press_release_draft(conference=conference)
    except DraftingError as exc:
        # Not transient: staff see the conference without a release and can draft by hand.
        logger.warning("release of conference %s not drafted: %s", conference_id, exc)
        return
    logger.info("release %s drafted for conference %s", release.pk, conference_id)


@shared_task(name="pressroom.publish_due_releases", ignore_result=True)
def publish_due_releases_task() -> None:
    published = press_release_publish_due()
    if published:
        logger.info("published scheduled releases %s", published)
