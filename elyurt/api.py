"""What every partner API view shares: one error format, pagination, conditional GETs, schema.

Every error answers `{"error": {"code", "message", "fields"}}`; `fields` maps a field's path
(`rows[3].email`, `starts_after`) to its messages and is empty when no field is to blame.
"""

import functools
import hashlib
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Window
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags, quote_etag
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler

from . import api_cache


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=gettext_lazy(
            "Machine-readable kind of error: invalid, not_found, not_authenticated, "
            "authentication_failed, permission_denied, throttled, parse_error, conflict..."
        )
    )
    message = serializers.CharField(help_text=gettext_lazy("What went wrong, in words."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy(
            "Messages per field path (for example `rows[3].email`); "
            "empty when no field is to blame."
        ),
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer(help_text=gettext_lazy("The error."))


def _flatten(detail, path: str, out: dict[str, list[str]]) -> None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                _flatten(value, path, out)
            else:
                _flatten(value, f"{path}.{key}" if path else str(key), out)
    elif isinstance(detail, list) and detail and not all(isinstance(d, str) for d in detail):
        for index, value in enumerate(detail):
            if value:
                _flatten(value, f"{path}[{index}]", out)
    elif isinstance(detail, list):
        out.setdefault(path, []).extend(str(d) for d in detail)
    else:
        out.setdefault(path, []).append(str(detail))


def error_body(*, code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def api_exception_handler(exc, context):
    """DRF's handler (status, Retry-After, WWW-Authenticate), answering in the one error format."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=get_error_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields: dict[str, list[str]] = {}
        _flatten(exc.detail, "", fields)
        general = fields.pop("", [])
        message = " ".join(general) or _("Some fields are not valid.")
        response.data = error_body(code="invalid", message=message, fields=fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(
            code=codes if isinstance(codes, str) else exc.default_code, message=str(detail)
        )
    return response


class WindowCountPaginator(Paginator):
    """Counts all rows in the page's own query (COUNT(*) OVER ()), saving a round trip.

    An empty page (past the end, or no rows at all) and DISTINCT queries, whose window would
    count rows before DISTINCT, fall back to Django's separate COUNT.
    """

    def page(self, number):
        qs = self.object_list
        bottom = (int(number) - 1) * self.per_page
        # Django's page() checks the number against the count before any OFFSET: a page far
        # past the end must answer 404, not overflow the database's OFFSET.
        if not isinstance(qs, QuerySet) or qs.query.distinct or bottom > 2**31:
            return super().page(number)
        rows = list(
            qs.annotate(rows_in_all_pages=Window(Count("*")))[bottom : bottom + self.per_page]
        )
        if not rows:
            return super().page(number)
        self.__dict__["count"] = rows[0].rows_in_all_pages  # Paginator.count is cached
        return self._get_page(rows, int(number), self)


class ApiPagination(PageNumberPagination):
    django_paginator_class = WindowCountPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_query_description = gettext_lazy("Page number, from 1.")
    page_size_query_description = gettext_lazy("Rows per page, 1 to 200; default 50.")

    def paginate_queryset(self, queryset, request, view=None):
        # A cached view's links carry its normalised parameters only (see ConditionalGetMixin).
        self.canonical_query = getattr(view, "canonical_query", None)
        return super().paginate_queryset(queryset, request, view)

    def _link(self, page_number: int) -> str:
        params = dict(self.canonical_query)
        if page_number > 1:
            params[self.page_query_param] = str(page_number)
        query = urlencode(sorted(params.items()))
        return self.request.build_absolute_uri(self.request.path) + (f"?{query}" if query else "")

    def get_next_link(self):
        if self.canonical_query is None or not self.page.has_next():
            return super().get_next_link()
        return self._link(self.page.next_page_number())

    def get_previous_link(self):
        if self.canonical_query is None or not self.page.has_previous():
            return super().get_previous_link()
        return self._link(self.page.previous_page_number())

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            # A typo must not silently give a different page than the one asked for.
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_query_param: [_("Give a whole number from 1.")]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        props = described["properties"]
        props["count"]["description"] = str(_("Number of rows in all pages."))
        props["next"]["description"] = str(_("Address of the next page; null on the last."))
        props["previous"]["description"] = str(
            _("Address of the previous page; null on the first.")
        )
        props["results"]["description"] = str(_("The rows of this page."))
        return described


class IdFilter(filters.NumberFilter):
    """An id: a whole number from 1 (django-filter's NumberFilter takes any decimal)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class StrictFilterSet(filters.FilterSet):
    """A filter given with no value is an error, not a silently ignored filter."""

    def is_valid(self):
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and self.data.get(name) == "":
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid


class ApiFilterBackend(filters.DjangoFilterBackend):
    """django-filter, skipped when the request names none of the filters: building the
    filter form costs more than a partner's plain list query."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class StableOrderingFilter(OrderingFilter):
    """DRF's `?ordering=`, always ending with the primary key.

    Rows tied on the chosen fields (namesakes, conferences starting together) come back in
    whatever order the database likes, which may differ between one page's query and the next:
    across pages some rows would show twice and others never.
    """

    def get_ordering(self, request, queryset, view):
        return ordering_with_tiebreaker(super().get_ordering(request, queryset, view))


def ordering_with_tiebreaker(ordering) -> list[str]:
    """`ordering` (field names, `-` for descending) ending with a unique field: `pk` is added
    unless `pk` or `id` is already there."""
    ordering = list(ordering or [])
    if not any(term.lstrip("-") in ("pk", "id") for term in ordering):
        ordering.append("pk")
    return ordering


class ConditionalGetMixin:
    """`ETag` on every successful GET, `Last-Modified` on a detail; 304 when the client is up
    to date. With `cache_resource` set, answers are served from `elyurt.api_cache`.

    A cached view's answer depends only on `answer_key`: the resource's version, the view and
    its path arguments, the host and scheme (links are absolute), the JSON indent asked for,
    and the list's parameters normalised (`list_params`); parameters the view does not know
    are left out of the key and of the links in the body, so no visitor's junk is ever stored
    or shown to another. The ETag is the key's digest: an unchanged version answers 304 with
    no query. A view without `cache_resource` renders every time and its ETag is the body's
    digest.

    A detail's Last-Modified is the latest `updated_at` of the row and the related rows it shows
    (see `row_last_modified`), or, if later, the last bump of its resource's version (writes
    that move no stamp: a row removed, a many-to-many link); so it may move when another row
    of the resource changes, never stay when this one does. A list has none: the latest stamp
    of the rows a list shows goes backwards when its newest row leaves it (cancelled,
    unpublished, filtered out), and a client holding the later date would then be told its
    stale copy is current.
    """

    pagination_class = ApiPagination
    # The api_cache resource whose version covers every row this view's answers show.
    cache_resource: str | None = None
    _served_rows: list = ()
    _answer_key: str | None = None
    _cache_hit: bool = False
    canonical_query: list[tuple[str, str]] | None = None

    def row_last_modified(self, row):
        return getattr(row, "updated_at", None)

    def answer_key_extra(self) -> str:
        """What else the answers depend on (the date, for terms running today)."""
        return ""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._served_rows = page if page is not None else []
        return page

    def get_object(self):
        obj = super().get_object()
        self._served_rows = [obj]
        return obj

    def filter_queryset(self, queryset):
        # Filters, search and ordering shape lists; a detail answers whatever the query string.
        if getattr(self, "action", None) != "list":
            return queryset
        return super().filter_queryset(queryset)

    def list_params(self) -> list[tuple[str, str]]:
        """The list's known parameters, validated (400 as the list would) and normalised:
        sorted `(name, value)` pairs, `page` left out, values as the filters read them."""
        request, params = self.request, {}
        paginator = self.paginator
        if paginator is not None:
            size = paginator.get_page_size(request)
            if size != paginator.page_size:
                params[paginator.page_size_query_param] = str(size)
        # get_queryset() only where a parameter needs it: it is lazy, but not for every view.
        for backend_class in self.filter_backends:
            backend = backend_class()
            if isinstance(backend, OrderingFilter):
                given = request.query_params.get(backend.ordering_param)
                terms = [term.strip() for term in (given or "").split(",")]
                valid = given and backend.remove_invalid_fields(
                    self.get_queryset(), terms, self, request
                )
                if valid:
                    params[backend.ordering_param] = ",".join(valid)
            elif isinstance(backend, SearchFilter):
                words = " ".join(request.query_params.get(backend.search_param, "").split())
                if words:
                    params[backend.search_param] = words
            elif isinstance(backend, filters.DjangoFilterBackend):
                params.update(self._filter_params())
        return sorted(params.items())

    def _filter_params(self) -> dict[str, str]:
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is None or not any(
            name in self.request.query_params for name in filterset_class.base_filters
        ):
            return {}
        named = [n for n in filterset_class.base_filters if n in self.request.query_params]
        queryset = self.get_queryset()
        filterset = filterset_class(
            self.request.query_params, queryset=queryset, request=self.request
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        cleaned = filterset.form.cleaned_data
        return {
            name: getattr(cleaned[name], "isoformat", cleaned[name].__str__)() for name in named
        }

    def answer_key(self, request, resource: str) -> str | None:
        """None when the cache is unreachable (the answer is then rendered, uncached)."""
        version = api_cache.version(resource)
        if version is None:
            return None
        if self.action == "list":
            self.canonical_query = self.list_params()
        indent = JSONRenderer().get_indent(request.accepted_media_type, {})
        parts = [
            resource,
            str(version),
            type(self).__qualname__,
            self.action,
            repr(sorted(self.kwargs.items())),
            request.scheme,
            request.get_host(),
            str(indent),
            timezone.get_current_timezone_name(),
            repr(self.canonical_query),
            str(self.paginator.get_page_number(request, None) if self.action == "list" else ""),
            self.answer_key_extra(),
        ]
        return "api:answer:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Only now, after the key check, the scope and the throttle, may a stored answer serve.
        method = request.method.lower()
        if self.cache_resource and method in ("get", "head") and hasattr(self, method):
            setattr(self, method, functools.partial(self._serve, getattr(self, method)))

    def _serve(self, render, request, *args, **kwargs):
        self._answer_key = self.answer_key(request, self.cache_resource)
        if self._answer_key is None:
            return render(request, *args, **kwargs)
        etag = self._etag()
        if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            # The client holds the answer of this very version: no need to look it up.
            response = HttpResponseNotModified()
            response["ETag"] = etag
            response["Cache-Control"] = "private, no-cache"
            return response
        answer = api_cache.get(self._answer_key)
        if answer is None:
            return render(request, *args, **kwargs)
        self._cache_hit = True
        response = HttpResponse(answer.content, content_type=answer.content_type)
        response.last_modified_stamp = answer.last_modified
        return response

    def _detail_last_modified(self) -> int | None:
        stamps = [s.timestamp() for s in map(self.row_last_modified, self._served_rows) if s]
        if stamps and self._answer_key is not None:
            # Writes that move no stamp of a row shown (a row removed, a many-to-many link)
            # still bumped the resource.
            stamps.append(api_cache.bumped_at(self.cache_resource) or 0)
        return int(max(stamps)) if stamps else None

    def _etag(self) -> str:
        return quote_etag(self._answer_key.removeprefix("api:answer:")[:32])

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if self._cache_hit:
            last_modified = response.last_modified_stamp
        else:
            response.render()
            last_modified = None
            if getattr(self, "action", None) != "list":
                last_modified = self._detail_last_modified()
            if self._answer_key is not None:
                api_cache.set(
                    self._answer_key,
                    api_cache.Answer(response.content, response["Content-Type"], last_modified),
                )
        if self._answer_key is not None:
            etag = self._etag()
        else:
            etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = "private, no-cache"
        return get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )


ERROR_RESPONSES = {
    "400": gettext_lazy("Invalid input; `fields` names each field and what is wrong with it."),
    "401": gettext_lazy("No key or session, or the key is unknown, expired or revoked."),
    "403": gettext_lazy("The key lacks the scope, or the account the permission."),
    "404": gettext_lazy("No such object, or not one the caller may see; or no such page."),
    "429": gettext_lazy("Too many requests; the Retry-After header says when to try again."),
}


class ApiAutoSchema(AutoSchema):
    """Documents the error answers every operation may give, in the one error format."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_RESPONSES.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=description),
                    code,
                    direction=direction,
                )
        if self.method == "GET":
            responses.setdefault(
                "304",
                {
                    "description": str(
                        _("Not modified: the ETag or date the client sent is current.")
                    )
                },
            )
        return responses


PATH_PARAMETERS = {
    "id": gettext_lazy("The object's id, as given in lists."),
    "conference_pk": gettext_lazy("The conference's id (see /api/v1/conferences/)."),
}
SUCCESS_DESCRIPTIONS = {
    "200": gettext_lazy("Success."),
    "201": gettext_lazy("Created."),
}


def describe_schema_hook(result, generator, request, public):
    """Describe the parts drf-spectacular leaves bare: path ids and success answers."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for param in operation.get("parameters", []):
                if param["in"] == "path" and not param.get("description"):
                    param["description"] = str(PATH_PARAMETERS[param["name"]])
            for code, response in operation.get("responses", {}).items():
                if not response.get("description") and code in SUCCESS_DESCRIPTIONS:
                    response["description"] = str(SUCCESS_DESCRIPTIONS[code])
    return result


@csrf_exempt  # it changes nothing; a CSRF refusal would answer in HTML
def not_found_view(request, *args, **kwargs):
    """Unknown paths under /api/ answer in the API's error format, not with an HTML page."""
    return JsonResponse(
        error_body(code="not_found", message=_("No such API endpoint.")),
        status=status.HTTP_404_NOT_FOUND,
    )


__all__ = [
    "ApiAutoSchema",
    "ApiPagination",
    "ConditionalGetMixin",
    "ErrorSerializer",
    "ApiFilterBackend",
    "IdFilter",
    "StableOrderingFilter",
    "StrictFilterSet",
    "api_exception_handler",
    "error_body",
    "not_found_view",
]
