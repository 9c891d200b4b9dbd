"""Public subscription pages: subscribe, confirm, unsubscribe. No login anywhere.

Confirm and unsubscribe links carry their token; a GET shows one button (a mail scanner that
follows links changes nothing), a POST acts. The unsubscribe POST is also the one-click of
RFC 8058 (`List-Unsubscribe=One-Click`), which mail clients send without cookies, hence no
CSRF check there: the token is the proof.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from elyurt.proxy import client_address
from elyurt.rate_limit import rate_hit

from . import services
from .forms import HONEYPOT, SubscribeForm
from .models import Subscription

MESSAGE = "subscriptions/message.html"


def _message(request, heading: str, message: str, status: int = 200):
    return render(request, MESSAGE, {"heading": heading, "message": message}, status=status)


def _limited(request, scope: str, value: str, limit: int) -> bool:
    return not rate_hit(
        scope=scope,
        value=value,
        limit=limit,
        window_seconds=settings.PUBLIC_FORM_WINDOW_SECONDS,
    )


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """The form (GET); POST answers "check your mail" whether or not the address was
    subscribed before, the form with its faults named (400), or 429 past the address's limit."""
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in dict(settings.LANGUAGES) else ""
    if request.method == "GET":
        form = SubscribeForm(initial={"language": language, "kind": Subscription.Kind.DIGEST})
        return render(request, "subscriptions/subscribe.html", {"form": form})
    if _limited(
        request, "subscribe:addr", client_address(request), settings.PUBLIC_FORM_LIMIT_PER_ADDRESS
    ):
        return _message(
            request,
            _("Too many requests"),
            _("Too many requests came from your address. Try again in an hour."),
            status=429,
        )
    check = (
        _("Check your mail"),
        _("If the address is right, a mail with a confirmation link is on its way to it."),
    )
    if str(request.POST.get(HONEYPOT, "")).strip():
        return _message(request, *check)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "subscriptions/subscribe.html", {"form": form}, status=400)
    data = form.cleaned_data
    if not _limited(
        request, "subscribe:email", data["email"].lower(), settings.PUBLIC_FORM_LIMIT_PER_EMAIL
    ):
        services.subscription_request(
            email=data["email"], kind=data["kind"], language=data["language"]
        )
    return _message(request, *check)


def _unknown(request):
    return _message(
        request,
        _("Unknown link"),
        _("This link is not known. It may be mistyped or belong to an ended subscription."),
        status=404,
    )


@csrf_exempt  # see the module's docstring
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    if request.method == "GET":
        return render(request, "subscriptions/button.html", {"action": _("Confirm subscription")})
    try:
        services.subscription_confirm(token=token)
    except services.InvalidToken:
        return _unknown(request)
    return _message(
        request, _("Subscription confirmed"), _("You will get the mail you subscribed to.")
    )


@csrf_exempt  # see the module's docstring
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        row = services.subscription_by_unsubscribe_token(token=token)
    except services.InvalidToken:
        return _unknown(request)
    if request.method == "GET" and row.state != Subscription.State.ENDED:
        context = {"action": _("Unsubscribe"), "what": row.get_kind_display()}
        return render(request, "subscriptions/button.html", context)
    services.subscription_end(token=token)
    return _message(
        request, _("Unsubscribed"), _("You will get no more of this mail. Nothing else is needed.")
    )
