"""/api/v1/ (the partner API) and /api/schema/ with its documentation pages."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from conferences.api import ConferenceImportView, ConferenceViewSet, StatsViewSet
from experts.api import CouncilViewSet, ExpertViewSet
from partners.api import RegistrationViewSet
from pressroom.api import PressReleaseViewSet

from .api import not_found_view

router = SimpleRouter()
router.register("conferences", ConferenceViewSet, basename="conference")
router.register("experts", ExpertViewSet, basename="expert")
router.register("councils", CouncilViewSet, basename="council")
router.register("press-releases", PressReleaseViewSet, basename="press-release")
router.register("stats", StatsViewSet, basename="stats")

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
    *router.urls,
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    re_path(r"^api/", not_found_view),
]
