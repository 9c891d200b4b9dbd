"""What the portal keeps about a conference's Zoom side: the meeting, every API call, who attended
and what they asked."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference


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


class Attendee(models.Model):
    """One person who joined, however many times: the participant report folded by person."""

    conference = models.ForeignKey(
        Conference, verbose_name=_("conference"), on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField(_("name"), max_length=300)
    email = models.EmailField(_("email"), blank=True, max_length=254)
    # Lower-cased email, else "name:" and the folded name; one row per person and conference.
    person_key = models.CharField(_("matched by"), max_length=320)
    joins_count = models.PositiveIntegerField(_("joins"), default=1)
    total_duration_seconds = models.PositiveIntegerField(_("time in the meeting (seconds)"))
    first_join_at = models.DateTimeField(_("first joined at"), null=True, blank=True)
    last_leave_at = models.DateTimeField(_("last left at"), null=True, blank=True)

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
