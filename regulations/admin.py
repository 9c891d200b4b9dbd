"""Read-only admin: every write on drafts goes through regulations.services, whose staff door
is the dashboard (linked from each row)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from activity.admin import ActivityInline

from .models import Draft


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "deadline", "status", "dashboard_link"]
    list_filter = ["status"]
    search_fields = ["title"]
    inlines = [ActivityInline]

    @admin.display(description=_("Dashboard"))
    def dashboard_link(self, draft: Draft) -> str:
        url = reverse("dashboard:regulation_detail", args=[draft.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open in the dashboard"))

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Draft._meta.fields] + ["dashboard_link"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
