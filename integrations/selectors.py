"""Reads for the Zoom side of a conference, for the dashboard and the admin."""

from django.db.models import QuerySet

from conferences.models import Conference

from .models import Attendee, Question, ZoomApiCall


def zoom_api_calls_for_conference(*, conference: Conference, limit: int = 50) -> QuerySet:
    """The latest calls made for the conference, newest first."""
    return ZoomApiCall.objects.filter(conference=conference).order_by("-at", "-pk")[:limit]


def attendees_for_conference(*, conference: Conference) -> QuerySet:
    return Attendee.objects.filter(conference=conference).order_by("name", "pk")


def questions_for_conference(*, conference: Conference) -> QuerySet:
    return Question.objects.filter(conference=conference).order_by("asked_at", "pk")
