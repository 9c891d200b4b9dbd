"""Reminders, found by a periodic scan (regulations.queue_reminders on beat, like
conferences/reminders.py): three days and one day before the deadline, to reviewers who have
not commented at all; none once the deadline has passed."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from mailing.services import letter_queue

from .mail import REMINDERS, reviewer_letter
from .models import Draft
from .selectors import reviewers_silent


def reminders_queue(*, now: datetime.datetime | None = None) -> int:
    """Queue the reminders that are due; returns how many were queued.

    A reminder goes once per reviewer and kind (the outbox's key holds both). D-3 is due from
    three days before the deadline until D-1 is due; a reviewer invited after a reminder's
    moment gets only the later one (the invitation said the deadline already).
    """
    now = now or timezone.now()
    queued = 0
    for draft in Draft.objects.filter(status=Draft.Status.IN_REVIEW):
        deadline_at = draft.deadline_at
        if now >= deadline_at:
            continue
        for index, (kind, days) in enumerate(REMINDERS):
            moment = deadline_at - datetime.timedelta(days=days)
            later = REMINDERS[index + 1 :]
            if now < moment or any(
                now >= deadline_at - datetime.timedelta(days=d) for _k, d in later
            ):
                continue
            with transaction.atomic():
                for reviewer in reviewers_silent(draft=draft).filter(invited_at__lte=moment):
                    letter = reviewer_letter(reviewer=reviewer, kind=kind)
                    if letter["to_email"] and letter_queue(**letter):
                        queued += 1
    return queued
