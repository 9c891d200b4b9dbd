"""The public tracker (/recommendations/, cached like the press pages) and the addressee's
answer page (the personal link; no login)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from experts.models import Organization
from pressroom.views import cached_public

from . import selectors
from .forms import AnswerForm, TrackerFilterForm
from .mail import reader_language, reader_script
from .models import Recommendation, Script
from .services import recommendation_answer
from .tokens import InvalidToken, answer_link_by_token

PAGE_SIZE = 20
PAGE_CAP = 10_000
FILTERS = ("status", "ministry", "year")


def _ministries():
    """The addressees of published recommendations: the tracker's ministry filter."""
    return Organization.objects.filter(recommendations__is_public=True).distinct().order_by("name")


def _tracker_params(request, ministries=None) -> dict[str, str] | None:
    """The tracker's known parameters, normalised; None if a filter is bad (the view answers
    400 naming it, and nothing is cached)."""
    data = {name: request.GET.get(name, "").strip() for name in FILTERS}
    known: dict[str, str] = {}
    if any(data.values()):
        form = TrackerFilterForm(data, ministries=ministries or _ministries())
        if not form.is_valid():
            return None
        known = {name: str(value) for name, value in form.filters().items() if value}
    page = request.GET.get("page", "").strip()
    if page.isascii() and page.isdigit() and int(page) > 1:
        known["page"] = str(min(int(page), PAGE_CAP))
    return known


def _script(request) -> str:
    return reader_script((request.LANGUAGE_CODE or "").lower())


@require_GET
@cached_public(params=_tracker_params)
def tracker(request):
    """Published recommendations, newest first, each with its timeline, in the page's script
    (Uzbek Latin and English read Latin; the other text is one click away)."""
    ministries = _ministries()
    known = _tracker_params(request, ministries)
    if known is None:
        data = {name: request.GET.get(name, "").strip() for name in FILTERS}
        form = TrackerFilterForm(data, ministries=ministries)
        form.is_valid()
        known, status = {}, 400
    else:
        given = {name: known[name] for name in FILTERS if name in known}
        form = TrackerFilterForm(given or None, ministries=ministries)
        if form.is_bound:
            form.is_valid()
        status = 200
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    rows = selectors.recommendation_list_public(filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(known.get("page"))
    items = list(page.object_list)
    timelines = selectors.timelines_for(recommendations=items)
    script = _script(request)
    other = Script.CYRILLIC if script == Script.LATIN else Script.LATIN
    context = {
        "form": form,
        "page": page,
        "items": [
            {
                "recommendation": r,
                "text": r.text_in(script),
                "other_text": r.text_in(other),
                "timeline": [
                    {**entry, "label": Recommendation.Status(entry["status"]).label}
                    for entry in timelines[r.pk]
                ],
            }
            for r in items
        ],
        "ministries": list(ministries),
        "years": selectors.recommendation_years_public(),
        "status_labels": dict(Recommendation.Status.choices),
        "query_without_page": urlencode({k: v for k, v in known.items() if k != "page"}),
    }
    html = render_to_string("recommendations/tracker.html", context, request=request)
    return HttpResponse(html, status=status)


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the URL: keep it out of Referer headers, caches and search engines (as
    # conferences.views does).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token: str) -> HttpResponse:
    """The addressee's contact answers: status, comment, reason, evidence link and date."""
    try:
        link = answer_link_by_token(token=token)
    except InvalidToken:
        return _private(render(request, "conferences/answer_invalid.html", status=404))
    recommendation = link.recommendation
    language = reader_language(link.contact.preferred_language)
    status = 200
    with translation.override(language):
        if request.method == "POST":
            form = AnswerForm(request.POST)
            if form.is_valid():
                try:
                    recommendation_answer(
                        recommendation=recommendation,
                        by=link.contact,
                        status=form.cleaned_data["status"] or None,
                        **{
                            name: form.cleaned_data[name]
                            for name in ("comment", "reason", "evidence_url", "implemented_on")
                            if form.cleaned_data[name] not in ("", None)
                        },
                    )
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        for message in messages:
                            form.add_error(field if field in form.fields else None, message)
                else:
                    return _private(HttpResponseRedirect(request.path + "?saved=1"))
            status = 400
        else:
            form = AnswerForm(
                initial={
                    "status": recommendation.status,
                    "comment": recommendation.comment,
                    "reason": recommendation.reason,
                    "evidence_url": recommendation.evidence_url,
                    "implemented_on": recommendation.implemented_on,
                }
            )
        context = {
            "recommendation": recommendation,
            "text": recommendation.text_in(reader_script(language)),
            "form": form,
            "saved": request.method == "GET" and request.GET.get("saved") == "1",
        }
        response = render(request, "recommendations/answer.html", context, status=status)
    return _private(response)
