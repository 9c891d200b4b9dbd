"""/api/v1/ (the partner API) and /api/schema/ with its documentation pages."""

import os

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from conferences.api import ConferenceImportView, ConferenceViewSet
from experts.api import CouncilViewSet, ExpertViewSet
from integrations.api import AttendanceFiguresView
from partners.api import RegistrationViewSet
from pressroom.api import PressReleaseViewSet
from recommendations.api import RecommendationViewSet
from regulations.api import DraftViewSet

from .api import not_found_view
from .api_schema import MemoisedSchemaView, RedocView, SwaggerView
from .api_stats import StatsViewSet

router = SimpleRouter()
router.register("conferences", ConferenceViewSet, basename="conference")
router.register("experts", ExpertViewSet, basename="expert")
router.register("councils", CouncilViewSet, basename="council")
router.register("press-releases", PressReleaseViewSet, basename="press-release")
router.register("stats", StatsViewSet, basename="stats")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("regulation-drafts", DraftViewSet, basename="regulation-draft")

api_v1 = [
    path("conferences/import/", ConferenceImportView.as_view(), name="conference-import"),
    path(
        "conferences/<int:conference_pk>/registrations/",
        RegistrationViewSet.as_view({"get": "list", "post": "create"}),
        name="registration-list",
    ),
    path(
        "conferences/<int:conference_pk>/registrations/<int:pk>/",
        RegistrationViewSet.as_view({"get": "retrieve"}),
        name="registration-detail",
    ),
    path(
        "conferences/<int:conference_pk>/attendance/",
        AttendanceFiguresView.as_view(),
        name="conference-attendance",
    ),
    *router.urls,
]

if os.environ.get("ELYURT_API_BENCH") == "1":
    # bench/api.py's baseline, served by the same process as the API: a bare DRF view of the
    # same conferences, flat, with no authentication, throttling or conditional GET.
    from drf_spectacular.utils import extend_schema
    from rest_framework import generics, serializers
    from rest_framework.pagination import PageNumberPagination
    from rest_framework.permissions import AllowAny

    from conferences.models import Conference

    class _BareConferenceSerializer(serializers.ModelSerializer):
        class Meta:
            model = Conference
            fields = ["id", "external_id", "title", "language", "starts_at", "duration_minutes",
                      "status", "platform", "recording_url", "updated_at"]  # fmt: skip

    class _Bare:
        serializer_class = _BareConferenceSerializer
        authentication_classes: list = []
        permission_classes = [AllowAny]
        throttle_classes: list = []
        pagination_class = PageNumberPagination
        queryset = Conference.objects.exclude(status="draft").order_by("-starts_at", "-id")

    @extend_schema(exclude=True)
    class BareList(_Bare, generics.ListAPIView):
        pass

    @extend_schema(exclude=True)
    class BareDetail(_Bare, generics.RetrieveAPIView):
        pass

    api_v1 += [
        path("bench-baseline/conferences/", BareList.as_view()),
        path("bench-baseline/conferences/<int:pk>/", BareDetail.as_view()),
    ]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", MemoisedSchemaView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    re_path(r"^api/", not_found_view),
]
