"""The public answer page: no login, the personal token in the link is the only key."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .invitations import InvalidToken, invitation_answer, invitation_by_token
from .mail import format_when
from .models import Invitation


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
        conference = invitation.conference
        language = invitation.language.lower()
        context = {
            "invitation": invitation,
            "conference": conference,
            "when_local": format_when(conference.starts_at, invitation.timezone, language),
            "local_zone": invitation.timezone,
            "when_tashkent": format_when(conference.starts_at, "Asia/Tashkent", language),
            "Answer": Invitation.Answer,
            "error": error,
            "saved": request.method == "GET" and request.GET.get("saved") == "1",
        }
        response = render(request, "conferences/answer.html", context, status=400 if error else 200)
    return _private(response)
