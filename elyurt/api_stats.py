"""/api/v1/stats/: one row per year with what each app adds to it, from the same selectors the
dashboard reads. The conferences' figures (conferences.api.StatsViewSet), the recorded
audience by kind and organisation (integrations.api) and the recommendations
(recommendations.api) each declare their fields; this viewset puts them in one answer."""

from conferences.models import Conference
from integrations.api import AudienceYearStatsSerializer
from integrations.figures import attendance_figures_by_year
from recommendations.api import (
    StatsWithRecommendationsViewSet,
    YearStatsWithRecommendationsSerializer,
)
from recommendations.selectors import figures_by_year

NO_AUDIENCE = {"by_kind": {}, "by_organization": {}}


class YearStatsSerializer(AudienceYearStatsSerializer, YearStatsWithRecommendationsSerializer):
    """A year's figures: conferences, their recorded audience, and recommendations."""


class StatsViewSet(StatsWithRecommendationsViewSet):
    """Figures per year of held conferences, their recorded audience and recommendations."""

    serializer_class = YearStatsSerializer

    def get_queryset(self):
        audience = attendance_figures_by_year(
            conferences=Conference.objects.filter(status=Conference.Status.HELD)
        )
        return [
            {
                **row,
                "participants_by_kind": audience.get(row["year"], NO_AUDIENCE)["by_kind"],
                "participants_by_organization": audience.get(row["year"], NO_AUDIENCE)[
                    "by_organization"
                ],
            }
            for row in figures_by_year()
        ]
