"""Zoom's webhook: meeting.ended / webinar.ended start the pull; URL validation is answered."""

import hashlib
import hmac
import json
import logging
import time

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .reports import zoom_meeting_ended

logger = logging.getLogger(__name__)

MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 256 * 1024
ENDED_EVENTS = {"meeting.ended", "webinar.ended"}


def _refuse(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _signature(secret: str, timestamp: bytes, body: bytes) -> str:
    message = b"v0:" + timestamp + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@csrf_exempt
@require_POST
def zoom_webhook(request):
    """Verify Zoom's signature, then act. A refused request changes nothing."""
    secret = settings.ZOOM_WEBHOOK_SECRET_TOKEN
    if not secret:
        return _refuse(404, _("Zoom webhooks are not configured."))
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _refuse(413, _("body: larger than Zoom sends."))
    timestamp = request.headers.get("x-zm-request-timestamp", "").strip()
    if not timestamp.isdigit():
        return _refuse(401, _("x-zm-request-timestamp: missing or not a number."))
    skew = time.time() - int(timestamp)
    if skew > MAX_SKEW_SECONDS:
        return _refuse(401, _("x-zm-request-timestamp: older than five minutes."))
    if skew < -MAX_SKEW_SECONDS:
        return _refuse(401, _("x-zm-request-timestamp: more than five minutes ahead."))
    expected = _signature(secret, timestamp.encode(), body)
    if not hmac.compare_digest(expected, request.headers.get("x-zm-signature", "")):
        logger.warning("zoom webhook with a bad signature refused")
        return _refuse(401, _("x-zm-signature: does not match."))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _refuse(400, _("body: not JSON."))
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        return _refuse(400, _("payload: missing."))
    event = data.get("event")
    if not isinstance(event, str):
        return _refuse(400, _("event: missing."))
    payload = data["payload"]
    if event == "endpoint.url_validation":
        plain = payload.get("plainToken")
        if not isinstance(plain, str) or not plain:
            return _refuse(400, _("payload.plainToken: missing."))
        encrypted = hmac.new(secret.encode(), plain.encode(), hashlib.sha256).hexdigest()
        return JsonResponse({"plainToken": plain, "encryptedToken": encrypted})
    if event in ENDED_EVENTS:
        zoom_object = payload.get("object")
        if not isinstance(zoom_object, dict) or not zoom_object.get("id"):
            return _refuse(400, _("payload.object.id: missing."))
        outcome = zoom_meeting_ended(event=event, zoom_object=zoom_object, body=body)
        return JsonResponse({"detail": outcome})
    # Zoom retries anything but 2xx; events we do not subscribe to are acknowledged and dropped.
    return JsonResponse({"detail": "ignored"})
