"""Celery tasks for subscriptions: thin, ids as keyword arguments, the services do the work.
Both are safe to run twice: every letter's key is unique per (release or week, subscriber)."""

import logging

from celery import shared_task

from pressroom.models import PressRelease

from .services import digest_send, release_letters_queue

logger = logging.getLogger(__name__)


@shared_task(name="subscriptions.release_letters", ignore_result=True, acks_late=True)
def release_letters_task(*, release_id: int) -> None:
    release = PressRelease.objects.filter(pk=release_id).first()
    if release is None:
        logger.info("release %s is gone; nothing mailed", release_id)
        return
    count = release_letters_queue(release=release)
    logger.info("release %s: %s letters queued", release_id, count)


@shared_task(name="subscriptions.weekly_digest", ignore_result=True, acks_late=True)
def weekly_digest_task() -> None:
    count = digest_send()
    logger.info("weekly digest: %s letters queued", count)
