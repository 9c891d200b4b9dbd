from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """Every action the log knows, and the `data` each one carries.

    A name is ``<target>.<what happened>``; the target is the row the entry is about. Times are
    ISO 8601 strings with their offset, dates ``YYYY-MM-DD``, statuses and roles their stored
    codes, `changed` a sorted list of field names. A service writes an entry only when something
    changed: a call that changes nothing leaves no trace.

    ========================================  ===============================================
    action                                    data
    ========================================  ===============================================
    conference.created                        {}
    conference.updated                        {"changed": [...]}
    conference.moved (the start changed)      {"changed": [...], "from": start, "to": start}
    conference.status_changed                 {"from": status, "to": status}
    conference.program_changed                {"changed": ["organizations", "presentations"]}
    conference.experts_changed                {"added": [expert id, ...], "removed": [...]}
    conference.invited                        {"source": Invitation.Source, "count": n}
    conference.invitations_sent               {"count": n} (messages queued)
    conference.invitations_resent             {"count": n} (failed messages queued again)
    conference.attendance_imported            {"count": n} (people in the report)
    conference.attendee_matched               {"name": attendee, "invitation": id or null,
                                               "expert": id or null} (matched by hand)
    record.created                            {}
    record.edited                             {"changed": [...], "version": n}
    record.approved                           {"version": n}
    record.mailed                             {"count": n} (letters queued)
    invitation.withdrawn                      {"name": invitee's name}
    release.created                           {}
    release.redrafted                         {"version": n, "applied": bool}
    release.edited                            {"changed": [...], "version": n}
    release.status_changed                    {"from": status, "to": status}, and
                                              "scheduled": true when the schedule published it
    release.scheduled                         {"publish_at": time}
    release.unscheduled                       {"publish_at": the time it had}
    apikey.created                            {"organization": name, "prefix": "ely_…",
                                               "scopes": [...], "expires_at": time or null}
    apikey.revoked                            {"prefix": "ely_…"}
    expert.created                            {}
    expert.updated                            {"changed": [...]}
    membership.added                          {"council": name, "role": role,
                                               "start_date": date, "end_date": date or null}
    membership.ended                          {"council": name, "from": date or null,
                                               "to": date}
    organization.created, council.created,    {}
    template.created
    organization.updated, council.updated,    {"changed": [...]}
    template.updated
    recommendation.created                    {"number": "2027/14"}
    recommendation.updated                    {"changed": [...]}
    recommendation.status_changed             {"from": status, "to": status, "changed": [...]},
                                              and "implemented_on": date when implemented
    recommendation.answered                   {"changed": [...]} (status unchanged)
    recommendation.publicity_changed          {"public": bool}
    conference.recommendations_sent           {"count": n} (recommendations sent)
    registration.confirmed                    {"conference": conference id}
    subscription.confirmed                    {"kind": Subscription.Kind}
    subscription.ended                        {"kind": Subscription.Kind}
    dictionary.added, dictionary.deleted      {"cyrillic": word, "latin": word}
    dictionary.changed                        {"changed": [...], "cyrillic": word,
                                               "latin": word} (as it is now)
    telegram_channel.added                    {"chat": "@handle", "script": "latn", "enabled": b}
    telegram_channel.updated                  {"changed": [...]}
    telegram_channel.posts_retried            {"count": n} (failed posts queued again)
    conference.announced                      {"channels": ["@handle", ...]} (Telegram)
    regulation.created                        {"version": 1, "units", "unchanged", "changed",
                                               "new", "removed": counts}
    regulation.version_added                  {"version": n, and the counts as above}
    regulation.status_changed                 {"from": status, "to": status}
    regulation.review_started                 {"count": n} (invitations queued)
    regulation.reviewer_added                 {"expert": expert id}
    comment.saved (by the reviewer)           {"article": number, "created": bool}
    comment.decided                           {"from": decision, "to": decision}
    opinion.edited (target: the draft)        {"article": article id, "changed": [...]}
    ========================================  ===============================================
    """

    CONFERENCE_CREATED = "conference.created", _("Conference created")
    CONFERENCE_UPDATED = "conference.updated", _("Conference changed")
    CONFERENCE_MOVED = "conference.moved", _("Conference moved")
    CONFERENCE_STATUS_CHANGED = "conference.status_changed", _("Conference status changed")
    CONFERENCE_PROGRAM_CHANGED = "conference.program_changed", _("Programme changed")
    CONFERENCE_EXPERTS_CHANGED = "conference.experts_changed", _("Experts who took part changed")
    CONFERENCE_INVITED = "conference.invited", _("People invited")
    CONFERENCE_INVITATIONS_SENT = "conference.invitations_sent", _("Invitations sent")
    CONFERENCE_INVITATIONS_RESENT = "conference.invitations_resent", _("Failed messages resent")
    CONFERENCE_ATTENDANCE_IMPORTED = "conference.attendance_imported", _("Attendance imported")
    ATTENDEE_MATCHED = "conference.attendee_matched", _("Participant matched by hand")
    INVITATION_WITHDRAWN = "invitation.withdrawn", _("Invitation withdrawn")
    RELEASE_CREATED = "release.created", _("Press release drafted")
    RELEASE_REDRAFTED = "release.redrafted", _("Press release drafted again")
    RELEASE_EDITED = "release.edited", _("Press release edited")
    RELEASE_STATUS_CHANGED = "release.status_changed", _("Press release status changed")
    RELEASE_SCHEDULED = "release.scheduled", _("Publication scheduled")
    RELEASE_UNSCHEDULED = "release.unscheduled", _("Scheduled publication cancelled")
    RECORD_CREATED = "record.created", _("Meeting record drafted")
    RECORD_EDITED = "record.edited", _("Meeting record edited")
    RECORD_APPROVED = "record.approved", _("Meeting record approved")
    RECORD_MAILED = "record.mailed", _("Meeting record mailed to the council")
    APIKEY_CREATED = "apikey.created", _("API key created")
    APIKEY_REVOKED = "apikey.revoked", _("API key revoked")
    EXPERT_CREATED = "expert.created", _("Expert added")
    EXPERT_UPDATED = "expert.updated", _("Expert changed")
    MEMBERSHIP_ADDED = "membership.added", _("Membership term added")
    MEMBERSHIP_ENDED = "membership.ended", _("Membership term ended")
    ORGANIZATION_CREATED = "organization.created", _("Organisation added")
    ORGANIZATION_UPDATED = "organization.updated", _("Organisation changed")
    COUNCIL_CREATED = "council.created", _("Council added")
    COUNCIL_UPDATED = "council.updated", _("Council changed")
    TEMPLATE_CREATED = "template.created", _("Release template added")
    TEMPLATE_UPDATED = "template.updated", _("Release template changed")
    RECOMMENDATION_CREATED = "recommendation.created", _("Recommendation made")
    RECOMMENDATION_UPDATED = "recommendation.updated", _("Recommendation changed")
    RECOMMENDATION_STATUS_CHANGED = (
        "recommendation.status_changed",
        _("Recommendation status changed"),
    )
    RECOMMENDATION_ANSWERED = "recommendation.answered", _("Recommendation answered")
    RECOMMENDATION_PUBLICITY_CHANGED = (
        "recommendation.publicity_changed",
        _("Recommendation shown or hidden on the public tracker"),
    )
    CONFERENCE_RECOMMENDATIONS_SENT = (
        "conference.recommendations_sent",
        _("Recommendations sent"),
    )
    REGISTRATION_CONFIRMED = "registration.confirmed", _("Public registration confirmed")
    SUBSCRIPTION_CONFIRMED = "subscription.confirmed", _("Subscription confirmed")
    SUBSCRIPTION_ENDED = "subscription.ended", _("Unsubscribed")
    DICTIONARY_ADDED = "dictionary.added", _("Dictionary entry added")
    DICTIONARY_CHANGED = "dictionary.changed", _("Dictionary entry changed")
    DICTIONARY_DELETED = "dictionary.deleted", _("Dictionary entry deleted")
    TELEGRAM_CHANNEL_ADDED = "telegram_channel.added", _("Telegram channel added")
    TELEGRAM_CHANNEL_UPDATED = "telegram_channel.updated", _("Telegram channel changed")
    TELEGRAM_POSTS_RETRIED = "telegram_channel.posts_retried", _("Failed Telegram posts resent")
    CONFERENCE_ANNOUNCED = "conference.announced", _("Conference announced on Telegram")
    REGULATION_CREATED = "regulation.created", _("Draft regulation received")
    REGULATION_VERSION_ADDED = "regulation.version_added", _("New version of a draft regulation")
    REGULATION_STATUS_CHANGED = "regulation.status_changed", _("Draft regulation status changed")
    REGULATION_REVIEW_STARTED = "regulation.review_started", _("Review started")
    REGULATION_REVIEWER_ADDED = "regulation.reviewer_added", _("Reviewer added")
    COMMENT_SAVED = "comment.saved", _("Comment written")
    COMMENT_DECIDED = "comment.decided", _("Decision on a comment")
    OPINION_EDITED = "opinion.edited", _("Opinion edited")


# Actors that are not users, as `by=` strings and as stored in `actor_label`.
SCHEDULER = "scheduler"
IMPORT = "import"
ZOOM = "Zoom"


class ActivityLog(models.Model):
    """One thing someone (or something) did to one row: who, what, to what, when.

    Written only by `activity.services.activity_record`, inside the transaction of the change it
    records. Entries outlive their target: deleting a conference leaves its history.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who acted, as named at that moment: a user's username (kept when the account is deleted),
    # a partner key as "prefix… (organisation)", or SCHEDULER, IMPORT, ZOOM. Empty: the system.
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=50, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="activity_target_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action}"
