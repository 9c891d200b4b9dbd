"""A council's recommendations to the organisations (mostly ministries) it advises, and what
became of each: the addressee answers through a personal link or the partner API."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference
from experts.models import Council, Expert, Organization


class Script(models.TextChoices):
    CYRILLIC = "cyrl", _("Cyrillic")
    LATIN = "latn", _("Latin")


class Recommendation(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
        REJECTED = "rejected", _("Rejected")
        IMPLEMENTED = "implemented", _("Implemented")

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="recommendations"
    )
    # The number is "year/serial" (2027/14), serial counted per council and year; allocated by
    # services.recommendation_number_next under a lock on the council row.
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    serial = models.PositiveIntegerField(_("serial number"), editable=False)
    # Where it came from: a conference, or the review of a draft regulation (its opinion);
    # `source_label` names any other source.
    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    draft = models.ForeignKey(
        "regulations.Draft",
        verbose_name=_("draft regulation reviewed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    source_label = models.CharField(_("source"), max_length=300, blank=True)
    # The text as typed (`script` says which) and derived for the other script.
    script = models.CharField(
        _("script typed"), max_length=4, choices=Script.choices, default=Script.CYRILLIC
    )
    text_cyrl = models.TextField(_("text (Cyrillic)"), max_length=5000)
    text_latn = models.TextField(_("text (Latin)"), max_length=5000)
    addressee = models.ForeignKey(
        Organization,
        verbose_name=_("addressee"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    due_on = models.DateField(_("due date"))
    # Only services.recommendation_set_status assigns these fields.
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PROPOSED,
        editable=False,
    )
    reason = models.TextField(_("reason for rejection"), max_length=5000, blank=True)
    comment = models.TextField(_("addressee's comment"), max_length=5000, blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the public tracker.")
    )
    # The last 30-day period after the due date whose reminder was queued (0: on the due date).
    reminded_period = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-year", "-serial"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "year", "serial"], name="recommendation_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "proposed",
                        "sent",
                        "accepted",
                        "partly_accepted",
                        "rejected",
                        "implemented",
                    ]
                ),
                name="recommendation_status_valid",
            ),  # fmt: skip
            # The rules of services.recommendation_set_status, kept by the database as well.
            models.CheckConstraint(
                condition=~Q(status="implemented")
                | (~Q(evidence_url="") & Q(implemented_on__isnull=False)),
                name="recommendation_implemented_has_evidence",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="recommendation_rejected_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="recommendation_open_due")]

    def __str__(self) -> str:
        return f"{self.number} {self.text_cyrl[:60]}"

    @property
    def number(self) -> str:
        return f"{self.year}/{self.serial}"

    def text_in(self, script: str) -> str:
        return self.text_latn if script == Script.LATIN else self.text_cyrl


class AnswerLink(models.Model):
    """A contact's personal link to answer a recommendation without logging in.

    As conferences.tokens: the token derives from a random salt and SECRET_KEY; the table holds
    its SHA-256 only.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="answer_links"
    )
    contact = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="+")
    token_salt = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "contact"], name="answer_link_one_per_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation.number} → {self.contact}"
