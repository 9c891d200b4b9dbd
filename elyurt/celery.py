"""The Celery app: `celery -A elyurt worker` runs tasks, `celery -A elyurt beat` the scans."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elyurt.settings")

app = Celery("elyurt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
