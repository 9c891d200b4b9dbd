import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.request import Request

from elyurt.proxy import TrustedProxyMiddleware, client_address
from partners.throttling import PartnerRateThrottle

FORGED = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "HTTP_X_FORWARDED_PROTO": "https"}


def _request(remote: str, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_forwarded_headers_are_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("198.51.100.7", **FORGED)) == "198.51.100.7"


def test_a_trusted_proxy_names_the_client_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "127.0.0.1"]
    # The client wrote "1.2.3.4" itself; the outer proxy appended the client's real address,
    # the inner one its own.
    request = _request("127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.5")
    assert client_address(request) == "198.51.100.7"


def test_an_untrusted_peer_cannot_name_a_client_even_with_proxies_configured(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(_request("198.51.100.7", **FORGED)) == "198.51.100.7"


def test_no_request_or_no_address_is_unknown(settings):
    assert client_address(None) == "unknown"
    assert client_address(_request("")) == "unknown"


@pytest.mark.parametrize(
    ("trusted", "secure"), [([], False), (["127.0.0.1"], True)], ids=["untrusted", "trusted"]
)
def test_forwarded_proto_counts_only_from_a_trusted_proxy(client, settings, trusted, secure):
    # The settings set SECURE_PROXY_SSL_HEADER only with TRUSTED_PROXIES; the middleware drops
    # the header from any other peer, so even a configured header cannot be forged.
    settings.TRUSTED_PROXIES = trusted
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        seen["for"] = request.META.get("HTTP_X_FORWARDED_FOR")
        return HttpResponse()

    TrustedProxyMiddleware(view)(_request("127.0.0.1", **FORGED))
    assert seen == {"secure": secure, "for": "203.0.113.9" if secure else None}


def test_the_api_throttle_counts_anonymous_callers_by_the_same_address(settings):
    settings.TRUSTED_PROXIES = []
    request = Request(_request("198.51.100.7", **FORGED))
    request.user = AnonymousUser()
    request._auth = None
    key = PartnerRateThrottle().get_cache_key(request, None)
    assert key == "throttle_partner_anon-198.51.100.7"
    settings.TRUSTED_PROXIES = ["198.51.100.7"]
    assert PartnerRateThrottle().get_cache_key(request, None) == "throttle_partner_anon-203.0.113.9"
