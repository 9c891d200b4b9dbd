"""Thin Celery tasks of the ops app."""

from celery import shared_task

from .services import heartbeat_record


@shared_task(name="ops.heartbeat", ignore_result=True, expires=60)
def heartbeat_task() -> None:
    # Run by whichever worker takes it: its time says a worker was reading the queue then.
    heartbeat_record()
