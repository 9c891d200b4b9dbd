"""Public press pages (cached) and the press service's staff pages."""

from __future__ import annotations

import difflib
import functools
import hashlib
import time
import unicodedata
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET

from activity.selectors import activity_for
from conferences.mail import conference_topic
from conferences.selectors import conferences_upcoming_public
from elyurt.script_text import shown_for
from experts.models import Council

from . import public_cache, selectors, services
from .forms import (
    CompareForm,
    PublicSearchForm,
    ReleaseEditForm,
    ReleaseTemplateForm,
    ScheduleForm,
    StaffFilterForm,
    StatusForm,
)
from .models import PressRelease, ReleaseTemplate
from .rendering import (
    LANGUAGE_FOR_CODE,
    SCRIPT_TAGS_BY_CODE,
    TASHKENT,
    available_texts,
    body_html,
    docx_bytes,
    pick_text,
    release_in,
    summary,
)

PAGE_SIZE = 10
PAGE_CAP = 10_000
SEARCH_INPUT_CAP = 1000
HOME_CONFERENCES = 3
HOME_RELEASES = 5
Status = PressRelease.Status
OG_LOCALES = {"cyrl": "uz_UZ", "latn": "uz_UZ", "ru": "ru_RU", "en": "en_GB"}


# --- public pages -------------------------------------------------------------------------


def _cache_key(request, params: dict[str, str], *, period: int | None = None) -> str:
    # The key holds the path, the language and the page's own known parameters, normalised:
    # never the raw query string, so a visitor's junk (?utm_source=, ?zzz=) adds no entry.
    raw = f"{request.LANGUAGE_CODE}|{request.path}|{urlencode(sorted(params.items()))}"
    if period:
        raw += f"|{int(time.time() // period)}"
    return "pressroom:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _lang_param(request) -> dict[str, str]:
    """Every public page's `lang` (cyrl, latn, ru, en): the page in that script or language,
    its interface (navigation, labels) with it; anything else is ignored."""
    lang = request.GET.get("lang", "")
    return {"lang": lang} if lang in LANGUAGE_FOR_CODE else {}


def _public_links(request, known: dict[str, str]) -> None:
    """The page's other versions, on SITE_URL and from the known parameters only (never the
    visitor's query string or Host): `public_alternates` for the head's hreflang links and
    `public_languages` for the switcher, whose names are each in their own language."""
    rest = {k: v for k, v in known.items() if k != "lang"}

    def address(code: str | None) -> str:
        params = {**rest, "lang": code} if code else rest
        return request.path + (f"?{urlencode(params)}" if params else "")

    request.public_alternates = [
        {"hreflang": SCRIPT_TAGS_BY_CODE[code], "href": site_url(address(code))}
        for code in LANGUAGE_FOR_CODE
    ] + [{"hreflang": "x-default", "href": site_url(address(None))}]
    current = translation.get_language()
    request.public_languages = [
        {
            "code": language,
            "name": name,
            "tag": SCRIPT_TAGS_BY_CODE[code],
            "current": language == current,
            "href": reverse("pressroom:language")
            + "?"
            + urlencode({"language": language, "next": address(code)}),
        }
        for code, language in LANGUAGE_FOR_CODE.items()
        for name in [dict(settings.LANGUAGES)[language]]
    ]


def cached_public(view=None, *, params=_lang_param, period: int | None = None):
    """Serve a public page from the cache (pressroom.public_cache), which the services make
    stale on publish, edit and withdrawal (and, through receivers.py, on a conference's status
    or schedule change).

    `params(request)` gives the page's known query parameters, normalised ({name: value}, the
    defaults left out), or None when one is bad: the view then answers (400) and nothing is
    cached. Other parameters play no part in the key, and the view builds its links from the
    same normalised values, so one stored page is right for every such query string.

    A known `lang` (see _lang_param) renders the page in that language: its interface and its
    texts follow the page's script, and the key holds it. Only 200 responses are kept. The
    pages carry nothing of the visitor's: no CSRF token (the
    language links are plain GETs, see language_set), so one copy serves everyone. `period`
    (seconds) also keys the page by the clock, for a page that changes with time alone. A cache
    that is down or full costs the rendering, never the answer (see public_cache).
    """
    if view is None:
        return functools.partial(cached_public, params=params, period=period)

    def wrapper(request, *args, **kwargs):
        code = _lang_param(request).get("lang")
        # The page's own links (navigation, search) keep its script.
        request.public_lang = code or ""
        if code is None:
            return _cached(request, *args, **kwargs)
        with translation.override(LANGUAGE_FOR_CODE[code]):
            request.LANGUAGE_CODE = LANGUAGE_FOR_CODE[code]
            return _cached(request, *args, **kwargs)

    def _cached(request, *args, **kwargs):
        known = params(request)
        if known is None:
            return view(request, *args, **kwargs)
        _public_links(request, known)
        key = _cache_key(request, known, period=period)
        # What the page's own links (base.html's language links) give as its address.
        request.public_path = request.path + (f"?{urlencode(known)}" if known else "")
        stored, current = public_cache.get(key)
        if stored is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            stored = (
                response["Content-Type"],
                response.content,
                response.get("Content-Disposition", ""),
            )
            public_cache.set(key, stored, made_under=current)
        content_type, content, disposition = stored
        response = HttpResponse(content, content_type=content_type)
        if disposition:
            response["Content-Disposition"] = disposition
        response["Vary"] = "Cookie, Accept-Language"
        return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_GET
def language_set(request) -> HttpResponse:
    """The public pages' language links. A GET, unlike Django's set_language (pretix does the
    same), so that a cached page needs no per-visitor CSRF token: the worst a forged link can do
    is show someone the site in another of its languages."""
    language = request.GET.get("language", "")
    if language not in dict(settings.LANGUAGES):
        choices = ", ".join(code for code, _name in settings.LANGUAGES)
        message = _("language: “%(value)s” is not one of %(choices)s.") % {
            "value": language[:20],
            "choices": choices,
        }
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("pressroom:list")
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _render_public(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    return HttpResponse(html, status=status)


@require_GET
# A conference leaves "next" when it starts, with no write to bump the version: the clock is
# in the key, so the page is at most a minute late.
@functools.partial(cached_public, period=60)
def home(request):
    """The site's front page: the next scheduled conferences and the latest releases."""
    language = request.LANGUAGE_CODE
    context = {
        "conferences": [
            {
                "conference": conference,
                "title": conference_topic(conference, language),
                "council": _council_name(conference.council, language),
            }
            for conference in conferences_upcoming_public(
                now=timezone.now(), limit=HOME_CONFERENCES
            )
        ],
        "releases": [
            _list_item(release, language)
            for release in selectors.press_release_list_public()[:HOME_RELEASES]
        ],
    }
    return _render_public(request, "pressroom/home.html", context)


def _council_name(council: Council, language: str) -> str:
    return shown_for(council.name, language, latn=council.name_latin, cyrl=council.name_cyrl)


def _public_councils():
    return Council.objects.filter(conferences__press_release__status=Status.PUBLISHED).distinct()


def _search_text(value: str) -> str:
    """`q` as searched and keyed: NFKC, whitespace runs made one space, trimmed."""
    # Capped before normalising so that a huge value costs nothing; the form refuses anything
    # over its max_length anyway.
    return " ".join(unicodedata.normalize("NFKC", value[:SEARCH_INPUT_CAP]).split())


def _list_params(request, councils=None) -> dict[str, str] | None:
    """/press/'s known parameters, normalised (q, year, council, page); None if a filter is bad.

    A page that is not a whole number is the first (as Paginator.get_page has it), and a page
    number is capped at PAGE_CAP.
    """
    data = {
        "q": _search_text(request.GET.get("q", "")),
        "year": request.GET.get("year", "").strip(),
        "council": request.GET.get("council", "").strip(),
    }
    known: dict[str, str] = {}
    if any(data.values()):
        form = PublicSearchForm(
            data, councils=councils if councils is not None else _public_councils()
        )
        if not form.is_valid():
            return None
        filters = form.filters()
        known = {name: str(filters[name]) for name in ("q", "year", "council") if filters[name]}
    page = request.GET.get("page", "").strip()
    if page.isascii() and page.isdigit() and int(page) > 1:
        known["page"] = str(min(int(page), PAGE_CAP))
    return known | _lang_param(request)


@require_GET
@cached_public(params=_list_params)
def release_list(request):
    councils = _public_councils()
    known = _list_params(request, councils)
    if known is None:
        form = PublicSearchForm(request.GET, councils=councils)  # to name the bad field
        known = {}
    else:
        filters = {name: known[name] for name in ("q", "year", "council") if name in known}
        form = PublicSearchForm(filters or None, councils=councils)
    releases = selectors.press_release_list_public(filters=form.filters() if form.is_bound else {})
    page = Paginator(releases, PAGE_SIZE).get_page(known.get("page"))
    context = {
        "form": form,
        "page": page,
        "items": [_list_item(r, request.LANGUAGE_CODE) for r in page.object_list],
        "years": selectors.press_release_years_public(),
        "councils": [
            {"pk": c.pk, "name": _council_name(c, request.LANGUAGE_CODE)} for c in councils
        ],
        "query_without_page": urlencode({k: v for k, v in known.items() if k != "page"}),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return _render_public(request, "pressroom/release_list.html", context, status=status)


def _list_item(release: PressRelease, language: str) -> dict:
    """A release in a list, in the page's language or script; its council and topic in the
    script of the text shown beside them."""
    text = release_in(release, language)
    script = LANGUAGE_FOR_CODE[text.code]
    return {
        "release": release,
        "text": text,
        "summary": summary(text.body, 30),
        "council": _council_name(release.conference.council, script),
        "topic": conference_topic(release.conference, script),
    }


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _release_params(request) -> dict[str, str]:
    """A release page's one known parameter: `lang`, one of its texts' codes (else ignored)."""
    return _lang_param(request)


def _public_release(slug: str) -> PressRelease:
    release = selectors.press_release_get_public(slug=slug)
    if release is None:
        raise Http404(_("No published press release at this address."))
    return release


@require_GET
@cached_public(params=_release_params)
def release_detail(request, slug: str):
    release = _public_release(slug)
    known = _release_params(request)
    text = pick_text(release, known.get("lang"), request.LANGUAGE_CODE)
    context = {
        "release": release,
        "text": text,
        "texts": available_texts(release),
        "body": mark_safe(body_html(text.body)),  # sanitised by nh3 in body_html
        "description": summary(text.body, 40),
        "og_locale": OG_LOCALES[text.code],
        "council": _council_name(release.conference.council, LANGUAGE_FOR_CODE[text.code]),
        # From SITE_URL, never the request's Host or scheme, and from the cleaned parameters,
        # never the visitor's query string: the page is cached and served to every later
        # visitor, so one forged header or junk parameter would otherwise rewrite their links.
        "canonical": site_url(release_url(release)),
        # Each script's page names itself canonical, as hreflang asks of every version.
        "self_canonical": site_url(request.public_path),
        "page_url": site_url(request.public_path),
    }
    return _render_public(request, "pressroom/release_detail.html", context)


@require_GET
# The document's creation date is the day it is made: keyed by the day too.
@cached_public(params=_release_params, period=24 * 60 * 60)
def release_docx(request, slug: str):
    release = _public_release(slug)
    text = pick_text(release, _release_params(request).get("lang"), request.LANGUAGE_CODE)
    content = docx_bytes(
        title=text.title,
        body=text.body,
        lang=text.lang,
        published=timezone.localtime(release.published_at, TASHKENT).date(),
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    suffix = "" if text.code == "cyrl" else f"-{text.code}"
    response["Content-Disposition"] = f'attachment; filename="{release.slug}{suffix}.docx"'
    return response


def release_url(release: PressRelease) -> str:
    return reverse("pressroom:detail", kwargs={"slug": release.slug})


def site_url(path: str) -> str:
    """`path` (from reverse() or get_full_path()) as an absolute link on SITE_URL."""
    return f"{settings.SITE_URL}{path}"


# --- staff pages --------------------------------------------------------------------------


class StaffMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous visitors go to the login page; signed-in users without the permission get 403."""

    permission_required = "pressroom.view_pressrelease"

    def get_release(self) -> PressRelease:
        release = selectors.press_release_get_staff(pk=self.kwargs["pk"])
        if release is None:
            raise Http404(_("No such press release."))
        return release


def staff_base_template() -> str:
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template("dashboard/base.html")
    except TemplateDoesNotExist:
        return "base.html"
    return "dashboard/base.html"


def _actions_for(user, release: PressRelease) -> list[dict]:
    labels = {
        Status.DRAFT: _("Back to draft"),
        Status.IN_REVIEW: _("Submit for review")
        if release.status == Status.DRAFT
        else _("Back to review"),
        Status.APPROVED: _("Approve"),
        Status.PUBLISHED: _("Publish") if release.status == Status.APPROVED else _("Publish again"),
        Status.WITHDRAWN: _("Withdraw"),
    }
    actions = []
    for target in Status.values:
        if not services.press_release_transition_allowed(current=release.status, target=target):
            continue
        permission = services.required_permission(current=release.status, target=target)
        if user.has_perm(permission):
            actions.append({"status": target, "label": labels[target]})
    return actions


class StaffListView(StaffMixin, View):
    def get(self, request):
        form = StaffFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        releases = selectors.press_release_list_staff(filters=filters)
        page = Paginator(releases, 25).get_page(request.GET.get("page"))
        return render(
            request,
            "pressroom/staff/release_list.html",
            {
                "base_template": staff_base_template(),
                "form": form,
                "page": page,
                "query_without_page": _query_without_page(request),
            },
        )


class StaffEditView(StaffMixin, View):
    def _context(self, release, form) -> dict:
        versions = list(selectors.press_release_versions(release=release))
        user = self.request.user
        return {
            "base_template": staff_base_template(),
            "release": release,
            "form": form,
            "versions": versions,
            "actions": _actions_for(user, release),
            "can_edit": user.has_perm(
                services.PERM_PUBLISH
                if release.status in (Status.APPROVED, Status.PUBLISHED)
                else services.PERM_CHANGE
            ),
            "can_schedule": user.has_perm(services.PERM_PUBLISH)
            and release.status == Status.APPROVED,
            "schedule_form": ScheduleForm(initial={"publish_at": release.publish_at}),
            "public_url": release_url(release) if release.status == Status.PUBLISHED else "",
            "activity": activity_for(target=release),
        }

    def get(self, request, pk):
        release = self.get_release()
        initial = {name: getattr(release, name) for name in ReleaseEditForm.TEXT_FIELDS}
        initial.update(
            {"slug": release.slug, "pk": release.pk, "cyrillic_follows": release.cyrillic_follows}
        )
        form = ReleaseEditForm(initial=initial)
        return render(request, "pressroom/staff/release_edit.html", self._context(release, form))

    def post(self, request, pk):
        release = self.get_release()
        form = ReleaseEditForm(request.POST, initial={"pk": release.pk})
        if form.is_valid():
            try:
                services.press_release_edit(
                    release=release, by=request.user, **form.service_fields()
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Saved as a new version."))
                return HttpResponseRedirect(reverse("pressroom_staff:edit", args=[release.pk]))
        return render(
            request,
            "pressroom/staff/release_edit.html",
            self._context(release, form),
            status=400,
        )


class StaffStatusView(StaffMixin, View):
    def post(self, request, pk):
        release = self.get_release()
        form = StatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("status: choose one of the offered steps."))
        else:
            try:
                services.press_release_set_status(
                    release=release, status=form.cleaned_data["status"], by=request.user
                )
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Status is now: %(status)s.") % {"status": release.get_status_display()},
                )
        return HttpResponseRedirect(reverse("pressroom_staff:edit", args=[release.pk]))


class StaffScheduleView(StaffMixin, View):
    def post(self, request, pk):
        release = self.get_release()
        form = ScheduleForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{field}: {' '.join(errors)}")
        else:
            try:
                services.press_release_schedule_publication(
                    release=release, publish_at=form.cleaned_data["publish_at"], by=request.user
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    messages.error(request, f"{field}: {' '.join(errors)}")
            else:
                messages.success(request, _("Publication schedule saved."))
        return HttpResponseRedirect(reverse("pressroom_staff:edit", args=[release.pk]))


class StaffRedraftView(StaffMixin, View):
    permission_required = "pressroom.change_pressrelease"

    def post(self, request, pk):
        release = self.get_release()
        from .drafting import DraftingError

        try:
            services.press_release_draft(conference=release.conference, by=request.user)
        except DraftingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Drafted again from the conference's data; see the versions.")
            )
        return HttpResponseRedirect(reverse("pressroom_staff:edit", args=[release.pk]))


class StaffCompareView(StaffMixin, View):
    def get(self, request, pk):
        release = self.get_release()
        versions = {v.number: v for v in selectors.press_release_versions(release=release)}
        numbers = sorted(versions)
        data = request.GET.copy()
        data.setdefault("b", str(numbers[-1]) if numbers else "1")
        data.setdefault("a", str(numbers[-2] if len(numbers) > 1 else numbers[-1]))
        form = CompareForm(data)
        table, status = "", 200
        if form.is_valid() and {form.cleaned_data["a"], form.cleaned_data["b"]} <= set(versions):
            field = form.cleaned_data.get("field") or "body_cyrl"
            old = versions[form.cleaned_data["a"]]
            new = versions[form.cleaned_data["b"]]
            # HtmlDiff escapes the texts itself; one line per paragraph keeps the table readable.
            table = difflib.HtmlDiff(wrapcolumn=70).make_table(
                getattr(old, field).split("\n"),
                getattr(new, field).split("\n"),
                fromdesc=_("Version %(n)s") % {"n": old.number},
                todesc=_("Version %(n)s") % {"n": new.number},
                context=True,
                numlines=1,
            )
        elif form.is_valid():
            form.add_error("a", _("No such version of this press release."))
            status = 400
        else:
            status = 400
        return render(
            request,
            "pressroom/staff/release_compare.html",
            {
                "base_template": staff_base_template(),
                "release": release,
                "form": form,
                "versions": [versions[n] for n in reversed(numbers)],
                "table": mark_safe(table),
            },
            status=status,
        )


@method_decorator(require_GET, name="dispatch")
class StaffVersionView(StaffMixin, View):
    def get(self, request, pk, number):
        release = self.get_release()
        version = get_object_or_404(release.versions.select_related("created_by"), number=number)
        return render(
            request,
            "pressroom/staff/release_version.html",
            {"base_template": staff_base_template(), "release": release, "version": version},
        )


class StaffTemplateListView(StaffMixin, View):
    permission_required = "pressroom.view_releasetemplate"

    def get(self, request):
        return render(
            request,
            "pressroom/staff/template_list.html",
            {
                "base_template": staff_base_template(),
                "templates": ReleaseTemplate.objects.order_by("language", "-active", "name"),
            },
        )


class StaffTemplateEditView(StaffMixin, View):
    """The press service edits the wording of drafted releases (Django template syntax)."""

    permission_required = "pressroom.change_releasetemplate"

    def _render(self, request, form, template, status=200):
        from .drafting import release_context_help

        return render(
            request,
            "pressroom/staff/template_edit.html",
            {
                "base_template": staff_base_template(),
                "form": form,
                "template": template,
                "variables": release_context_help(),
            },
            status=status,
        )

    def get(self, request, pk):
        template = get_object_or_404(ReleaseTemplate, pk=pk)
        return self._render(request, ReleaseTemplateForm(instance=template), template)

    def post(self, request, pk):
        template = get_object_or_404(ReleaseTemplate, pk=pk)
        form = ReleaseTemplateForm(request.POST, instance=template)
        if not form.is_valid():
            return self._render(request, form, template, status=400)
        try:
            services.release_template_save(template=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self._render(request, form, template, status=400)
        messages.success(request, _("Template saved; the next drafts use it."))
        return HttpResponseRedirect(reverse("pressroom_staff:templates"))
