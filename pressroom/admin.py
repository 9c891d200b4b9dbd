from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from activity.admin import ActivityInline

from .forms import ReleaseTemplateForm
from .models import PressRelease, PressReleaseVersion, ReleaseTemplate
from .services import release_template_save


class VersionInline(admin.TabularInline):
    model = PressReleaseVersion
    extra = 0
    can_delete = False
    fields = ["number", "source", "title_cyrl", "created_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PressRelease)
class PressReleaseAdmin(admin.ModelAdmin):
    """Read-only here: edits go through the press pages, which keep versions and the cache."""

    list_display = ["title_cyrl", "status", "published_at", "conference", "editor_link"]
    list_filter = ["status", "conference__council", "published_at"]
    search_fields = ["title_cyrl", "title_latn", "body_cyrl", "body_latn", "slug"]
    list_select_related = ["conference"]
    inlines = [VersionInline, ActivityInline]

    @admin.display(description=_("editor"))
    def editor_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("pressroom_staff:edit", args=[obj.pk]), _("open")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReleaseTemplate)
class ReleaseTemplateAdmin(admin.ModelAdmin):
    """The press service's wording of drafted releases (Django template syntax)."""

    form = ReleaseTemplateForm
    list_display = ["language", "name", "active", "updated_at"]
    list_filter = ["language", "active"]

    def save_model(self, request, obj, form, change):
        release_template_save(template=obj, by=request.user)
