from django.contrib import admin

from .models import Letter


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """Read only: letters are written by the services that queue them and by the outbox."""

    list_display = ("key", "to_email", "language", "state", "attempts", "sent_at")
    list_filter = ("state", "kind", "language")
    search_fields = ("key", "to_email", "subject")
    readonly_fields = [field.name for field in Letter._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
