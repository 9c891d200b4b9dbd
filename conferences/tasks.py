"""Thin Celery tasks: ids in, a service call, nothing else. The database holds the state."""

import logging

from celery import shared_task

from . import delivery, outbox
from .reminders import reminders_queue

logger = logging.getLogger(__name__)


@shared_task(
    name="conferences.send_messages",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    ignore_result=True,
)
def send_messages_task(self, *, message_ids: list[int]) -> None:
    report = delivery.messages_deliver(message_ids=message_ids)
    if report.retry_in is not None and not self.request.is_eager:
        # The rows carry their own attempt count (the bound); this only wakes them on time.
        raise self.retry(countdown=report.retry_in, kwargs={"message_ids": message_ids})


@shared_task(
    name="conferences.import_invitations",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def import_invitations_task(*, import_id: int) -> None:
    from .invitee_imports import invitation_import_run

    invitation_import_run(import_id=import_id)


@shared_task(name="conferences.sweep_outbox", ignore_result=True)
def sweep_outbox_task() -> None:
    from .invitee_imports import invitation_imports_requeue

    outbox.messages_sweep()
    invitation_imports_requeue()


@shared_task(name="conferences.queue_reminders", ignore_result=True)
def queue_reminders_task() -> None:
    reminders_queue()
