"""Draft regulations sent by a ministry, their versions split into articles, the experts'
comments per article and the council's opinion."""

import datetime
import zoneinfo

from django.db import models
from django.utils.translation import gettext_lazy as _

from experts.models import Council, Expert, Organization

TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")


class Draft(models.Model):
    """A draft normative act a ministry sent for the council's review.

    `status` changes only in regulations.services.draft_set_status.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_REVIEW = "in_review", _("In review")
        OPINION_DRAFTED = "opinion_drafted", _("Opinion drafted")
        APPROVED = "approved", _("Approved")
        SENT = "sent", _("Sent")

    title = models.CharField(_("title"), max_length=500)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("ministry"),
        on_delete=models.PROTECT,
        related_name="regulation_drafts",
    )
    contact_email = models.EmailField(_("ministry's contact email"), blank=True)
    contact_name = models.CharField(_("ministry's contact name"), max_length=200, blank=True)
    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="regulation_drafts",
    )
    deadline = models.DateField(
        _("deadline"), help_text=_("The last day for comments (Tashkent time).")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    show_others_comments = models.BooleanField(
        _("experts see others' comments"),
        default=True,
        help_text=_("After posting their own comment on an article, an expert sees the others'."),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("draft regulation")
        verbose_name_plural = _("draft regulations")
        permissions = [("approve_opinion", _("Can approve and send the council's opinion"))]

    def __str__(self) -> str:
        return self.title

    @property
    def deadline_at(self) -> datetime.datetime:
        """The end of the deadline day in Tashkent: comments close at that moment."""
        next_day = self.deadline + datetime.timedelta(days=1)
        return datetime.datetime.combine(next_day, datetime.time(), tzinfo=TASHKENT)


class Version(models.Model):
    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    source_name = models.CharField(_("file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["draft", "number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.draft} v{self.number}"


class Article(models.Model):
    """An article's identity across versions: comments hang on it, not on a version's text."""

    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="articles"
    )
    first_number = models.CharField(_("number when first seen"), max_length=40)

    class Meta:
        ordering = ["draft", "pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.first_number


class Unit(models.Model):
    """One numbered unit (article, clause) of one version, with its exact text."""

    class Change(models.TextChoices):
        NEW = "new", _("New")
        UNCHANGED = "unchanged", _("Unchanged")
        CHANGED = "changed", _("Changed")

    version = models.ForeignKey(
        Version, verbose_name=_("version"), on_delete=models.CASCADE, related_name="units"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="units"
    )
    position = models.PositiveIntegerField(_("position"))
    number = models.CharField(_("number"), max_length=40)
    heading = models.CharField(_("heading"), max_length=1000, blank=True)
    context = models.CharField(_("chapter and section"), max_length=1000, blank=True)
    text = models.TextField(_("text"))
    change = models.CharField(
        _("change from the previous version"),
        max_length=10,
        choices=Change.choices,
        default=Change.NEW,
    )

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="unit_position_unique"),
            models.UniqueConstraint(fields=["version", "article"], name="unit_article_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class Reviewer(models.Model):
    """An expert invited to comment on a draft, with a personal link (only its hash is kept)."""

    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="reviewers"
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="reviews"
    )
    added_by_hand = models.BooleanField(_("added by hand"), default=False)
    token_salt = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draft", "expert__full_name"]
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        constraints = [
            models.UniqueConstraint(fields=["draft", "expert"], name="reviewer_unique"),
        ]

    def __str__(self) -> str:
        return str(self.expert)


class Comment(models.Model):
    """One expert's remark on one article (edited in place until the deadline)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Not decided")
        ACCEPTED = "accepted", _("Accepted")
        MERGED = "merged", _("Merged")
        REJECTED = "rejected", _("Rejected")

    reviewer = models.ForeignKey(
        Reviewer, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="comments"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    # The wording the expert read when writing: a later version's different text flags it.
    unit = models.ForeignKey(
        Unit, verbose_name=_("wording commented"), on_delete=models.CASCADE, related_name="+"
    )
    remark = models.TextField(_("remark"))
    proposed_wording = models.TextField(_("proposed wording"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["article", "created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "article"], name="comment_one_per_article"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} — {self.article}"


class OpinionArticle(models.Model):
    """The council's wording and justification for one article, written by the secretary."""

    article = models.OneToOneField(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="opinion"
    )
    wording = models.TextField(_("council's proposed wording"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opinion on an article")
        verbose_name_plural = _("opinions on articles")

    def __str__(self) -> str:
        return str(self.article)
