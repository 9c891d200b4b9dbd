"""Zoom's webhook: meeting.ended / webinar.ended start the pull; URL validation is answered."""

import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from elyurt.json_bounded import JsonTooDeep, json_loads_bounded

from .reports import zoom_meeting_ended

logger = logging.getLogger(__name__)

MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 256 * 1024
ENDED_EVENTS = {"meeting.ended", "webinar.ended"}


class Refused(Exception):
    """The request is refused with this HTTP status and message (`{"detail": message}`)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _signature(secret: str, timestamp: bytes, body: bytes) -> str:
    message = b"v0:" + timestamp + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@csrf_exempt
@require_POST
def zoom_webhook(request):
    """Verify Zoom's signature, then act. A refused request changes nothing."""
    secret = settings.ZOOM_WEBHOOK_SECRET_TOKEN
    try:
        if not secret:
            raise Refused(404, _("Zoom webhooks are not configured."))
        _verify(request, secret)
        event, payload = _event(request.body)
        if event == "endpoint.url_validation":
            return _url_validation(payload, secret)
        if event in ENDED_EVENTS:
            return _meeting_ended(event, payload, request.body)
    except Refused as refused:
        return JsonResponse({"detail": refused.message}, status=refused.status)
    # Zoom retries anything but 2xx; events we do not subscribe to are acknowledged and dropped.
    return JsonResponse({"detail": "ignored"})


def _verify(request, secret: str) -> None:
    """Raise Refused unless the body is signed with the secret within MAX_SKEW_SECONDS."""
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        raise Refused(413, _("body: larger than Zoom sends."))
    timestamp = request.headers.get("x-zm-request-timestamp", "").strip()
    if not timestamp.isdigit():
        raise Refused(401, _("x-zm-request-timestamp: missing or not a number."))
    skew = time.time() - int(timestamp)
    if skew > MAX_SKEW_SECONDS:
        raise Refused(401, _("x-zm-request-timestamp: older than five minutes."))
    if skew < -MAX_SKEW_SECONDS:
        raise Refused(401, _("x-zm-request-timestamp: more than five minutes ahead."))
    expected = _signature(secret, timestamp.encode(), body)
    if not hmac.compare_digest(expected, request.headers.get("x-zm-signature", "")):
        logger.warning("zoom webhook with a bad signature refused")
        raise Refused(401, _("x-zm-signature: does not match."))


def _event(body: bytes) -> tuple[str, dict]:
    """The event's name and payload; Refused (400) when the body has neither."""
    try:
        data = json_loads_bounded(body)
    except JsonTooDeep as exc:
        raise Refused(400, "body: " + str(exc)) from None
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, _("body: not JSON.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        raise Refused(400, _("payload: missing."))
    event = data.get("event")
    if not isinstance(event, str):
        raise Refused(400, _("event: missing."))
    return event, data["payload"]


def _url_validation(payload: dict, secret: str) -> JsonResponse:
    """Zoom checks the endpoint: the plain token comes back with its HMAC."""
    plain = payload.get("plainToken")
    if not isinstance(plain, str) or not plain:
        raise Refused(400, _("payload.plainToken: missing."))
    encrypted = hmac.new(secret.encode(), plain.encode(), hashlib.sha256).hexdigest()
    return JsonResponse({"plainToken": plain, "encryptedToken": encrypted})


def _meeting_ended(event: str, payload: dict, body: bytes) -> JsonResponse:
    zoom_object = payload.get("object")
    if not isinstance(zoom_object, dict) or not zoom_object.get("id"):
        raise Refused(400, _("payload.object.id: missing."))
    outcome = zoom_meeting_ended(event=event, zoom_object=zoom_object, body=body)
    return JsonResponse({"detail": outcome})
