from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import TelegramChannel, TelegramPost


class _ReadOnly(admin.ModelAdmin):
    """Read only: channels are added and changed on the dashboard's Telegram pages (through the
    services, with the audit log), posts only by the outbox."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TelegramChannel)
class TelegramChannelAdmin(_ReadOnly):
    list_display = ("chat", "script", "enabled", "dashboard_link")
    list_filter = ("script", "enabled")
    search_fields = ("chat",)
    readonly_fields = [field.name for field in TelegramChannel._meta.fields]

    @admin.display(description=_("change on the dashboard"))
    def dashboard_link(self, obj):
        url = reverse("telegram_channels:detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("open"))


@admin.register(TelegramPost)
class TelegramPostAdmin(_ReadOnly):
    list_display = ("channel", "release", "conference", "state", "message_id", "attempts")
    list_filter = ("state", "channel")
    readonly_fields = [field.name for field in TelegramPost._meta.fields]
    list_select_related = ("channel", "release", "conference")
