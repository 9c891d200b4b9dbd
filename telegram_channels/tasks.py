"""Thin Celery tasks: ids in, a service call, nothing else. The rows hold the state."""

import logging

from celery import shared_task

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
    if result.retry_in is not None and not self.request.is_eager:
        # The row holds its own attempt count and earliest time (retry_after); this only wakes
        # it then. A lost wake-up is the sweeper's.
        raise self.retry(countdown=result.retry_in, kwargs={"post_id": post_id})


@shared_task(name="telegram_channels.sweep_posts", ignore_result=True)
def sweep_posts_task() -> None:
    outbox.posts_sweep()
