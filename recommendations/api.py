"""The partner API's recommendations: a ministry reads those addressed to it and reports back
(status, comment, evidence), and /api/v1/stats/ with recommendation figures per year."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from conferences.api import StatsViewSet, YearStatsSerializer
from elyurt.api import ApiFilterBackend, ConditionalGetMixin, ErrorSerializer, StrictFilterSet
from partners.models import ApiKey
from partners.permissions import RecommendationsAccess

from .models import Recommendation
from .selectors import figures_by_year, recommendation_list_for_partner
from .services import ANSWERS, recommendation_answer

h = gettext_lazy
Status = Recommendation.Status


class RecommendationSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=h("The recommendation's id."))
    number = serializers.CharField(help_text=h("Its number in its council: year/serial."))
    council = serializers.CharField(source="council.name", help_text=h("The council's name."))
    conference = serializers.SerializerMethodField(
        help_text=h("The external id of the conference it came from; null if another source.")
    )
    text_cyrl = serializers.CharField(help_text=h("The text in Uzbek Cyrillic."))
    text_latn = serializers.CharField(help_text=h("The text in Uzbek Latin."))
    addressee = serializers.CharField(source="addressee.name", help_text=h("Addressed to."))
    due_on = serializers.DateField(help_text=h("Due date."))
    status = serializers.ChoiceField(
        choices=Status.choices,
        help_text=h("sent, accepted, partly_accepted, rejected or implemented."),
    )
    reason = serializers.CharField(help_text=h("Why it was rejected; may be empty."))
    comment = serializers.CharField(help_text=h("The addressee's comment; may be empty."))
    evidence_url = serializers.CharField(
        help_text=h("Link to the evidence it was implemented (e.g. the published act).")
    )
    implemented_on = serializers.DateField(
        allow_null=True, help_text=h("When it was implemented; null until then.")
    )
    sent_at = serializers.DateTimeField(help_text=h("When it was sent."))
    updated_at = serializers.DateTimeField(help_text=h("When it last changed."))

    class Meta:
        model = Recommendation
        fields = ["id", "number", "council", "conference", "text_cyrl", "text_latn", "addressee",
                  "due_on", "status", "reason", "comment", "evidence_url", "implemented_on",
                  "sent_at", "updated_at"]  # fmt: skip

    def get_conference(self, recommendation: Recommendation) -> str | None:
        return recommendation.conference.external_id if recommendation.conference_id else None


class AnswerSerializer(serializers.Serializer):
    """A PATCH: any of these fields; a field it does not know is refused by name."""

    status = serializers.ChoiceField(
        choices=list(ANSWERS),
        required=False,
        help_text=h(
            "accepted, partly_accepted, rejected or implemented. implemented needs evidence_url "
            "and implemented_on (given now or before); rejected needs a reason."
        ),
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text=h("A comment.")
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text=h("Why it is rejected.")
    )
    evidence_url = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=h("An http(s) link to the evidence, such as the published act."),
    )
    implemented_on = serializers.DateField(
        required=False, help_text=h("The date it was implemented (YYYY-MM-DD).")
    )

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [h("Send a JSON object of the fields to change.")]}
            )
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [h("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class RecommendationFilter(StrictFilterSet):
    status = filters.ChoiceFilter(
        choices=[c for c in Status.choices if c[0] != Status.PROPOSED],
        help_text=h("Only recommendations in this status."),
    )
    year = filters.NumberFilter(
        field_name="year",
        min_value=2000,
        max_value=2100,
        help_text=h("Only recommendations numbered in this year."),
    )
    due_before = filters.DateFilter(
        field_name="due_on",
        lookup_expr="lt",
        help_text=h("Only recommendations due before this date (YYYY-MM-DD)."),
    )

    class Meta:
        model = Recommendation
        fields = []


class RecommendationViewSet(
    ConditionalGetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Recommendations addressed to the key's organisation, once sent; another organisation's
    answer 404. GET needs recommendations:read (or :write), PATCH recommendations:write."""

    serializer_class = RecommendationSerializer
    permission_classes = [RecommendationsAccess]
    filter_backends = [ApiFilterBackend]
    filterset_class = RecommendationFilter
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Recommendation.objects.none()
        organization_id = (
            self.request.auth.organization_id if isinstance(self.request.auth, ApiKey) else None
        )
        return recommendation_list_for_partner(organization_id=organization_id)

    @extend_schema(
        request=AnswerSerializer,
        responses={
            200: RecommendationSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description=h(
                    "A rule is broken; `fields` names the field (status, evidence_url, "
                    "implemented_on, reason, comment). Nothing was changed."
                ),
            ),  # fmt: skip
            404: OpenApiResponse(
                ErrorSerializer, description=h("No such recommendation addressed to you.")
            ),
        },
        description=h(
            "Report back: change the status, add a comment, an evidence link and its date."
        ),
    )
    def partial_update(self, request, *args, **kwargs):
        recommendation = self.get_object()
        answer = AnswerSerializer(data=request.data)
        answer.is_valid(raise_exception=True)
        recommendation = recommendation_answer(
            recommendation=recommendation,
            # The key acts (the log names its prefix and organisation), or a staff user.
            by=request.user if request.user.pk else request.auth,
            **answer.validated_data,
        )
        return Response(RecommendationSerializer(recommendation).data)

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):  # PUT is not offered
        return self.http_method_not_allowed(request, *args, **kwargs)


class RecommendationFiguresSerializer(serializers.Serializer):
    made = serializers.IntegerField(help_text=h("Recommendations numbered that year."))
    accepted = serializers.IntegerField(
        help_text=h("Of those, accepted in whole or in part (implemented ones included).")
    )
    implemented = serializers.IntegerField(help_text=h("Of those, implemented."))
    overdue = serializers.IntegerField(
        help_text=h("Of those, still open (sent, accepted, partly accepted) past the due date.")
    )


class YearStatsWithRecommendationsSerializer(YearStatsSerializer):
    recommendations = RecommendationFiguresSerializer(
        help_text=h("The council's recommendations numbered that year.")
    )


class StatsWithRecommendationsViewSet(StatsViewSet):
    """Figures per year of held conferences and of recommendations."""

    serializer_class = YearStatsWithRecommendationsSerializer

    def get_queryset(self):
        return figures_by_year()

    def answer_key_extra(self) -> str:
        # `overdue` moves with the date alone, with no write to bump the version.
        return timezone.localdate().isoformat()
