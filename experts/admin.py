from django.contrib import admin

from elyurt.service_admin import ServiceAdmin

from .models import Council, CouncilMembership, Expert, FieldOfExpertise, Organization
from .services import council_save, expert_save, organization_save


@admin.register(Organization)
class OrganizationAdmin(ServiceAdmin, admin.ModelAdmin):
    list_display = ["name", "name_latin", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "name_latin"]

    def service_save(self, *, request, obj, form, change):
        organization_save(organization=obj)


@admin.register(FieldOfExpertise)
class FieldOfExpertiseAdmin(admin.ModelAdmin):
    list_display = ["name", "name_latin"]
    search_fields = ["name", "name_latin"]


class MembershipInline(admin.TabularInline):
    model = CouncilMembership
    extra = 0
    autocomplete_fields = ["expert"]


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
        council_save(council=obj)


@admin.register(CouncilMembership)
class CouncilMembershipAdmin(admin.ModelAdmin):
    list_display = ["expert", "council", "role", "start_date", "end_date"]
    list_filter = ["council", "role"]
    search_fields = ["expert__full_name", "expert__full_name_latin", "council__name"]
    autocomplete_fields = ["expert", "council"]
    list_select_related = ["expert", "council"]
