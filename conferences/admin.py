from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from activity.admin import ActivityInline
from elyurt.service_admin import ServiceAdmin, ServiceRefused

from .formsets import kept_forms
from .invitations import invitation_cancel
from .models import (
    Conference,
    ConferenceOrganization,
    Invitation,
    OutboundMessage,
    Presentation,
    PublicRegistration,
)
from .services import (
    PROGRAM_ERROR_KEY,
    ProgramOrganization,
    ProgramPresentation,
    conference_save,
    conference_set_status,
)


class _ProgramFormSet(BaseInlineFormSet):
    """An inline of the programme; shows the service's refusal of an entry on its row."""

    program_key = ""
    refusal: dict[str, list[str]] = {}

    def clean(self):
        super().clean()
        rows = kept_forms(self) if self.refusal else []
        unplaced = []
        for key, errors in self.refusal.items():
            match = PROGRAM_ERROR_KEY.match(key)
            if match is None or match[1] != self.program_key:
                continue
            if int(match[2]) >= len(rows):
                unplaced.extend(errors)
                continue
            row = rows[int(match[2])]
            row.add_error(match[3] if match[3] in row.fields else None, errors)
        if unplaced:
            raise ValidationError(unplaced)


class _OrganizationFormSet(_ProgramFormSet):
    program_key = "organizations"


class _PresentationFormSet(_ProgramFormSet):
    program_key = "presentations"


class _ProgramInline(admin.TabularInline):
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        if refusal is None:
            return formset
        return type(formset.__name__, (formset,), {"refusal": refusal})


class OrganizationRoleInline(_ProgramInline):
    model = ConferenceOrganization
    formset = _OrganizationFormSet
    extra = 0
    autocomplete_fields = ["organization", "representatives"]


class PresentationInline(_ProgramInline):
    model = Presentation
    formset = _PresentationFormSet
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


def _slides_name(row, stored: list[str]) -> str:
    """The stored name of a talk's slides as its row leaves them; a new upload is stored now
    (and its name added to `stored`, to be removed if the service refuses the change)."""
    value = row.cleaned_data.get("slides")
    if isinstance(value, UploadedFile):
        field = Presentation._meta.get_field("slides")
        name = field.storage.save(field.generate_filename(row.instance, value.name), value)
        stored.append(name)
        return name
    return value.name if value else ""


def _program_from(formsets, stored: list[str]) -> dict:
    """The organisations and agenda inlines as the services' entries, rows in order."""
    program = {"organizations": [], "presentations": []}
    for formset in formsets:
        if isinstance(formset, _OrganizationFormSet):
            program["organizations"] = [
                ProgramOrganization(
                    organization=row.cleaned_data["organization"],
                    role=row.cleaned_data["role"],
                    order=row.cleaned_data["order"],
                    representatives=list(row.cleaned_data["representatives"]),
                )
                for row in kept_forms(formset)
            ]
        elif isinstance(formset, _PresentationFormSet):
            program["presentations"] = [
                ProgramPresentation(
                    order=row.cleaned_data["order"],
                    title=row.cleaned_data["title"],
                    presenter=row.cleaned_data["presenter"],
                    slides=_slides_name(row, stored),
                    title_latn=row.cleaned_data.get("title_latn"),
                    title_cyrl=row.cleaned_data.get("title_cyrl"),
                )
                for row in kept_forms(formset)
            ]
    return program


@admin.register(Conference)
class ConferenceAdmin(ServiceAdmin, admin.ModelAdmin):
    """The change form saves through the services, as the dashboard does: a moved start and a
    new agenda saved together are one change, one calendar UPDATE, one Zoom sync. The status
    is read-only; the actions move it through conference_set_status."""

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

    def form_refusal(self, refusal):
        # Entries of the programme go to their inline rows (_ProgramFormSet), the rest here.
        return {k: v for k, v in refusal.items() if PROGRAM_ERROR_KEY.match(k) is None}

    def save_model(self, request, obj, form, change):
        # Saved in save_related, with the inlines: the fields and the programme in one call.
        pass

    def save_related(self, request, form, formsets, change):
        fields = dict(form.cleaned_data)
        experts = fields.pop("experts", None)
        stored: list[str] = []
        try:
            conference, form.service_changed = conference_save(
                conference=Conference.objects.get(pk=form.instance.pk) if change else None,
                by=request.user,
                experts=experts,
                **fields,
                **_program_from(formsets, stored),
            )
        except ValidationError as exc:
            for name in stored:
                Presentation._meta.get_field("slides").storage.delete(name)
            raise ServiceRefused(exc) from None
        form.instance.pk = conference.pk
        form.instance._state.adding = False
        form.instance.refresh_from_db()

    def construct_change_message(self, request, form, formsets, add=False):
        # The inlines were not saved by their formsets, which would name what they saved.
        if add:
            return [{"added": {}}]
        return [{"changed": {"fields": sorted(getattr(form, "service_changed", ()))}}]


class _ProgramRowAdmin(admin.ModelAdmin):
    """A programme row is changed with its conference (its inlines save through the
    programme service); here it is only looked up, with a link to that page."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("conference"))
    def conference_link(self, obj):
        url = reverse("admin:conferences_conference_change", args=[obj.conference_id])
        return format_html('<a href="{}">{}</a>', url, obj.conference)


@admin.register(Presentation)
class PresentationAdmin(_ProgramRowAdmin):
    list_display = ["title", "order", "presenter", "conference_link"]
    search_fields = ["title", "presenter__full_name", "conference__title"]
    list_filter = ["conference__council"]
    autocomplete_fields = ["presenter", "conference"]
    list_select_related = ["presenter", "conference"]


@admin.register(ConferenceOrganization)
class ConferenceOrganizationAdmin(_ProgramRowAdmin):
    list_display = ["organization", "role", "conference_link"]
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


@admin.register(PublicRegistration)
class PublicRegistrationAdmin(admin.ModelAdmin):
    """Read-only: registrations are made on the public page and confirmed from the mail
    (conferences.public_registrations); the invitation they became is managed as any other."""

    list_display = ["name", "email", "conference", "participant_group", "confirmed_at"]
    list_filter = ["participant_group", "conference"]
    search_fields = ["name", "email", "conference__title"]
    list_select_related = ["conference"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
