"""Writes for Telegram channels and their posts: every door (dashboard, command, receivers)
comes here. Delivery itself is delivery.py's; the posts' state is outbox.py's alone."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_record
from conferences.models import Conference
from elyurt.text import text_clean
from pressroom.models import PressRelease

from . import outbox
from .models import TelegramChannel, TelegramPost

PERM_ADD = "telegram_channels.add_telegramchannel"
PERM_CHANGE = "telegram_channels.change_telegramchannel"
PERM_POST = "telegram_channels.post_telegramchannel"

# Telegram's rules: a public username is 5-32 letters, digits and underscores, not starting
# with a digit (https://core.telegram.org/api/usernames); a chat id is an integer, a
# channel's "-100…".
_HANDLE = re.compile(r"^@[A-Za-z][A-Za-z0-9_]{4,31}$")
_CHAT_ID = re.compile(r"^-?\d{1,20}$")

# The release fields a channel's post shows: an edit of another field leaves posts alone.
RELEASE_POST_FIELDS = frozenset({"title_cyrl", "title_latn", "body_cyrl", "body_latn", "slug"})


def _check_permission(by, permission: str) -> None:
    # by=None is the command line or the system, acting on the operator's authority.
    if by is not None and not by.has_perm(permission):
        raise PermissionDenied(permission)


def channel_chat_clean(value) -> str:
    """`@handle` or a numeric chat id, as Telegram takes it. Raises ValidationError on `chat`."""
    chat = text_clean(value, field="chat").strip()
    if chat and not chat.startswith(("@", "-")) and not chat.isdigit():
        chat = "@" + chat
    if not (_HANDLE.match(chat) or _CHAT_ID.match(chat)):
        raise ValidationError(
            {
                "chat": _(
                    "Give the channel as @handle (5 to 32 letters, digits or underscores) "
                    "or as its numeric chat id."
                )
            }
        )
    return chat


def _script_clean(script) -> str:
    if script not in TelegramChannel.Script.values:
        raise ValidationError({"script": _("Choose the script: latn or cyrl.")})
    return script


@transaction.atomic
def telegram_channel_add(*, chat: str, script: str, enabled: bool = True, by) -> TelegramChannel:
    """Add a channel the bot posts to (the bot must be an administrator there). Raises
    ValidationError naming `chat` (malformed, already added) or `script`."""
    _check_permission(by, PERM_ADD)
    chat = channel_chat_clean(chat)
    script = _script_clean(script)
    if TelegramChannel.objects.filter(chat__iexact=chat).exists():
        raise ValidationError({"chat": _("This channel is already in the list.")})
    channel = TelegramChannel.objects.create(chat=chat, script=script, enabled=bool(enabled))
    activity_record(
        action=Action.TELEGRAM_CHANNEL_ADDED,
        target=channel,
        by=by,
        data={"chat": chat, "script": script, "enabled": channel.enabled},
    )
    return channel


@transaction.atomic
def telegram_channel_update(
    *, channel: TelegramChannel, script: str, enabled: bool, by
) -> TelegramChannel:
    """Change a channel's script or switch it on or off. Posts already made stay; a channel
    switched off gets nothing new (what is waiting for it is skipped)."""
    _check_permission(by, PERM_CHANGE)
    script = _script_clean(script)
    locked = TelegramChannel.objects.select_for_update().get(pk=channel.pk)
    changed = sorted(
        name
        for name, value in (("script", script), ("enabled", bool(enabled)))
        if getattr(locked, name) != value
    )
    if not changed:
        return locked
    locked.script, locked.enabled = script, bool(enabled)
    locked.save(update_fields=["script", "enabled", "updated_at"])
    activity_record(
        action=Action.TELEGRAM_CHANNEL_UPDATED, target=locked, by=by, data={"changed": changed}
    )
    return locked


def _enabled_channels():
    return TelegramChannel.objects.filter(enabled=True)


def release_posts_publish(*, release: PressRelease) -> list[int]:
    """The release was published (by hand or by the scheduler): one post per enabled channel,
    recorded in the caller's transaction and sent after its commit. A release published again
    after a withdrawal is posted again where it was deleted. Returns the posts' ids."""
    rows = [TelegramPost(release=release, channel=channel) for channel in _enabled_channels()]
    return outbox.posts_record(rows=rows)


def release_posts_withdraw(*, release: PressRelease) -> int:
    """The release was withdrawn: every post of it is deleted (or marked withdrawn)."""
    return outbox.posts_want(posts=TelegramPost.objects.filter(release=release), withdrawn=True)


def release_posts_update(*, release: PressRelease, changed: set[str]) -> int:
    """The release's texts changed after publication: its posts are edited to match."""
    if release.status != PressRelease.Status.PUBLISHED or not (changed & RELEASE_POST_FIELDS):
        return 0
    return outbox.posts_want(
        posts=TelegramPost.objects.filter(release=release, withdrawn=False), withdrawn=False
    )


@transaction.atomic
def conference_announce(*, conference: Conference, by) -> list[int]:
    """Announce a scheduled conference with its registration link in every enabled channel.
    Once per channel: announcing again posts only to channels added since. Raises
    PermissionDenied, or ValidationError on `conference` when it is not scheduled or there is
    no enabled channel. Returns the new posts' ids."""
    _check_permission(by, PERM_POST)
    locked = Conference.objects.select_for_update().get(pk=conference.pk)
    if locked.status != Conference.Status.SCHEDULED:
        raise ValidationError({"conference": _("Only a scheduled conference can be announced.")})
    channels = list(_enabled_channels().exclude(posts__conference=locked))
    if not channels and not _enabled_channels().exists():
        raise ValidationError({"conference": _("No Telegram channel is enabled.")})
    rows = [TelegramPost(conference=locked, channel=channel) for channel in channels]
    TelegramPost.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        TelegramPost.objects.filter(
            conference=locked, channel__in=channels, state=TelegramPost.State.PENDING
        ).values_list("pk", flat=True)
    )
    outbox.posts_queue(post_ids=ids)
    if ids:
        activity_record(
            action=Action.CONFERENCE_ANNOUNCED,
            target=locked,
            by=by,
            data={"channels": sorted(c.chat for c in channels)},
        )
    return ids


def conference_posts_update(*, conference: Conference) -> int:
    """The conference moved, changed topic or was cancelled: its announcements catch up (a
    cancelled conference's announcement is deleted)."""
    posts = TelegramPost.objects.filter(conference=conference)
    cancelled = conference.status == Conference.Status.CANCELLED
    return outbox.posts_want(posts=posts, withdrawn=cancelled)


@transaction.atomic
def telegram_posts_retry(*, channel: TelegramChannel, by) -> list[int]:
    """Staff send again what failed in this channel (the bot is back in it). Returns ids."""
    _check_permission(by, PERM_POST)
    ids = outbox.posts_retry(posts=TelegramPost.objects.filter(channel=channel))
    if ids:
        activity_record(
            action=Action.TELEGRAM_POSTS_RETRIED, target=channel, by=by, data={"count": len(ids)}
        )
    return ids
