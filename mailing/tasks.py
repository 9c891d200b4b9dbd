"""Thin Celery tasks: ids in, a service call, nothing else. The database holds the state."""

from celery import shared_task

from . import delivery, outbox


@shared_task(
    name="mailing.send_letters",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    ignore_result=True,
)
def send_letters_task(self, *, letter_ids: list[int]) -> None:
    report = delivery.letters_deliver(letter_ids=letter_ids)
    if report.retry_in is not None and not self.request.is_eager:
        # The rows carry their own attempt count (the bound); this only wakes them on time.
        raise self.retry(countdown=report.retry_in, kwargs={"letter_ids": letter_ids})


@shared_task(name="mailing.sweep", ignore_result=True)
def sweep_letters_task() -> None:
    outbox.letters_sweep()
