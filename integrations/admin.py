from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import reports, sync
from .models import (
    AttendanceReport,
    Attendee,
    ParticipantRow,
    Question,
    ZoomApiCall,
    ZoomMeeting,
    ZoomWebhookEvent,
)
from .selectors import zoom_api_calls_for_conference


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: staff read them, nobody edits them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ZoomMeeting)
class ZoomMeetingAdmin(admin.ModelAdmin):
    list_display = ["conference", "kind", "zoom_id", "host", "last_synced_at", "last_error"]
    list_filter = ["kind"]
    search_fields = ["conference__title", "zoom_id"]
    fields = [
        "conference",
        "kind",
        "host",
        "alternative_hosts",
        "zoom_id",
        "sync_requested_at",
        "last_synced_at",
        "pull_requested_at",
        "last_pulled_at",
        "pull_attempts",
        "last_error",
        "recent_calls",
    ]
    readonly_fields = [
        "zoom_id",
        "sync_requested_at",
        "last_synced_at",
        "pull_requested_at",
        "last_pulled_at",
        "pull_attempts",
        "last_error",
        "recent_calls",
    ]
    raw_id_fields = ["conference"]
    list_select_related = ["conference"]

    @admin.display(description=_("Recent calls to Zoom"))
    def recent_calls(self, obj):
        if obj is None or obj.conference_id is None:
            return "—"
        calls = zoom_api_calls_for_conference(conference=obj.conference, limit=20)
        field = ZoomApiCall._meta.get_field
        header = format_html_join(
            "",
            "<th>{}</th>",
            (
                (capfirst(label),)
                for label in (
                    field("at").verbose_name,
                    _("request"),
                    field("status_code").verbose_name,
                    field("outcome").verbose_name,
                    field("error").verbose_name,
                )
            ),
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{call.at:%Y-%m-%d %H:%M:%S}",
                    call.method,
                    call.path,
                    call.status_code or "—",
                    call.get_outcome_display(),
                    call.error,
                )
                for call in calls
            ),
        )
        return format_html("<table><tr>{}</tr>{}</table>", header, rows) if rows else "—"

    def get_readonly_fields(self, request, obj=None):
        # Once Zoom has the meeting, kind and host are Zoom's: changing them here would orphan it.
        if obj is not None and obj.zoom_id:
            return [*self.readonly_fields, "conference", "kind", "host"]
        return self.readonly_fields

    actions = ["sync_now", "pull_reports_now"]

    @admin.action(description=_("Sync with Zoom now"), permissions=["change"])
    def sync_now(self, request, queryset):
        for meeting in queryset.select_related("conference"):
            sync.zoom_request_sync(conference=meeting.conference)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d sync queued.", "%(count)d syncs queued.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Pull attendance and Q&A from Zoom now"), permissions=["change"])
    def pull_reports_now(self, request, queryset):
        count = 0
        for meeting in queryset.select_related("conference").exclude(zoom_id=""):
            reports.zoom_request_pull(conference=meeting.conference)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d pull queued.", "%(count)d pulls queued.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ZoomApiCall)
class ZoomApiCallAdmin(ReadOnlyAdmin):
    list_display = ["at", "conference", "method", "path", "status_code", "outcome", "error"]
    list_filter = ["outcome", "method"]
    search_fields = ["conference__title", "path"]
    list_select_related = ["conference"]


@admin.register(ZoomWebhookEvent)
class ZoomWebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "event", "zoom_id", "conference"]
    list_filter = ["event"]
    list_select_related = ["conference"]


@admin.register(AttendanceReport)
class AttendanceReportAdmin(ReadOnlyAdmin):
    """The reports as received (Zoom deletes some after 30 days); rehearsals counted nothing."""

    list_display = [
        "conference",
        "key",
        "source",
        "started_at",
        "ended_at",
        "rehearsal",
        "rows_count",
    ]
    list_filter = ["source", "rehearsal"]
    list_select_related = ["conference"]


@admin.register(ParticipantRow)
class ParticipantRowAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "email",
        "conference",
        "join_at",
        "leave_at",
        "matched_by",
        "invitation",
    ]
    search_fields = ["name", "email", "conference__title"]
    list_select_related = ["conference", "invitation"]


@admin.register(Attendee)
class AttendeeAdmin(ReadOnlyAdmin):
    list_display = [
        "name", "conference", "joins_count", "total_duration_seconds", "attended", "matched_by",
        "first_join_at",
    ]  # fmt: skip
    search_fields = ["name", "email", "conference__title"]
    list_select_related = ["conference"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["conference", "asker_name", "question", "asked_at"]
    search_fields = ["question", "answer", "conference__title"]
    list_select_related = ["conference"]
