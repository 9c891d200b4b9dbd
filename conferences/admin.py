from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from activity.admin import ActivityInline

from .invitations import invitation_cancel
from .models import (
    Conference,
    ConferenceOrganization,
    Invitation,
    OutboundMessage,
    Presentation,
)
from .services import conference_set_status


class OrganizationRoleInline(admin.TabularInline):
    model = ConferenceOrganization
    extra = 0
    autocomplete_fields = ["organization", "representatives"]


class PresentationInline(admin.TabularInline):
    model = Presentation
    extra = 0
    autocomplete_fields = ["presenter"]


def _status_action(status, label):
    def action(modeladmin, request, queryset):
        for conference in queryset:
            try:
                conference_set_status(conference=conference, status=status, by=request.user)
            except ValidationError as exc:
                modeladmin.message_user(
                    request, f"{conference}: {' '.join(exc.messages)}", messages.ERROR
                )

    action.__name__ = f"mark_{status}"
    return admin.action(description=label, permissions=["change"])(action)


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "status", "council", "platform"]
    list_filter = ["status", "council", "platform", "language", "starts_at"]
    search_fields = ["title", "external_id", "organizations__name"]
    date_hierarchy = "starts_at"
    readonly_fields = ["status", "created_at", "updated_at"]
    autocomplete_fields = ["council", "experts"]
    list_select_related = ["council"]
    inlines = [OrganizationRoleInline, PresentationInline, ActivityInline]
    actions = [
        _status_action(Conference.Status.SCHEDULED, _("Schedule")),
        _status_action(Conference.Status.HELD, _("Mark as held")),
        _status_action(Conference.Status.CANCELLED, _("Cancel")),
    ]


@admin.register(Presentation)
class PresentationAdmin(admin.ModelAdmin):
    list_display = ["title", "order", "presenter", "conference"]
    search_fields = ["title", "presenter__full_name", "conference__title"]
    list_filter = ["conference__council"]
    autocomplete_fields = ["presenter", "conference"]
    list_select_related = ["presenter", "conference"]


@admin.register(ConferenceOrganization)
class ConferenceOrganizationAdmin(admin.ModelAdmin):
    list_display = ["organization", "role", "conference"]
    list_filter = ["role"]
    search_fields = ["organization__name", "conference__title"]
    autocomplete_fields = ["organization", "conference", "representatives"]
    list_select_related = ["organization", "conference"]


class OutboundMessageInline(admin.TabularInline):
    model = OutboundMessage
    extra = 0
    can_delete = False
    fields = ["kind", "sequence", "state", "attempts", "last_error", "sent_at", "updated_at"]
    readonly_fields = fields
    ordering = ["created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.action(description=_("Cancel the invitation"), permissions=["change"])
def cancel_invitations(modeladmin, request, queryset):
    for invitation in queryset.filter(cancelled_at__isnull=True):
        invitation_cancel(invitation=invitation, by=request.user)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """For looking up one person's mail; invitations are made, sent and answered through the
    dashboard, the commands and the answer link, whose services keep the outbox consistent."""

    list_display = ["name", "email", "conference", "language", "answer", "cancelled_at"]
    list_filter = ["answer", "language", "source", "conference__council"]
    search_fields = [
        "name",
        "email",
        "organization",
        "conference__title",
        "conference__external_id",
    ]
    list_select_related = ["conference"]
    date_hierarchy = "created_at"
    fields = [
        "conference",
        "name",
        "email",
        "organization",
        "position",
        "language",
        "timezone",
        "expert",
        "source",
        "registered_by",
        "join_url",
        "answer",
        "answered_at",
        "cancelled_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [OutboundMessageInline]
    actions = [cancel_invitations]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["invitation", "kind", "state", "attempts", "sent_at", "updated_at"]
    list_filter = ["state", "kind", "invitation__conference__council"]
    search_fields = ["invitation__email", "invitation__name", "invitation__conference__title"]
    list_select_related = ["invitation"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
