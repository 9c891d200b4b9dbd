"""The admin shows records read-only: the secretary's page (records:record) edits them through
the service, so versions and the log are kept."""

from django.contrib import admin

from .models import MeetingRecord, MeetingRecordVersion


@admin.register(MeetingRecord)
class MeetingRecordAdmin(admin.ModelAdmin):
    list_display = ["conference", "status", "approved_at", "updated_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MeetingRecordVersion)
class MeetingRecordVersionAdmin(admin.ModelAdmin):
    list_display = ["record", "number", "source", "by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
