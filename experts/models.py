import functools
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

# The help of every field holding a person's correction of the other script
# (elyurt/script_text.py).
OVERRIDE_HELP = _(
    "Only where the automatic transliteration is wrong; leave it empty to derive it from the "
    "text as typed."
)


class Language(models.TextChoices):
    UZ_CYRL = "uz-Cyrl", _("Uzbek (Cyrillic)")
    UZ_LATN = "uz-Latn", _("Uzbek (Latin)")
    RU = "ru", _("Russian")
    EN = "en", _("English")


@functools.cache
def time_zone_names() -> frozenset[str]:
    # available_timezones() walks the tz database on disk (milliseconds a call); a CSV of a
    # thousand rows validates a thousand names.
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            _("%(value)s is not an IANA time zone name such as America/New_York."),
            code="time_zone",
            params={"value": value},
        )


class Organization(models.Model):
    class Kind(models.TextChoices):
        FOUNDATION = "foundation", _("Foundation")
        MINISTRY = "ministry", _("Ministry")
        COUNCIL = "council", _("Council")
        UNIVERSITY = "university", _("University")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=300)
    name_latin = models.CharField(_("name in Latin script"), max_length=300, blank=True)
    # The name in Cyrillic where the derived one is wrong (blank: derived); see
    # elyurt/script_text.py.
    name_cyrl = models.CharField(
        _("name in Cyrillic script"), max_length=300, blank=True, help_text=OVERRIDE_HELP
    )
    # The folded name is what the import matches on, so the database refuses a second copy.
    name_key = models.CharField(max_length=300, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = CountryField(_("country"), blank=True)
    mission = models.TextField(_("mission"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class FieldOfExpertise(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_latin = models.CharField(_("name in Latin script"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("field of expertise")
        verbose_name_plural = _("fields of expertise")

    def __str__(self) -> str:
        return self.name


class Expert(models.Model):
    """A person the council works with: members, presenters, partners' representatives.

    Council members are the experts with a membership; the rest appear on conferences only.
    """

    full_name = models.CharField(_("full name"), max_length=200)
    full_name_latin = models.CharField(_("full name in Latin script"), max_length=200, blank=True)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    country = CountryField(_("country of residence"), blank=True)
    city = models.CharField(_("city of residence"), max_length=100, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    position = models.CharField(_("position"), max_length=300, blank=True)
    # Corrections of the derived other script (blank: derived); see elyurt/script_text.py.
    position_latn = models.CharField(
        _("position in Latin script"), max_length=300, blank=True, help_text=OVERRIDE_HELP
    )
    position_cyrl = models.CharField(
        _("position in Cyrillic script"), max_length=300, blank=True, help_text=OVERRIDE_HELP
    )
    academic_degree = models.CharField(_("academic degree"), max_length=100, blank=True)
    fields = models.ManyToManyField(
        FieldOfExpertise, verbose_name=_("fields of expertise"), blank=True, related_name="experts"
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Tashkent", validators=[validate_time_zone]
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.UZ_CYRL
    )
    bio = models.TextField(_("short bio"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="experts/", blank=True)
    is_public = models.BooleanField(
        _("public profile"),
        default=False,
        help_text=_("Shown on public pages and to partners (never email or phone)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="expert_email_unique_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Council(models.Model):
    name = models.CharField(_("name"), max_length=300)
    name_latin = models.CharField(_("name in Latin script"), max_length=300, blank=True)
    # The name in Cyrillic where the derived one is wrong (blank: derived); see
    # elyurt/script_text.py.
    name_cyrl = models.CharField(
        _("name in Cyrillic script"), max_length=300, blank=True, help_text=OVERRIDE_HELP
    )
    name_key = models.CharField(max_length=300, unique=True, editable=False)
    host_organization = models.ForeignKey(
        Organization,
        verbose_name=_("host organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="councils",
    )
    mission = models.TextField(_("mission"), blank=True)
    members = models.ManyToManyField(
        Expert, through="CouncilMembership", related_name="councils", verbose_name=_("members")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self) -> str:
        return self.name


class CouncilMembership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="memberships"
    )
    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["council", "expert__full_name"]
        verbose_name = _("council membership")
        verbose_name_plural = _("council memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            ),
            # Portable half of "once at a time": one open-ended term per expert and council.
            # On PostgreSQL migration 0002 adds an exclusion constraint on overlapping terms.
            models.UniqueConstraint(
                fields=["expert", "council"],
                condition=Q(end_date__isnull=True),
                name="membership_one_open_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} — {self.council} ({self.get_role_display()})"
