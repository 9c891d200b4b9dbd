"""The general outbox: one row per e-mail that is not a conference invitation's calendar mail
(review invitations, meeting records, recommendations, registration confirmations, digests).

Conference invitations keep their own outbox (conferences.OutboundMessage): they are rendered at
send time because the conference may change under them. A Letter is rendered when it is queued,
in its reader's language and script, so the row is the message.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Letter(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    # What makes a second copy impossible to record, e.g. "review:12:expert:7:invite".
    key = models.CharField(_("key"), max_length=200, unique=True)
    # The key's first segment ("review", "digest"...), for staff lists and counts.
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    to_email = models.EmailField(_("to"), max_length=254)
    to_name = models.CharField(_("name"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=500)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    # Extra header lines, e.g. {"List-Unsubscribe": "<https://…>"}.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # [{"filename": …, "mimetype": …, "content": base64}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")

    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Not before this time: a scheduled letter, or the backoff after a transient SMTP error.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="letter_source"),
            models.Index(
                fields=["state", "next_attempt_at"],
                name="letter_waiting",
                condition=Q(state__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.to_email}"
