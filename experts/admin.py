from django.contrib import admin

from elyurt.service_admin import ServiceAdmin

from .models import Council, CouncilMembership, Expert, FieldOfExpertise, Organization
from .services import (
    council_save,
    expert_save,
    membership_add,
    membership_end,
    organization_save,
)


@admin.register(Organization)
class OrganizationAdmin(ServiceAdmin, admin.ModelAdmin):
    list_display = ["name", "name_latin", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "name_latin"]

    def service_save(self, *, request, obj, form, change):
        organization_save(organization=obj, by=request.user)


@admin.register(FieldOfExpertise)
class FieldOfExpertiseAdmin(admin.ModelAdmin):
    list_display = ["name", "name_latin"]
    search_fields = ["name", "name_latin"]


class MembershipInline(admin.TabularInline):
    """Terms shown on the expert's and the council's pages; they are added and ended on their
    own admin page (or the dashboard), through the membership services."""

    model = CouncilMembership
    extra = 0
    fields = ["expert", "council", "role", "start_date", "end_date"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Expert)
class ExpertAdmin(ServiceAdmin, admin.ModelAdmin):
    """Saves through expert_save, as the dashboard does: text cleaned, the key in step with
    the name, the change logged with who made it."""

    list_display = ["full_name", "full_name_latin", "country", "organization", "is_public"]
    list_filter = ["is_public", "country", "preferred_language", "fields", "memberships__role"]
    search_fields = ["full_name", "full_name_latin", "email", "position", "organization__name"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["fields"]
    inlines = [MembershipInline]

    def service_save(self, *, request, obj, form, change):
        expert_save(expert=obj, by=request.user)


@admin.register(Council)
class CouncilAdmin(ServiceAdmin, admin.ModelAdmin):
    list_display = ["name", "host_organization"]
    search_fields = ["name", "name_latin", "mission"]
    autocomplete_fields = ["host_organization"]
    inlines = [MembershipInline]

    def service_save(self, *, request, obj, form, change):
        council_save(council=obj, by=request.user)


@admin.register(CouncilMembership)
class CouncilMembershipAdmin(ServiceAdmin, admin.ModelAdmin):
    """A term is added through membership_add and ended through membership_end, as on the
    dashboard: overlaps are refused on the form and both are logged with who did it. Once
    added, only its end changes."""

    list_display = ["expert", "council", "role", "start_date", "end_date"]
    list_filter = ["council", "role"]
    search_fields = ["expert__full_name", "expert__full_name_latin", "council__name"]
    autocomplete_fields = ["expert", "council"]
    list_select_related = ["expert", "council"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["expert", "council", "role", "start_date"]

    def service_save(self, *, request, obj, form, change):
        if change:
            stored = CouncilMembership.objects.get(pk=obj.pk)
            if stored.end_date == obj.end_date:
                return  # saved as it was: nothing to end
            membership_end(membership=stored, end_date=obj.end_date, by=request.user)
            return
        saved = membership_add(
            expert=obj.expert,
            council=obj.council,
            role=obj.role,
            start_date=obj.start_date,
            end_date=obj.end_date,
            by=request.user,
        )
        obj.pk = saved.pk
