"""/api/schema/, generated once per process and language, and its documentation pages.

Generating the schema walks every view and serializer: about 79 ms a call, for an answer that
changes only with the code. It is kept in memory per (language, API version); a language or
version the portal does not serve is generated every time and never kept, so no visitor's
parameter grows the memo.
"""

import threading

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.response import Response
from rest_framework.settings import api_settings


class MemoisedSchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, generating each (language, version) once per process.

    `generated` counts the schemas this process generated (read by tests and benches)."""

    generated = 0
    _schemas: dict[tuple[str, str | None], dict] = {}
    _lock = threading.Lock()

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        served_languages = {code for code, _name in settings.LANGUAGES}
        keep = key[0] in served_languages and version in (
            None,
            *(api_settings.ALLOWED_VERSIONS or ()),
        )
        schema = type(self)._schemas.get(key) if keep else None
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = generator.get_schema(request=request, public=self.serve_public)
            with type(self)._lock:
                type(self).generated += 1
                if keep:
                    type(self)._schemas[key] = schema
        filename = self._get_filename(request, version)
        return Response(
            data=schema, headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )

    @classmethod
    def forget(cls) -> None:
        """Drop the schemas kept: the next call generates again."""
        with cls._lock:
            cls._schemas.clear()


@receiver(setting_changed)
def _forget_schemas(*, setting, **kwargs):
    # Tests that change the API's settings must not be answered with a schema made before.
    if setting in ("SPECTACULAR_SETTINGS", "REST_FRAMEWORK", "LANGUAGES", "ROOT_URLCONF"):
        MemoisedSchemaView.forget()


# The documentation pages fetch nothing from elsewhere. Their templates link only our static
# files; this keeps out what the bundles would load on their own (Redoc's sidebar shows the
# Redocly logo from cdn.redoc.ly and hides it when the image fails). Scripts are left alone:
# Swagger UI starts from an inline script.
DOCS_CONTENT_SECURITY_POLICY = (
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "style-src 'self' 'unsafe-inline'"
)


class _LocalResourcesOnly:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response


class RedocView(_LocalResourcesOnly, SpectacularRedocView):
    template_name = "api/redoc.html"


class SwaggerView(_LocalResourcesOnly, SpectacularSwaggerView):
    pass
