import datetime
import secrets
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from experts.models import (
    OVERRIDE_HELP,
    Council,
    Expert,
    Language,
    Organization,
    validate_time_zone,
)

EXTERNAL_ID_VALIDATOR = RegexValidator(
    r"^[a-z0-9_.-]{1,100}\Z", _("Use 1–100 characters of a-z, 0-9, '-', '_' and '.'.")
)


# Where people type: a start outside these years is a typo (9999-12-31), and one that renderers
# downstream cannot carry (a calendar's end, an ISO year of four digits).
STARTS_AT_MIN = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
STARTS_AT_MAX = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
STARTS_AT_MESSAGE = _("A conference starts between 2000-01-01 and 2100-01-01.")
DURATION_MAX = 24 * 60
# Declared figures (participants, experts) are typed by hand; a figure of eight digits is a typo.
FIGURE_MAX = 10**7 - 1


def generate_external_id() -> str:
    return f"conf-{secrets.token_hex(6)}"


def generate_calendar_uid() -> str:
    """A calendar UID that names no host (RFC 7986 5.3), so no setting can change it."""
    return f"{uuid.uuid4()}@elyurt"


class ParticipantGroup(models.TextChoices):
    MINISTRY = "ministry", _("Ministry staff")
    RECTOR = "rector", _("Rectors")
    VICE_RECTOR = "vice_rector", _("Vice-rectors")
    DEAN = "dean", _("Deans")
    HEAD_OF_DEPARTMENT = "head_of_department", _("Heads of department")
    PROFESSOR = "professor", _("Professors and teachers")
    STUDENT = "student", _("Students")
    OTHER = "other", _("Others")


class Conference(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Platform(models.TextChoices):
        ZOOM = "zoom", _("Zoom")
        OTHER = "other", _("Other")

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="conferences"
    )
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        unique=True,
        default=generate_external_id,
        validators=[EXTERNAL_ID_VALIDATOR],
    )
    title = models.CharField(_("topic"), max_length=300)
    # The topic in the other script where a person corrected the derived one (blank: derived
    # by transliteration). See elyurt/script_text.py.
    title_latn = models.CharField(
        _("topic in Latin script"), max_length=300, blank=True, help_text=OVERRIDE_HELP
    )
    title_cyrl = models.CharField(
        _("topic in Cyrillic script"), max_length=300, blank=True, help_text=OVERRIDE_HELP
    )
    # The public page's address (/conferences/<slug>/), made once by conference_create from the
    # date and the topic in Latin script, and never changed: links already shared keep working.
    slug = models.SlugField(_("address"), max_length=200, unique=True, editable=False)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.UZ_CYRL
    )
    starts_at = models.DateTimeField(
        _("starts at"),
        validators=[
            MinValueValidator(STARTS_AT_MIN, message=STARTS_AT_MESSAGE),
            MaxValueValidator(STARTS_AT_MAX, message=STARTS_AT_MESSAGE),
        ],
    )
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        default=120,
        validators=[MinValueValidator(1), MaxValueValidator(DURATION_MAX)],
    )
    platform = models.CharField(
        _("platform"), max_length=10, choices=Platform.choices, default=Platform.ZOOM
    )
    join_url = models.URLField(_("join link"), blank=True, max_length=500)
    meeting_id = models.CharField(_("meeting id"), max_length=50, blank=True)
    passcode = models.CharField(_("passcode"), max_length=50, blank=True)
    # Only conference_set_status assigns this field.
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    organizations = models.ManyToManyField(
        Organization, through="ConferenceOrganization", related_name="conferences"
    )
    experts = models.ManyToManyField(
        Expert,
        verbose_name=_("experts who took part"),
        blank=True,
        related_name="conferences_attended",
    )
    expert_count_declared = models.PositiveIntegerField(
        _("declared number of experts"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(FIGURE_MAX)],
    )
    expert_countries_declared = models.JSONField(
        _("declared countries of experts"), default=list, blank=True
    )
    participants_count_declared = models.PositiveIntegerField(
        _("declared number of participants"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(FIGURE_MAX)],
    )
    participants_approximate = models.BooleanField(
        _("participant count is approximate"), default=False
    )
    participant_groups = models.JSONField(_("kinds of participant"), default=list, blank=True)
    qa_held = models.BooleanField(_("questions and answers held"), default=False)
    # Written by the attendance import (the platform's participant report); wins over declared.
    participants_count_recorded = models.PositiveIntegerField(
        _("recorded number of participants"), null=True, blank=True, editable=False
    )
    recording_url = models.URLField(_("recording link"), blank=True, max_length=500)
    # Open registration on the public page (conferences.public_registrations enforces both).
    registration_open = models.BooleanField(
        _("open registration"),
        default=True,
        help_text=_("Anyone may register on the public page while the conference is scheduled."),
    )
    seats_max = models.PositiveIntegerField(
        _("seats for public registration"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(FIGURE_MAX)],
        help_text=_("Empty: no limit. Counts confirmed public registrations."),
    )
    # The calendar SEQUENCE: raised on every change invited people must hear about.
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    # The event's UID in every calendar mail, set when the row is created and never changed:
    # a new UID would make every calendar add the conference a second time.
    calendar_uid = models.CharField(
        _("calendar UID"),
        max_length=255,
        unique=True,
        editable=False,
        default=generate_calendar_uid,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=DURATION_MAX),
                name="conference_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "scheduled", "held", "cancelled"]),
                name="conference_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d} {self.title}"

    @property
    def participants_count(self) -> int | None:
        """Recorded attendance where it exists, else the declared figure."""
        if self.participants_count_recorded is not None:
            return self.participants_count_recorded
        return self.participants_count_declared

    @property
    def participants_count_is_approximate(self) -> bool:
        return self.participants_count_recorded is None and self.participants_approximate

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class ConferenceOrganization(models.Model):
    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("Organiser")
        CO_ORGANIZER = "co_organizer", _("Co-organiser")
        TECHNICAL_ORGANIZER = "technical_organizer", _("Technical organiser")
        PARTNER = "partner", _("Partner")

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="organization_roles"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="conference_roles",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    representatives = models.ManyToManyField(
        Expert, verbose_name=_("representatives"), blank=True, related_name="represented_at"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("organisation taking part")
        verbose_name_plural = _("organisations taking part")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "organization", "role"], name="conference_org_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class Presentation(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="presentations"
    )
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=300)
    # Corrections of the derived other script; see elyurt/script_text.py.
    title_latn = models.CharField(
        _("title in Latin script"), max_length=300, blank=True, help_text=OVERRIDE_HELP
    )
    title_cyrl = models.CharField(
        _("title in Cyrillic script"), max_length=300, blank=True, help_text=OVERRIDE_HELP
    )
    presenter = models.ForeignKey(
        Expert,
        verbose_name=_("presenter"),
        on_delete=models.PROTECT,
        related_name="presentations",
    )
    slides = models.FileField(_("slides"), upload_to="slides/", blank=True)

    class Meta:
        ordering = ["conference", "order"]
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "order"], name="presentation_order_unique"
            ),
            models.CheckConstraint(condition=Q(order__gte=1), name="presentation_order_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Invitation(models.Model):
    """One person invited to one conference; the database refuses a second one per email.

    The answer token is never stored: only its hash, so a leaked table opens no answer page.
    """

    class Source(models.TextChoices):
        COUNCIL = "council", _("Council member")
        PARTNER = "partner", _("Partner organisation")
        CSV = "csv", _("CSV file")
        REGISTRATION = "registration", _("Registration")
        MANUAL = "manual", _("Added by staff")

    class Answer(models.TextChoices):
        NONE = "none", _("No answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="invitations")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    # Lower-cased email: the key of "one invitation per person per conference".
    email_lower = models.CharField(max_length=254, editable=False)
    organization = models.CharField(_("organisation"), max_length=300, blank=True)
    position = models.CharField(_("position"), max_length=300, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.UZ_CYRL
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Tashkent", validators=[validate_time_zone]
    )
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("expert"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    registered_by = models.ForeignKey(
        Organization,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_invitations",
    )
    # The kind of participant chosen at registration; empty: read from the position.
    kind = models.CharField(
        _("kind of participant"), max_length=20, choices=ParticipantGroup.choices, blank=True
    )
    # Zoom's id of this person as a registrant: the participant report names it.
    zoom_registrant_id = models.CharField(max_length=100, blank=True, editable=False)
    # A personal meeting link (filled by the Zoom integration); the conference's link otherwise.
    join_url = models.URLField(_("personal join link"), blank=True, max_length=500)
    # A random salt from which the answer token is derived with SECRET_KEY; see tokens.py.
    token_salt = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    answer = models.CharField(
        _("answer"), max_length=10, choices=Answer.choices, default=Answer.NONE
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["conference", "name", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "email_lower"], name="invitation_email_unique_per_conference"
            ),
            models.CheckConstraint(
                condition=Q(answer__in=["none", "accepted", "declined"]),
                name="invitation_answer_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def effective_join_url(self) -> str:
        return self.join_url or self.conference.join_url


REMINDER_KINDS = ("reminder_24h", "reminder_1h")


class OutboundMessage(models.Model):
    """The outbox: one row per message a person must get, written before anything is sent.

    The unique keys make a second copy of the same message impossible to record: (invitation,
    kind, sequence) for calendar mail, one per change; (invitation, kind, starts_at) for
    reminders, one per start time, so a title change never reminds twice and a move reminds
    again. The state machine below makes a second send impossible outside the window between
    the SMTP server's acceptance and the update to `sent`.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        UPDATE = "update", _("Update")
        CANCELLATION = "cancellation", _("Cancellation")
        # A cancelled conference scheduled again: a calendar REQUEST saying it is on after all.
        REINSTATEMENT = "reinstatement", _("Reinstatement")
        REMINDER_24H = "reminder_24h", _("Reminder 24 hours before")
        REMINDER_1H = "reminder_1h", _("Reminder 1 hour before")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Not sent because the invitation was cancelled before its turn came.
        SKIPPED = "skipped", _("Skipped")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The conference's calendar SEQUENCE when the message was queued: one update per change.
    sequence = models.PositiveIntegerField(default=0)
    # A reminder's start time: it is sent only while this is still the conference's start.
    starts_at = models.DateTimeField(_("start reminded of"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Not before this time (backoff after a transient SMTP error).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "kind", "sequence"],
                condition=~Q(kind__in=REMINDER_KINDS),
                name="outbound_message_once",
            ),
            models.UniqueConstraint(
                fields=["invitation", "kind", "starts_at"],
                condition=Q(kind__in=REMINDER_KINDS),
                name="outbound_reminder_once_per_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=REMINDER_KINDS) | Q(starts_at__isnull=False),
                name="outbound_reminder_has_start",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sending", "sent", "failed", "skipped"]),
                name="outbound_message_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(lease_until__isnull=False),
                name="outbound_message_sending_has_lease",
            ),
        ]
        indexes = [models.Index(fields=["state", "lease_until"], name="outbound_state_lease")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.invitation.email} ({self.state})"


class InvitationImport(models.Model):
    """A large invitation CSV, read and added by a worker while staff watch its progress.

    The file is kept until the import ends (the worker reads it from here, not from the
    request). `status` changes in conferences/invitee_imports.py only.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="invitation_imports"
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content = models.BinaryField(_("content"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows added"), default=0)
    # The reasons a file was refused, one message per line of the file, as the form shows them.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("invitation import")
        verbose_name_plural = _("invitation imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return 100 * self.rows_done // self.rows_total if self.rows_total else 0


class PartnerRegistration(models.Model):
    """A partner's registration of one person, as the partner sent it.

    One person has one invitation per conference, whoever invited them first (staff, the
    council, another partner). Each partner that registers the person gets a row here with
    the details it sent, and the partner API shows it those: so registering someone invited
    another way looks exactly like registering someone new, and tells the partner nothing of
    who else invited them or what they wrote.
    """

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="partner_registrations"
    )
    organization_by = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="registrations_made"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    organization = models.CharField(_("organisation"), max_length=300, blank=True)
    position = models.CharField(_("position"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    timezone = models.CharField(_("time zone"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("partner registration")
        verbose_name_plural = _("partner registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "organization_by"], name="partner_registration_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class PublicRegistration(models.Model):
    """Someone who registered on the public page; an invitation only once they confirm.

    Double opt-in: the confirmation link's token is random and only its SHA-256 is stored.
    One row per (conference, email): registering again refreshes the unconfirmed row.
    """

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="public_registrations"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    email_lower = models.CharField(max_length=254, editable=False)
    organization = models.CharField(_("organisation"), max_length=300, blank=True)
    position = models.CharField(_("position"), max_length=300, blank=True)
    participant_group = models.CharField(
        _("kind of participant"), max_length=20, choices=ParticipantGroup.choices
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.UZ_CYRL
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Tashkent", validators=[validate_time_zone]
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Confirmation mails sent so far: the key of the next one (mailing is idempotent by key).
    mails_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_registration",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["conference", "pk"]
        verbose_name = _("public registration")
        verbose_name_plural = _("public registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "email_lower"], name="public_registration_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
