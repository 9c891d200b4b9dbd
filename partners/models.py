from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.models import Organization


class Scope(models.TextChoices):
    CONFERENCES_READ = "conferences:read", _("Read conferences, councils and statistics")
    EXPERTS_READ = "experts:read", _("Read public expert profiles")
    RELEASES_READ = "releases:read", _("Read published press releases")
    REGISTRATIONS_WRITE = "registrations:write", _("Register staff for conferences")
    RECOMMENDATIONS_READ = "recommendations:read", _("Read recommendations addressed to us")
    RECOMMENDATIONS_WRITE = (
        "recommendations:write",
        _("Read and answer recommendations addressed to us"),
    )
    REVIEWS_WRITE = "reviews:write", _("Send draft regulations for review and read the opinion")


class ApiKey(models.Model):
    """A partner organisation's key to the API. Only the SHA-256 of the key is kept.

    The key is shown once, when created; `prefix` is its first characters, kept in clear so
    staff and the partner can tell keys apart in lists and logs.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["organization__name", "-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.organization})"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
