from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference
from pressroom.models import PressRelease


class TelegramChannel(models.Model):
    """A Telegram channel (or group) the bot posts releases and announcements to."""

    class Script(models.TextChoices):
        LATIN = "latn", _("Uzbek Latin")
        CYRILLIC = "cyrl", _("Uzbek Cyrillic")

    # "@handle" of a public channel or the numeric chat id ("-1001234567890") of a private one.
    chat = models.CharField(_("channel"), max_length=64, unique=True)
    script = models.CharField(_("script"), max_length=4, choices=Script.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["chat"]
        verbose_name = _("Telegram channel")
        verbose_name_plural = _("Telegram channels")
        permissions = [
            ("post_telegramchannel", "Can announce conferences and resend Telegram posts"),
        ]

    def __str__(self) -> str:
        return self.chat


class TelegramPost(models.Model):
    """One post in one channel about one release or one conference, and its delivery.

    `revision` counts the changes the channel should show (published, edited, withdrawn);
    `delivered_revision` is the last one Telegram accepted. Only telegram_channels.outbox
    assigns `state`.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Up to date")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    channel = models.ForeignKey(
        TelegramChannel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="posts"
    )
    release = models.ForeignKey(
        PressRelease,
        verbose_name=_("press release"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="telegram_posts",
    )
    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="telegram_posts",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, editable=False
    )
    # The channel should no longer show it: delete the message (or mark it withdrawn).
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    revision = models.PositiveIntegerField(default=1)
    delivered_revision = models.PositiveIntegerField(default=0)
    message_id = models.BigIntegerField(_("message id"), null=True, blank=True)
    # Sent as a photo with caption: edits go through editMessageCaption.
    is_photo = models.BooleanField(default=False)
    # How a withdrawal ended: "deleted", or "marked" when Telegram refused the delete.
    removal = models.CharField(max_length=10, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("Telegram post")
        verbose_name_plural = _("Telegram posts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(release__isnull=False) & Q(conference__isnull=True))
                | (Q(release__isnull=True) & Q(conference__isnull=False)),
                name="telegram_post_one_source",
            ),
            models.UniqueConstraint(
                fields=["release", "channel"],
                condition=Q(release__isnull=False),
                name="telegram_post_release_channel",
            ),
            models.UniqueConstraint(
                fields=["conference", "channel"],
                condition=Q(conference__isnull=False),
                name="telegram_post_conference_channel",
            ),
        ]
        indexes = [models.Index(fields=["state", "updated_at"], name="telegram_post_state")]

    def __str__(self) -> str:
        source = f"release {self.release_id}" if self.release_id else f"conf {self.conference_id}"
        return f"{self.channel_id}: {source}"
