"""Thin Celery tasks: the periodic reminder scan."""

from celery import shared_task

from .services import recommendation_reminders_queue


@shared_task(name="recommendations.queue_reminders", ignore_result=True)
def queue_reminders_task() -> None:
    recommendation_reminders_queue()
