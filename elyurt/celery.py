"""The Celery app: `celery -A elyurt worker` runs tasks, `celery -A elyurt beat` the scans."""

import logging
import os

from celery import Celery
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elyurt.settings")

app = Celery("elyurt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def task_wake(task, **kwargs) -> bool:
    """Queue a task that wakes work the database already holds; False if the broker refused.

    Every such piece of work has a periodic scan that finds it anyway (the outbox sweeper, the
    Zoom sweep), so a broker that is down only delays it. The change that called for it has
    committed by now: raising here would answer 500 for something that did happen.
    """
    try:
        task.apply_async(kwargs=kwargs)
    except OperationalError as exc:
        logger.warning("broker unavailable, %s left to its periodic scan: %s", task.name, exc)
        return False
    return True


def task_after_commit(task, **kwargs) -> None:
    """Wake `task` with `kwargs` once the current transaction commits (at once outside one).

    The one idiom for queueing work a change calls for: the change is committed before the
    worker can look for it, and a broker that is down is logged, not raised (see task_wake).
    """
    from django.db import transaction

    transaction.on_commit(lambda: task_wake(task, **kwargs), robust=True)
