"""Sending posts: claim a row under a lease, make Telegram show what it asks for (a new
message, an edit, a deletion), finish it (the transitions are outbox.py's; this module decides
which one).

A message is posted at most twice: only a worker killed after Telegram accepted sendMessage
and before the message id was stored leaves no trace of the message; when its lease runs out
the sweeper re-queues the row and the channel gets a second copy. Every later step reaches the
stored message id, so edits and deletions never duplicate anything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils import timezone

from conferences.models import Conference
from pressroom.models import PressRelease

from . import outbox
from .bot import BotApi, BotError, bot_configured
from .models import TelegramPost
from .rendering import Post, conference_post, release_post, withdrawn_text

logger = logging.getLogger(__name__)


@dataclass
class DeliveryResult:
    outcome: str  # "done", "postponed", "failed", "skipped", "busy"
    retry_in: float | None = None


def post_deliver(*, post_id: int) -> DeliveryResult:
    """Bring one post up to date in its channel; safe to call twice, and concurrently."""
    if not bot_configured():
        # No token: the rows wait (pending) until one is set; nothing is spent.
        return DeliveryResult("busy")
    now = timezone.now()
    post = outbox.post_claim(post_id=post_id, now=now)
    if post is None:
        return DeliveryResult("busy")
    if not post.channel.enabled and post.message_id is None:
        outbox.post_drop(post=post)
        return DeliveryResult("skipped")
    api = BotApi()
    try:
        return _act(api, post)
    except BotError as exc:
        return _refused(post, exc)
    finally:
        api.close()


def _refused(post: TelegramPost, exc: BotError) -> DeliveryResult:
    error = str(exc)
    if exc.transient:
        delay = outbox.post_postpone(post=post, error=error, wait=exc.retry_after)
        if delay is None:
            return DeliveryResult("failed")
        return DeliveryResult("postponed", retry_in=delay)
    logger.warning("Telegram post %s to %s failed for good: %s", post.pk, post.channel, error)
    outbox.post_fail(post=post, error=error)
    return DeliveryResult("failed")


def _content(post: TelegramPost) -> Post:
    script = post.channel.script
    if post.release_id:
        return release_post(post.release, script)
    return conference_post(post.conference, script)


def _act(api: BotApi, post: TelegramPost) -> DeliveryResult:
    chat = post.channel.chat
    if post.withdrawn or _source_gone(post):
        if post.message_id is None:
            outbox.post_finish(post=post)  # never reached the channel: nothing to take back
            return DeliveryResult("done")
        outbox.post_finish(post=post, removal=_remove(api, post))
        return DeliveryResult("done")
    content = _content(post)
    if post.message_id is None:
        message_id = _send(api, chat, content)
        outbox.post_message_sent(post=post, message_id=message_id, is_photo=bool(content.photo_url))
        post.is_photo = bool(content.photo_url)
    elif post.delivered_revision < post.revision:
        _edit(api, chat, post.message_id, post.is_photo, content.html)
    outbox.post_finish(post=post)
    return DeliveryResult("done")


def _source_gone(post: TelegramPost) -> bool:
    """A release no longer published, a conference cancelled: taken back (the source's
    status is the truth, whatever the row says)."""
    if post.release_id is not None:
        return post.release.status != PressRelease.Status.PUBLISHED
    return post.conference.status == Conference.Status.CANCELLED


def _send(api: BotApi, chat: str, content: Post) -> int:
    if content.photo_url:
        result = api.call(
            "sendPhoto",
            chat_id=chat,
            photo=content.photo_url,
            caption=content.html,
            parse_mode="HTML",
        )
    else:
        result = api.call(
            "sendMessage",
            chat_id=chat,
            text=content.html,
            parse_mode="HTML",
            link_preview_options={"is_disabled": False},
        )
    return int(result["message_id"])


def _edit(api: BotApi, chat: str, message_id: int, is_photo: bool, text: str) -> None:
    try:
        if is_photo:
            api.call(
                "editMessageCaption",
                chat_id=chat,
                message_id=message_id,
                caption=text,
                parse_mode="HTML",
            )
        else:
            api.call(
                "editMessageText",
                chat_id=chat,
                message_id=message_id,
                text=text,
                parse_mode="HTML",
            )
    except BotError as exc:
        # The same text again (an edit of a language the channel does not show) is no error.
        if exc.code == 400 and exc.says("message is not modified"):
            return
        raise


def _remove(api: BotApi, post: TelegramPost) -> str:
    """Delete the message; when Telegram refuses (older than 48 hours, no right to delete),
    edit it to say it was withdrawn. Returns "deleted" or "marked"."""
    chat = post.channel.chat
    try:
        api.call("deleteMessage", chat_id=chat, message_id=post.message_id)
        return "deleted"
    except BotError as exc:
        if exc.transient:
            raise
        if exc.code == 400 and exc.says("message to delete not found"):
            return "deleted"
        if not (exc.code == 400 and exc.says("can't be deleted", "cannot be deleted")):
            raise
    _edit(
        api, chat, post.message_id, post.is_photo, f"<i>{withdrawn_text(post.channel.script)}</i>"
    )
    return "marked"
