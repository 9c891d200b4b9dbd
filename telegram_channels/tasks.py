"""Thin Celery tasks: ids in, a service call, nothing else. The rows hold the state."""

import logging

from celery import shared_task
from django.conf import settings

from . import delivery, outbox

logger = logging.getLogger(__name__)


@shared_task(
    name="telegram_channels.deliver_post",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    ignore_result=True,
)
def deliver_post_task(self, *, post_id: int) -> None:
    result = delivery.post_deliver(post_id=post_id)
    if result.retry_in is None or self.request.is_eager:
        return
    # The row holds its own attempt count and earliest time (retry_after); this only wakes it
    # then. A wait longer than the backoff's cap (a long flood ban) is left to the sweeper, so
    # no countdown outlives the broker's visibility timeout; so is a lost wake-up.
    if result.retry_in <= settings.TELEGRAM_RETRY_BACKOFF_MAX_SECONDS:
        raise self.retry(countdown=result.retry_in, kwargs={"post_id": post_id})


@shared_task(name="telegram_channels.sweep_posts", ignore_result=True)
def sweep_posts_task() -> None:
    outbox.posts_sweep()
