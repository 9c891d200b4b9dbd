"""The API's attendance figures: /api/v1/stats/ by kind and organisation, and each
conference's figures for the caller (a partner: its own organisation's only)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api import StatsViewSet, YearStatsSerializer
from conferences.models import Conference
from conferences.selectors import conference_figures_by_year
from partners.models import ApiKey
from partners.permissions import RegistrationsWrite

from .figures import attendance_figures, attendance_figures_by_year


class AudienceYearStatsSerializer(YearStatsSerializer):
    participants_by_kind = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_(
            "People recorded in the participant reports that year, by kind: ministry, rector, "
            "vice_rector, dean, head_of_department, professor, student, other (a person "
            "nobody matched is 'other'). Conferences without a report add nobody here."
        ),
    )
    participants_by_organization = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_(
            "The same people by organisation, most first; '' holds those of no known organisation."
        ),
    )


class AudienceStatsViewSet(StatsViewSet):
    """Figures per year of held conferences, with the recorded audience by kind and
    organisation."""

    serializer_class = AudienceYearStatsSerializer

    def get_queryset(self):
        rows = conference_figures_by_year()
        audience = attendance_figures_by_year(
            conferences=Conference.objects.filter(status=Conference.Status.HELD)
        )
        empty = {"by_kind": {}, "by_organization": {}}
        return [
            {
                **row,
                "participants_by_kind": audience.get(row["year"], empty)["by_kind"],
                "participants_by_organization": audience.get(row["year"], empty)["by_organization"],
            }
            for row in rows
        ]


class AttendanceFiguresSerializer(serializers.Serializer):
    source = serializers.ChoiceField(
        choices=["recorded", "declared"],
        help_text=_("recorded: from the participant reports; declared: none was imported."),
    )
    total = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "People: all of the conference's for staff, the caller's own registrations for "
            "a partner."
        ),
    )
    by_kind = serializers.DictField(child=serializers.IntegerField(), help_text=_("By kind."))
    by_organization = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("By organisation.")
    )


class AttendanceFiguresView(APIView):
    """A conference's audience figures: a partner's key sees only the people it registered."""

    permission_classes = [RegistrationsWrite]

    @extend_schema(responses=AttendanceFiguresSerializer, operation_id="conference_attendance")
    def get(self, request, conference_pk: int):
        conference = get_object_or_404(
            Conference.objects.exclude(status=Conference.Status.DRAFT), pk=conference_pk
        )
        organization_id = request.auth.organization_id if isinstance(request.auth, ApiKey) else None
        figures = attendance_figures(conference=conference, organization_id=organization_id)
        return Response(AttendanceFiguresSerializer(figures).data)
