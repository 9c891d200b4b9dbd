"""Reads for the channel pages: each list is one query however many rows it shows."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet

from .models import TelegramChannel, TelegramPost

State = TelegramPost.State


def telegram_channel_list() -> QuerySet[TelegramChannel]:
    """Channels with their posts counted by state and the newest failure's time."""
    return TelegramChannel.objects.annotate(
        posts_done=Count("posts", filter=Q(posts__state=State.DONE)),
        posts_waiting=Count("posts", filter=Q(posts__state__in=[State.PENDING, State.SENDING])),
        posts_failed=Count("posts", filter=Q(posts__state=State.FAILED)),
        last_failure_at=Max("posts__updated_at", filter=Q(posts__state=State.FAILED)),
    ).order_by("chat")


def telegram_failures() -> QuerySet[TelegramPost]:
    """Failed posts with what Telegram answered, newest first (the staff's to-do list)."""
    return (
        TelegramPost.objects.filter(state=State.FAILED)
        .select_related("channel", "release", "conference")
        .order_by("-updated_at", "-pk")
    )


def telegram_channel_posts(*, channel: TelegramChannel) -> QuerySet[TelegramPost]:
    """A channel's posts, newest first, with what each is about."""
    return (
        TelegramPost.objects.filter(channel=channel)
        .select_related("release", "conference")
        .order_by("-created_at", "-pk")
    )
