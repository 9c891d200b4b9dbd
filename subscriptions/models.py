from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Subscription(models.Model):
    """One address subscribed to one kind of mail, double opt-in.

    Both links are personal and never stored: the confirmation token is random and only its
    SHA-256 is kept; the unsubscribe token is derived from a random salt and SECRET_KEY (as
    conferences.tokens does for answer links), so every mail can carry it, and only its
    SHA-256 is kept for the lookup.
    """

    class Kind(models.TextChoices):
        RELEASES = "releases", _("Every new press release")
        DIGEST = "digest", _("Weekly digest")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Confirmed")
        ENDED = "ended", _("Unsubscribed")

    email = models.EmailField(_("email"), max_length=254)
    email_lower = models.CharField(max_length=254, editable=False)
    kind = models.CharField(_("what to receive"), max_length=10, choices=Kind.choices)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="uz-cyrl"
    )
    # Only subscriptions.services assigns this field.
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, editable=False
    )
    confirm_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Confirmation mails sent so far: the key of the next one (mailing is idempotent by key).
    mails_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    unsubscribe_salt = models.CharField(max_length=64, editable=False)
    unsubscribe_hash = models.CharField(max_length=64, unique=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["email_lower", "kind"], name="subscription_once"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "active", "ended"]),
                name="subscription_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["kind", "state"], name="subscription_kind_state")]

    def __str__(self) -> str:
        return f"{self.email} ({self.kind})"


class Digest(models.Model):
    """One weekly digest as sent: what it held, so next week's can tell what is new."""

    week = models.DateField(_("week starting"), unique=True)
    conference_ids = models.JSONField(default=list)
    release_ids = models.JSONField(default=list)
    letters = models.PositiveIntegerField(_("letters queued"), default=0)
    # Set once every letter is queued; a row without it is a run that died midway.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week"]
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")

    def __str__(self) -> str:
        return f"{self.week:%Y-%m-%d}"
