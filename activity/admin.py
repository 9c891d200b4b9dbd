from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.translation import gettext_lazy as _

from .display import activity_what, activity_who
from .models import ActivityLog


class _ReadOnly:
    """The log is written by services only: nobody adds, changes or deletes an entry here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("who"))
    def who(self, entry):
        return activity_who(entry)

    @admin.display(description=_("what"))
    def what(self, entry):
        return activity_what(entry)


@admin.register(ActivityLog)
class ActivityLogAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["at", "who", "action", "content_type", "object_id", "what"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_label", "action"]
    date_hierarchy = "at"
    list_select_related = ["actor", "content_type"]
    fields = ["at", "actor", "actor_label", "action", "content_type", "object_id", "data", "what"]
    readonly_fields = fields


class ActivityInline(_ReadOnly, GenericTabularInline):
    """A row's log on its admin page, newest first; shown to whoever may open that page."""

    model = ActivityLog
    ct_field = "content_type"
    ct_fk_field = "object_id"
    extra = 0
    fields = ["at", "who", "what"]
    readonly_fields = fields
    verbose_name_plural = _("activity log")

    def has_view_permission(self, request, obj=None):
        # The parent admin already decided that this user may see the row; its history is part
        # of it, as on the dashboard. A row being added has none (and the add form then needs
        # no formset for it).
        return obj is not None

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "content_type")
