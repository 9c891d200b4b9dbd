"""Read-only: subscriptions change only through their links (subscriptions.services)."""

from django.contrib import admin

from .models import Digest, Subscription


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(_ReadOnly):
    list_display = ["email", "kind", "language", "state", "confirmed_at", "ended_at"]
    list_filter = ["kind", "state", "language"]
    search_fields = ["email"]
    exclude = ["confirm_hash", "unsubscribe_salt", "unsubscribe_hash"]


@admin.register(Digest)
class DigestAdmin(_ReadOnly):
    list_display = ["week", "letters", "created_at"]
