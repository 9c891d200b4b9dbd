from django.contrib import admin

from .models import PressRelease, PressReleaseStatusChange


class StatusChangeInline(admin.TabularInline):
    model = PressReleaseStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PressRelease)
class PressReleaseAdmin(admin.ModelAdmin):
    list_display = ["title_cyrl", "status", "published_at", "conference"]
    list_filter = ["status", "conference__council", "published_at"]
    search_fields = ["title_cyrl", "title_latn", "body_cyrl", "body_latn", "slug"]
    readonly_fields = ["status", "published_at", "created_at", "updated_at", "updated_by"]
    autocomplete_fields = ["conference"]
    list_select_related = ["conference"]
    inlines = [StatusChangeInline]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PressReleaseStatusChange)
class PressReleaseStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["release", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    list_select_related = ["release", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
