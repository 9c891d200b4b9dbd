"""What the portal keeps about a conference's Zoom side: the meeting, every API call, who attended
and what they asked."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference, Invitation
from experts.models import Expert


class ZoomMeeting(models.Model):
    """The Zoom meeting or webinar behind a conference; the row holds the sync state."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        WEBINAR = "webinar", _("Webinar")

    conference = models.OneToOneField(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="zoom_meeting",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEETING)
    # Zoom's numeric id, kept as text: it outgrows 32 bits and is never computed with.
    zoom_id = models.CharField(_("Zoom id"), max_length=30, blank=True, db_index=True)
    host = models.CharField(
        _("host"),
        max_length=254,
        default="me",
        help_text=_("Zoom user id or email of the host; “me” is the account's own user."),
    )
    alternative_hosts = models.CharField(
        _("alternative hosts"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Emails of Zoom users on the account, separated by “;”. Empty: the technical "
            "organiser's representatives."
        ),
    )
    # Set by the listeners when Zoom must follow the conference; cleared by a successful sync.
    sync_requested_at = models.DateTimeField(_("sync requested at"), null=True, blank=True)
    last_synced_at = models.DateTimeField(_("last synced at"), null=True, blank=True)
    # Set when the meeting ended on Zoom; cleared when its reports were pulled.
    pull_requested_at = models.DateTimeField(_("report pull requested at"), null=True, blank=True)
    last_pulled_at = models.DateTimeField(_("reports last pulled at"), null=True, blank=True)
    pull_attempts = models.PositiveSmallIntegerField(_("report pull attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # A create call failed without a clear answer (5xx, lost connection): Zoom may have made the
    # meeting, so the next sync looks for it before making another.
    create_uncertain = models.BooleanField(default=False, editable=False)
    # The join link this integration wrote onto the conference; any other link there was pasted
    # by hand for a meeting made elsewhere, and is left alone.
    join_url_written = models.URLField(max_length=500, blank=True, editable=False)
    # Invitations Zoom refused as registrants (a malformed email): not offered again to this
    # meeting, so the sweeper does not call Zoom about them every minute.
    registrations_refused = models.JSONField(default=list, blank=True, editable=False)
    # Every instance (each start of the meeting) heard of, from webhooks and Zoom's list of past
    # instances: {uuid: {"start_time": ISO or null, "end_time": ISO or null}}.
    instances = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("Zoom meeting")
        verbose_name_plural = _("Zoom meetings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.zoom_id or '—'}"


class ZoomApiCall(models.Model):
    """One HTTP exchange with Zoom, for staff to see what happened. Never a token or a secret."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Succeeded")
        RETRIED = "retried", _("Failed, retried")
        FAILED = "failed", _("Failed")

    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="zoom_api_calls",
    )
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=300)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("Zoom API call")
        verbose_name_plural = _("Zoom API calls")

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status_code or '—'}"


class ZoomWebhookEvent(models.Model):
    """Each accepted webhook delivery once: a replay of the same event finds its row and stops."""

    event = models.CharField(_("event"), max_length=100)
    # The meeting instance's uuid where Zoom sends one, else a digest of the body.
    event_key = models.CharField(_("event key"), max_length=200)
    zoom_id = models.CharField(_("Zoom id"), max_length=30, blank=True)
    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="zoom_webhook_events",
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("Zoom webhook event")
        verbose_name_plural = _("Zoom webhook events")
        constraints = [
            models.UniqueConstraint(fields=["event", "event_key"], name="zoom_webhook_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.zoom_id}"


class AttendanceReport(models.Model):
    """One participant report as it came, kept: one meeting instance pulled from Zoom (by its
    uuid), or one CSV uploaded by staff. Zoom deletes some reports after 30 days; this is the
    portal's copy, and the rows and attendees are derived from it.

    A rehearsal is an instance outside the conference's window (ATTENDANCE_WINDOW_*): kept and
    shown to staff, it counts for nothing.
    """

    class Source(models.TextChoices):
        ZOOM = "zoom", _("Zoom")
        CSV = "csv", _("CSV file")

    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="attendance_reports",
    )
    # The instance's uuid, or "csv" for the uploaded file (a new upload replaces it).
    key = models.CharField(_("instance"), max_length=200)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    rehearsal = models.BooleanField(_("rehearsal (outside the conference's window)"), default=False)
    # The report as received: Zoom's JSON rows, or the CSV text.
    raw = models.TextField(_("report as received"), blank=True)
    rows_count = models.PositiveIntegerField(_("rows"), default=0)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        ordering = ["conference", "started_at", "pk"]
        verbose_name = _("attendance report")
        verbose_name_plural = _("attendance reports")
        constraints = [
            models.UniqueConstraint(fields=["conference", "key"], name="attendance_report_once"),
            models.CheckConstraint(
                condition=Q(source__in=["zoom", "csv"]), name="attendance_report_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.key}"


class MatchedBy(models.TextChoices):
    NONE = "", _("Unmatched")
    MANUAL = "manual", _("By hand")
    REGISTRANT = "registrant", _("Zoom registrant id")
    EMAIL = "email", _("Email")
    NAME = "name", _("Name")


class ParticipantRow(models.Model):
    """One line of a report inside the window: one join and leave of one device.

    Rebuilt from the reports by every import; `person_key` names the Attendee it folds into.
    """

    # Few indexes: every import writes all of a conference's rows again. (conference,
    # person_key) serves the conference too; a row is never looked up by whom it matched.
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="participant_rows", db_index=False
    )
    report = models.ForeignKey(AttendanceReport, on_delete=models.CASCADE, related_name="rows")
    name = models.CharField(_("name"), max_length=300)
    email = models.CharField(_("email"), max_length=254, blank=True)
    registrant_id = models.CharField(_("Zoom registrant id"), max_length=100, blank=True)
    join_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    leave_at = models.DateTimeField(_("left at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("seconds"), default=0)
    # The key of the row alone (email, else the folded name): what a manual match is kept by.
    row_key = models.CharField(max_length=320)
    person_key = models.CharField(max_length=320)
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    matched_by = models.CharField(max_length=12, choices=MatchedBy.choices, blank=True)

    class Meta:
        ordering = ["conference", "join_at", "pk"]
        verbose_name = _("participant row")
        verbose_name_plural = _("participant rows")
        indexes = [models.Index(fields=["conference", "person_key"], name="participant_row_person")]

    def __str__(self) -> str:
        return self.name


class ManualMatch(models.Model):
    """Staff said who an unmatched row is. Kept by the row's key, so it survives re-imports."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="manual_matches"
    )
    row_key = models.CharField(max_length=320)
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("manual match")
        verbose_name_plural = _("manual matches")
        constraints = [
            models.UniqueConstraint(fields=["conference", "row_key"], name="manual_match_once"),
            models.CheckConstraint(
                condition=Q(invitation__isnull=False) | Q(expert__isnull=False),
                name="manual_match_names_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.row_key


class Attendee(models.Model):
    """One person who joined, however many times: the participant report folded by person."""

    conference = models.ForeignKey(
        Conference, verbose_name=_("conference"), on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField(_("name"), max_length=300)
    email = models.EmailField(_("email"), blank=True, max_length=254)
    # Lower-cased email, else "name:" and the folded name; one row per person and conference.
    person_key = models.CharField(_("person"), max_length=320)
    joins_count = models.PositiveIntegerField(_("joins"), default=1)
    total_duration_seconds = models.PositiveIntegerField(_("time in the meeting (seconds)"))
    first_join_at = models.DateTimeField(_("first joined at"), null=True, blank=True)
    last_leave_at = models.DateTimeField(_("last left at"), null=True, blank=True)
    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
    )
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("expert"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
    )
    matched_by = models.CharField(
        _("matched by"), max_length=12, choices=MatchedBy.choices, blank=True
    )
    # Present long enough (ATTENDANCE_MIN_SHARE of the planned length, or ATTENDANCE_MIN_MINUTES).
    attended = models.BooleanField(_("attended"), default=True)

    class Meta:
        ordering = ["conference", "name", "pk"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "person_key"], name="attendee_person_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def minutes(self) -> int:
        """Whole minutes present (the union of the person's intervals)."""
        return self.total_duration_seconds // 60


class Question(models.Model):
    """A question asked in the webinar's Q&A, with the answer given."""

    conference = models.ForeignKey(
        Conference, verbose_name=_("conference"), on_delete=models.CASCADE, related_name="questions"
    )
    asker_name = models.CharField(_("asked by"), max_length=300, blank=True)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    asked_at = models.DateTimeField(_("asked at"), null=True, blank=True)

    class Meta:
        ordering = ["conference", "asked_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.question[:80]
