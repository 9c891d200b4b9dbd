from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DictionaryEntry(models.Model):
    """A spelling the press service added to the exception dictionary (transliteration.dictionary).

    ``cyrillic`` is one word in lowercase Cyrillic (or a Latin word kept Latin, then ``latin`` is
    the same word); ``latin`` its Latin as written (ʻ after o and g, ʼ elsewhere). Written only
    by transliteration.services.
    """

    cyrillic = models.CharField(_("Cyrillic"), max_length=60, unique=True)
    latin = models.CharField(_("Latin"), max_length=80)
    whole_word = models.BooleanField(
        _("whole word only"),
        default=False,
        help_text=_("Off: the entry also covers the word with suffixes (бюджет, бюджетга)."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["cyrillic"]
        verbose_name = _("dictionary entry")
        verbose_name_plural = _("dictionary entries")

    def __str__(self) -> str:
        return f"{self.cyrillic} → {self.latin}"
