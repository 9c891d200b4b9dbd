"""Thin Celery tasks for the review; the database holds the state."""

from celery import shared_task

from .reminders import reminders_queue


@shared_task(name="regulations.queue_reminders", ignore_result=True)
def queue_reminders_task() -> None:
    reminders_queue()
