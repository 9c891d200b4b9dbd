"""The partner API's experts and councils: public profiles only, never email or phone."""

from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_countries.serializer_fields import CountryField
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets
from rest_framework.filters import SearchFilter

from elyurt.api import (
    ApiFilterBackend,
    ConditionalGetMixin,
    IdFilter,
    StableOrderingFilter,
    StrictFilterSet,
)
from partners.permissions import ConferencesRead, ExpertsRead

from .models import Council, CouncilMembership, Expert, FieldOfExpertise
from .selectors import council_list, expert_list

h = gettext_lazy


class FieldOfExpertiseSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=h("The field's id (the `field` filter takes it)."))
    name = serializers.CharField(help_text=h("Name of the field."))
    name_latin = serializers.CharField(help_text=h("Name in Latin script; may be empty."))

    class Meta:
        model = FieldOfExpertise
        fields = ["id", "name", "name_latin"]


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=h("The organisation's id."))
    name = serializers.CharField(help_text=h("The organisation's name."))
    name_latin = serializers.CharField(help_text=h("Name in Latin script; may be empty."))


class ExpertSerializer(serializers.ModelSerializer):
    # Listed field by field: a new model field (email, phone) never leaks by default.
    id = serializers.IntegerField(help_text=h("The expert's id."))
    full_name = serializers.CharField(help_text=h("Full name."))
    full_name_latin = serializers.CharField(help_text=h("Full name in Latin script; may be empty."))
    country = CountryField(help_text=h("Country of residence, ISO 3166-1 alpha-2; may be empty."))
    city = serializers.CharField(help_text=h("City of residence; may be empty."))
    organization = OrganizationRefSerializer(
        allow_null=True, help_text=h("The expert's organisation, if known.")
    )
    position = serializers.CharField(help_text=h("Position held; may be empty."))
    academic_degree = serializers.CharField(help_text=h("Academic degree; may be empty."))
    fields = FieldOfExpertiseSerializer(many=True, help_text=h("Fields of expertise."))
    bio = serializers.CharField(help_text=h("Short biography; may be empty."))
    updated_at = serializers.DateTimeField(help_text=h("When the profile last changed."))

    class Meta:
        model = Expert
        fields = [
            "id", "full_name", "full_name_latin", "country", "city", "organization",
            "position", "academic_degree", "fields", "bio", "updated_at",
        ]  # fmt: skip


class ExpertFilter(StrictFilterSet):
    country = filters.ChoiceFilter(
        choices=list(countries), help_text=h("Only experts living in this country (ISO alpha-2).")
    )
    field = IdFilter(
        field_name="fields__id",
        distinct=True,
        help_text=h("Only experts in the field with this id."),
    )

    class Meta:
        model = Expert
        fields = []


class ExpertViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Experts with a public profile."""

    serializer_class = ExpertSerializer
    permission_classes = [ExpertsRead]
    cache_resource = "experts"
    filter_backends = [ApiFilterBackend, SearchFilter, StableOrderingFilter]
    filterset_class = ExpertFilter
    search_fields = ["full_name", "full_name_latin"]
    ordering_fields = ["full_name", "id"]
    ordering = ["full_name", "id"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return expert_list(public_only=True)

    def row_last_modified(self, expert):
        # The organisation's name is shown too.
        org = expert.organization
        return max(expert.updated_at, org.updated_at) if org else expert.updated_at


class MemberSerializer(serializers.ModelSerializer):
    expert_id = serializers.SerializerMethodField(
        help_text=h("The member's id in /api/v1/experts/ when the profile is public, else null.")
    )
    full_name = serializers.CharField(source="expert.full_name", help_text=h("Full name."))
    full_name_latin = serializers.CharField(
        source="expert.full_name_latin", help_text=h("Full name in Latin script; may be empty.")
    )
    country = CountryField(
        source="expert.country", help_text=h("Country of residence, ISO alpha-2; may be empty.")
    )
    role = serializers.ChoiceField(
        choices=CouncilMembership.Role.choices, help_text=h("chair, secretary or member.")
    )
    start_date = serializers.DateField(help_text=h("Start of the current term."))
    end_date = serializers.DateField(
        allow_null=True, help_text=h("End of the current term; null while open-ended.")
    )

    class Meta:
        model = CouncilMembership
        fields = ["expert_id", "full_name", "full_name_latin", "country", "role", "start_date",
                  "end_date"]  # fmt: skip

    def get_expert_id(self, membership: CouncilMembership) -> int | None:
        return membership.expert_id if membership.expert.is_public else None


class CouncilSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        help_text=h("The council's id (the conferences `council` filter).")
    )
    name = serializers.CharField(help_text=h("Name of the council."))
    name_latin = serializers.CharField(help_text=h("Name in Latin script; may be empty."))
    mission = serializers.CharField(help_text=h("The council's mission; may be empty."))
    host_organization = OrganizationRefSerializer(
        allow_null=True, help_text=h("The organisation hosting the council, if any.")
    )
    members = MemberSerializer(
        source="current_memberships",
        many=True,
        help_text=h("Current members and their roles (terms running today)."),
    )

    class Meta:
        model = Council
        fields = ["id", "name", "name_latin", "mission", "host_organization", "members"]


class CouncilViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Councils with their current members and roles."""

    serializer_class = CouncilSerializer
    permission_classes = [ConferencesRead]
    cache_resource = "councils"
    filter_backends = [SearchFilter]
    search_fields = ["name", "name_latin"]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return council_list().order_by("name", "id")

    def answer_key_extra(self) -> str:
        # Current members are those whose term runs today: tomorrow's answer may differ.
        return timezone.localdate().isoformat()
