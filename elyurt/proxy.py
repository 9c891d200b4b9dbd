"""The client's address and scheme, trusting proxy headers only from the proxies named in
settings.TRUSTED_PROXIES (README, "Behind a proxy").

Any client can send `X-Forwarded-For` and `X-Forwarded-Proto`; only a proxy we run rewrites them.
So a header counts only when the peer (REMOTE_ADDR) is one of ours, and `X-Forwarded-For` is read
from the right: every address our proxies appended is skipped, the first other one is the client
(anything left of it the client wrote itself).
"""

import ipaddress

from django.conf import settings


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES
    )


def client_address(request) -> str:
    """The address the request came from: REMOTE_ADDR, or, when that is a trusted proxy, the
    right-most address of `X-Forwarded-For` that is not one; "unknown" when there is none."""
    if request is None:
        return "unknown"
    peer = request.META.get("REMOTE_ADDR") or ""
    if not peer or not _is_trusted(peer):
        return peer or "unknown"
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _is_trusted(address):
            return address
    return peer


class TrustedProxyMiddleware:
    """Drops `X-Forwarded-*` headers a request did not get from a trusted proxy, so nothing later
    (SECURE_PROXY_SSL_HEADER, request.is_secure(), DRF) can be told a scheme or address by a
    client. First in MIDDLEWARE."""

    HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_trusted(request.META.get("REMOTE_ADDR") or ""):
            for header in self.HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
