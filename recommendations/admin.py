"""The admin shows recommendations read-only: every change goes through the dashboard's pages,
which call the services (the status has one function, with rules the admin cannot hold)."""

from django.contrib import admin

from .models import Recommendation


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["number", "council", "addressee", "status", "due_on", "is_public"]
    list_filter = ["status", "is_public", "year"]
    list_select_related = ["council", "addressee"]
    search_fields = ["text_cyrl", "text_latn"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
