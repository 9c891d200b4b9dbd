"""The public conference pages: the list, one page per conference with its registration form,
its .ics and the calendar feed of every scheduled conference.

The pages are cached as the press pages are (views.cached_public: keys from known parameters
only, links from SITE_URL) with the clock in the key, so "upcoming", "past" and "registration
closed" are at most a minute late. They show public facts only: topic, times, agenda, the
public profiles of presenters (never an email, phone or join link) and the organisers.

The registration form posts to an uncached view. It carries no CSRF token, since a cached page
cannot hold a per-visitor one: the form writes nothing that matters until the person confirms
from their own mailbox (double opt-in), and it is limited per address and per email.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conferences.forms import PublicRegistrationForm, honeypot_filled
from conferences.ical import calendar_feed_ics
from conferences.mail import format_when
from conferences.models import Conference
from conferences.public_registrations import (
    public_registration_by_token,
    public_registration_confirm,
    public_registration_request,
    registration_closed_reason,
)
from conferences.selectors import (
    conference_get_public,
    conferences_for_feed,
    conferences_public_list,
)
from conferences.tokens import InvalidToken
from elyurt.proxy import client_address
from elyurt.rate_limit import rate_hit
from transliteration import in_script

from .models import PressRelease
from .views import _render_public, cached_public, site_url

SCRIPTS = {"cyrl": "uz-Cyrl", "latn": "uz-Latn"}
SCRIPT_LABELS = {"cyrl": "Ўзбекча", "latn": "Oʻzbekcha"}
OG_LOCALE = "uz_UZ"
OTHER_OG_LOCALES = {"ru": "ru_RU", "en": "en_GB"}


def _page_params(request) -> dict[str, str]:
    """A conference page's one known parameter: `lang`, the script (cyrl or latn)."""
    lang = request.GET.get("lang", "")
    return {"lang": lang} if lang in SCRIPTS else {}


def _script(request, known: dict[str, str]) -> str:
    if known.get("lang"):
        return known["lang"]
    return "latn" if request.LANGUAGE_CODE == "uz-latn" else "cyrl"


class Writer:
    """Text of one conference as the page shows it in `script`: Uzbek text in that script,
    Russian and English as written."""

    def __init__(self, conference: Conference, script: str) -> None:
        self.script = script
        self.uzbek = conference.language.lower().startswith("uz")

    def __call__(self, text: str) -> str:
        return in_script(text, self.script) if self.uzbek and text else text

    def name(self, plain: str, latin: str) -> str:
        """A stored name and its stored Latin form (used in Latin script when filled)."""
        if self.script == "latn" and latin:
            return latin
        return in_script(plain, self.script) if plain else plain


def _agenda(conference: Conference, write: Writer) -> list[dict]:
    agenda = []
    for item in conference.presentations.all():
        presenter = item.presenter
        profile = None
        if presenter.is_public:
            organization = presenter.organization
            profile = {
                "position": write(presenter.position),
                "degree": write(presenter.academic_degree),
                "organization": write.name(organization.name, organization.name_latin)
                if organization
                else "",
                "bio": write(presenter.bio),
            }
        agenda.append(
            {
                "order": item.order,
                "title": write(item.title),
                "presenter": write.name(presenter.full_name, presenter.full_name_latin),
                "profile": profile,
            }
        )
    return agenda


def _organisers(conference: Conference, write: Writer) -> list[dict]:
    return [
        {
            "role": role.get_role_display(),
            "name": write.name(role.organization.name, role.organization.name_latin),
        }
        for role in conference.organization_roles.all()
    ]


def _public_conference(slug: str) -> Conference:
    conference = conference_get_public(slug=slug)
    if conference is None:
        raise Http404(_("No public conference at this address."))
    return conference


def conference_url(conference: Conference) -> str:
    return reverse("conference_public:detail", kwargs={"slug": conference.slug})


def _detail_context(request, conference: Conference, known: dict, form=None) -> dict:
    script = _script(request, known)
    write = Writer(conference, script)
    language = request.LANGUAGE_CODE
    title = write(conference.title)
    when = format_when(conference.starts_at, "Asia/Tashkent", language)
    release = PressRelease.objects.filter(
        conference=conference, status=PressRelease.Status.PUBLISHED
    ).first()
    if form is None:
        form = PublicRegistrationForm(None)
        form.initial = {"language": SCRIPTS[script], "timezone": "Asia/Tashkent"}
    return {
        "conference": conference,
        "title": title,
        "council": write.name(conference.council.name, conference.council.name_latin),
        "script": script,
        "scripts": [{"code": c, "label": SCRIPT_LABELS[c]} for c in SCRIPTS],
        "show_scripts": write.uzbek,
        "html_lang": SCRIPTS[script] if write.uzbek else conference.language,
        "when_tashkent": when,
        "agenda": _agenda(conference, write),
        "organisers": _organisers(conference, write),
        "closed_reason": registration_closed_reason(conference),
        "form": form,
        "release": release,
        "description": _("Conference of %(council)s, %(when)s (Tashkent time).")
        % {
            "council": write.name(conference.council.name, conference.council.name_latin),
            "when": when,
        },
        "og_locale": OG_LOCALE
        if write.uzbek
        else {"ru": "ru_RU"}.get(conference.language, "en_GB"),
        "canonical": site_url(conference_url(conference)),
        "page_url": site_url(getattr(request, "public_path", request.path)),
    }


@require_GET
@functools.partial(cached_public, params=_page_params, period=60)
def conference_detail(request, slug: str):
    conference = _public_conference(slug)
    context = _detail_context(request, conference, _page_params(request))
    return _render_public(request, "conferences/public/detail.html", context)


@require_GET
@functools.partial(cached_public, period=60)
def conference_list(request):
    upcoming, past = conferences_public_list(now=timezone.now())
    releases = {
        release.conference_id: release
        for release in PressRelease.objects.filter(
            conference__in=past, status=PressRelease.Status.PUBLISHED
        ).only("pk", "slug", "conference_id")
    }
    context = {
        "upcoming": upcoming,
        "past": [{"conference": c, "release": releases.get(c.pk)} for c in past],
        "canonical": site_url(reverse("conference_public:list")),
    }
    return _render_public(request, "conferences/public/list.html", context)


def _calendar_description(conference: Conference, write: Writer | None = None) -> str:
    write = write or Writer(conference, "cyrl")
    lines = [f"{item.order}. {write(item.title)}" for item in conference.presentations.all()]
    lines.append(site_url(conference_url(conference)))
    return "\n".join(lines)


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@functools.partial(cached_public, params=_page_params, period=60)
def conference_ics(request, slug: str):
    """The conference as a calendar file to import (PUBLISH): no attendee, no join link (the
    join link reaches only those invited, in their invitation)."""
    conference = _public_conference(slug)
    write = Writer(conference, _script(request, _page_params(request)))
    url = site_url(conference_url(conference))
    content = calendar_feed_ics(
        events=[(conference, _calendar_description(conference, write), url)],
        name=write(conference.title),
    )
    return _ics_response(content, f"{conference.slug}.ics")


@require_GET
@functools.partial(cached_public, period=60)
def calendar_feed(request):
    """Every scheduled conference (and those of the last 90 days) as one public calendar."""
    conferences = list(conferences_for_feed(now=timezone.now()))
    content = calendar_feed_ics(
        events=[(c, _calendar_description(c), site_url(conference_url(c))) for c in conferences],
        name=_("El-yurt umidi: conferences"),
    )
    return _ics_response(content, "conferences.ics")


# --- registration ---------------------------------------------------------------------------


def _too_many(request) -> HttpResponse:
    context = {
        "heading": _("Too many requests"),
        "message": _("Too many registrations came from your address. Try again in an hour."),
    }
    return _render_public(request, "conferences/public/message.html", context, status=429)


def _check_mail(request, conference: Conference) -> HttpResponse:
    context = {
        "heading": _("Check your mail"),
        "message": _(
            "If the address is right, a mail with a confirmation link is on its way to it. "
            "Your registration counts once you open that link."
        ),
        "back": conference_url(conference),
    }
    return _render_public(request, "conferences/public/message.html", context)


@csrf_exempt  # see the module's docstring
@require_POST
def conference_register(request, slug: str):
    """The registration form's POST: "check your mail", the form with its faults named (400),
    or 429 past the address's limit. Never says whether the email was registered before."""
    conference = _public_conference(slug)
    if not rate_hit(
        scope="register:addr",
        value=client_address(request),
        limit=settings.PUBLIC_FORM_LIMIT_PER_ADDRESS,
        window_seconds=settings.PUBLIC_FORM_WINDOW_SECONDS,
    ):
        return _too_many(request)
    if honeypot_filled(request.POST):
        return _check_mail(request, conference)
    form = PublicRegistrationForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"].lower()
        if not rate_hit(
            scope=f"register:email:{conference.pk}",
            value=email,
            limit=settings.PUBLIC_FORM_LIMIT_PER_EMAIL,
            window_seconds=settings.PUBLIC_FORM_WINDOW_SECONDS,
        ):
            return _check_mail(request, conference)
        try:
            public_registration_request(conference=conference, data=form.cleaned_data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(None if field in ("conference", "__all__") else field, message)
        else:
            return _check_mail(request, conference)
    context = _detail_context(request, conference, _page_params(request), form=form)
    return _render_public(request, "conferences/public/detail.html", context, status=400)


@csrf_exempt  # the token in the address is the proof; a mail client's prefetch only GETs
@require_http_methods(["GET", "POST"])
def registration_confirm(request, token: str):
    """GET shows a button (a mail scanner that follows links confirms nothing); POST confirms."""
    try:
        registration = public_registration_by_token(token=token)
    except InvalidToken:
        context = {
            "heading": _("Unknown link"),
            "message": _("This confirmation link is not known. Register again on the page."),
        }
        return _render_public(request, "conferences/public/message.html", context, status=404)
    conference = registration.conference
    if request.method == "GET" and registration.confirmed_at is None:
        context = {"conference": conference, "title": conference.title}
        return _render_public(request, "conferences/public/confirm.html", context)
    try:
        public_registration_confirm(token=token)
    except ValidationError as exc:
        context = {
            "heading": _("Registration not confirmed"),
            "message": " ".join(exc.messages),
            "back": conference_url(conference),
        }
        return _render_public(request, "conferences/public/message.html", context, status=409)
    context = {
        "heading": _("Registration confirmed"),
        "message": _("You are registered. The invitation with the join link is on its way."),
        "back": conference_url(conference),
    }
    return _render_public(request, "conferences/public/message.html", context)
