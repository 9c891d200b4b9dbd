"""The public answer page: no login, the personal token in the link is the only key."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .ical import invitation_download_ics
from .invitations import invitation_answer
from .mail import MessageRenderer, conference_topic, format_when, invitee_name
from .models import Invitation
from .tokens import InvalidToken, invitation_by_token


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the URL: keep it out of Referer headers sent to other sites, caches and
    # search engines. Not "no-referrer": with it Chromium posts the page's own form with
    # "Origin: null", which Django's CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _invalid(request) -> HttpResponse:
    # One page for every failure (unknown, tampered, withdrawn, started): it reveals nothing.
    return _private(render(request, "conferences/answer_invalid.html", status=404))


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_answer_view(request, external_id: str, token: str) -> HttpResponse:
    try:
        invitation = invitation_by_token(token=token, external_id=external_id)
    except InvalidToken:
        return _invalid(request)
    error = ""
    with translation.override(invitation.language.lower()):
        if request.method == "POST":
            try:
                invitation_answer(
                    token=token, answer=request.POST.get("answer", ""), external_id=external_id
                )
            except InvalidToken:
                return _invalid(request)
            except ValidationError as exc:
                error = exc.message_dict["answer"][0]
            else:
                return _private(HttpResponseRedirect(request.path + "?saved=1"))
        context = {
            **_conference_context(invitation),
            "token": token,
            "Answer": Invitation.Answer,
            "error": error,
            "saved": request.method == "GET" and request.GET.get("saved") == "1",
        }
        response = render(request, "conferences/answer.html", context, status=400 if error else 200)
    return _private(response)


def _conference_context(invitation: Invitation) -> dict:
    """What the invitation email says about the conference, for this person's page."""
    conference = invitation.conference
    language = invitation.language.lower()
    agenda = MessageRenderer().agenda_for(conference, language)
    return {
        "invitation": invitation,
        "conference": conference,
        "topic": conference_topic(conference, language),
        "name": invitee_name(invitation, language),
        "agenda": agenda,
        "join_url": invitation.effective_join_url,
        "when_local": format_when(conference.starts_at, invitation.timezone, language),
        "local_zone": invitation.timezone,
        "when_tashkent": format_when(conference.starts_at, "Asia/Tashkent", language),
    }


@never_cache
@require_http_methods(["GET"])
def invitation_calendar_view(request, external_id: str, token: str) -> HttpResponse:
    """The conference as it stands now, to import into a calendar (the same event, UID and
    SEQUENCE as the mailed .ics, published rather than requested)."""
    try:
        invitation = invitation_by_token(token=token, external_id=external_id)
    except InvalidToken:
        return _invalid(request)
    with translation.override(invitation.language.lower()):
        context = _conference_context(invitation)
        description = render_to_string("conferences/email/calendar.txt", context)
    ics = invitation_download_ics(
        invitation=invitation, description=description, summary=context["topic"]
    )
    # RFC 5545 3.7.2: a calendar with a METHOD names it in its media type too.
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8; method=PUBLISH")
    response["Content-Disposition"] = f'attachment; filename="{external_id}.ics"'
    return _private(response)
