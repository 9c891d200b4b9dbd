from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference
from experts.models import Language


class PressRelease(models.Model):
    """The press release of one held conference, in Uzbek Cyrillic and Latin (and more)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    conference = models.OneToOneField(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.PROTECT,
        related_name="press_release",
    )
    # Only press_release_set_status assigns this field.
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=False)
    title_cyrl = models.CharField(_("title (Uzbek Cyrillic)"), max_length=400)
    title_latn = models.CharField(_("title (Uzbek Latin)"), max_length=400, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=400, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    body_cyrl = models.TextField(_("body (Uzbek Cyrillic)"))
    body_latn = models.TextField(_("body (Uzbek Latin)"), blank=True)
    body_ru = models.TextField(_("body (Russian)"), blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    # Once someone edits the Latin text by hand it is kept; until then it follows the Cyrillic.
    latin_edited = models.BooleanField(_("Latin edited by hand"), default=False)
    # A release typed in Latin: the Cyrillic is derived from the Latin (transliteration's
    # to_cyrillic) until someone edits the Cyrillic by hand.
    cyrillic_follows = models.BooleanField(_("Cyrillic follows the Latin"), default=False)
    publish_at = models.DateTimeField(_("scheduled publication"), null=True, blank=True)
    # Scheduled publication happens on the authority of whoever scheduled it.
    publish_scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")
        permissions = [
            ("approve_pressrelease", "Can approve press releases"),
            ("publish_pressrelease", "Can publish and withdraw press releases"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="release_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title_cyrl


class PressReleaseVersion(models.Model):
    """A snapshot of a release's texts: every draft and every human edit adds one."""

    class Source(models.TextChoices):
        DRAFT = "draft", _("Drafted from the conference's data")
        EDIT = "edit", _("Edited by hand")

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    title_cyrl = models.CharField(_("title (Uzbek Cyrillic)"), max_length=400)
    title_latn = models.CharField(_("title (Uzbek Latin)"), max_length=400, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=400, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    body_cyrl = models.TextField(_("body (Uzbek Cyrillic)"))
    body_latn = models.TextField(_("body (Uzbek Latin)"), blank=True)
    body_ru = models.TextField(_("body (Russian)"), blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["release", "number"]
        verbose_name = _("press release version")
        verbose_name_plural = _("press release versions")
        constraints = [
            models.UniqueConstraint(fields=["release", "number"], name="release_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.release_id} v{self.number} ({self.source})"


class ReleaseTemplate(models.Model):
    """The wording of a drafted release in one language, in Django template syntax.

    The press service edits it; drafting renders the active one with the conference's facts.
    """

    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    name = models.CharField(_("name"), max_length=100)
    title = models.TextField(_("title template"))
    body = models.TextField(_("body template"))
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "name"]
        verbose_name = _("release template")
        verbose_name_plural = _("release templates")
        constraints = [
            models.UniqueConstraint(
                fields=["language"], condition=Q(active=True), name="release_template_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.name}"
