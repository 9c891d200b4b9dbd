"""Reminders, found by a periodic scan (never by a countdown): 24 hours and 1 hour before."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from . import outbox
from .models import Conference, Invitation, OutboundMessage

Kind = OutboundMessage.Kind
State = OutboundMessage.State


REMINDERS = (
    (Kind.REMINDER_24H, datetime.timedelta(hours=24)),
    (Kind.REMINDER_1H, datetime.timedelta(hours=1)),
)
# The mail that tells a person the conference's time and details.
ANNOUNCEMENTS = (Kind.INVITATION, Kind.UPDATE, Kind.REINSTATEMENT)


def reminders_queue(*, now: datetime.datetime | None = None) -> int:
    """Record and queue the reminders that are due: 24 hours and 1 hour before the start, to
    people who accepted or have not answered.

    A reminder is at most once per person, kind and start time: its row holds the start it
    announces and the unique key includes it. So a conference moved after a reminder went out
    reminds again before its new start, a change of title or link does not, and delivery drops
    a reminder whose start is no longer the conference's. A person is reminded only if their
    last calendar mail (invitation, update, reinstatement) was sent before the reminder's
    moment: someone invited, or told of a move, within the last 24 hours before the start gets
    no 24-hour reminder, only the 1-hour one. Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    for kind, before in REMINDERS:
        conferences = Conference.objects.filter(
            status=Conference.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + before,
        )
        if kind == Kind.REMINDER_24H:
            # Within the last hour the 1-hour reminder says it all.
            conferences = conferences.filter(starts_at__gt=now + datetime.timedelta(hours=1))
        for conference in conferences:
            reminded = OutboundMessage.objects.filter(
                invitation=OuterRef("pk"), kind=kind, starts_at=conference.starts_at
            )
            with transaction.atomic():
                due = (
                    conference.invitations.filter(cancelled_at__isnull=True)
                    .filter(answer__in=[Invitation.Answer.NONE, Invitation.Answer.ACCEPTED])
                    .annotate(
                        last_told=Max(
                            "messages__sent_at",
                            filter=Q(messages__kind__in=ANNOUNCEMENTS, messages__state=State.SENT),
                        )
                    )
                    .filter(last_told__lte=conference.starts_at - before)
                    .exclude(Exists(reminded))
                )
                queued += len(
                    outbox.messages_record(
                        invitations=list(due),
                        kind=kind,
                        sequence=conference.sequence,
                        starts_at=conference.starts_at,
                    )
                )
    return queued
