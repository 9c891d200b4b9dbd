"""The record of a held conference: agenda, council members present / excused / absent, the
audience by kind, the questions asked, and the decisions. Drafted when the conference is held,
edited and approved by the council secretary; every saved text is kept as a version."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference

# The parts of a record, in the order the document shows them; each is text in Uzbek Cyrillic
# (the .docx gives it in Latin too). The names lists hold one name a line.
PARTS = ("agenda", "present", "excused", "absent", "audience", "questions", "decisions")


class MeetingRecord(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    conference = models.OneToOneField(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="meeting_record",
    )
    # Only record_set_status assigns this field.
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    agenda = models.TextField(_("agenda and presenters"), blank=True)
    present = models.TextField(_("council members present"), blank=True)
    excused = models.TextField(_("council members excused (declined)"), blank=True)
    absent = models.TextField(_("council members absent"), blank=True)
    audience = models.TextField(_("audience by kind"), blank=True)
    questions = models.TextField(_("questions asked"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-conference__starts_at", "pk"]
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")
        permissions = [("approve_meetingrecord", _("Can approve and mail meeting records"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "approved"]), name="meeting_record_status_valid"
            )
        ]

    def __str__(self) -> str:
        return str(self.conference)


class MeetingRecordVersion(models.Model):
    """The record's text as it was after a draft or an edit, numbered from 1."""

    class Source(models.TextChoices):
        DRAFT = "draft", _("Drafted")
        EDIT = "edit", _("Edited")

    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    parts = models.JSONField(_("text"), default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["record", "-number"]
        verbose_name = _("meeting record version")
        verbose_name_plural = _("meeting record versions")
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="record_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record} v{self.number}"
