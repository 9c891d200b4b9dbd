from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from activity.admin import ActivityInline

from .models import DictionaryEntry


@admin.register(DictionaryEntry)
class DictionaryEntryAdmin(admin.ModelAdmin):
    """Read-only here: the dashboard's page previews what an entry changes and applies it at once
    in every process (transliteration.services)."""

    list_display = ["cyrillic", "latin", "whole_word", "note", "created_by", "created_at", "edit"]
    search_fields = ["cyrillic", "latin", "note"]
    list_select_related = ["created_by"]
    inlines = [ActivityInline]

    @admin.display(description=_("dashboard"))
    def edit(self, obj):
        url = reverse("dashboard:dictionary_edit", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("open"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
