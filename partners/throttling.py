from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiKey


class PartnerRateThrottle(SimpleRateThrottle):
    """One budget per key (per user for staff sessions); the 429 carries Retry-After."""

    scope = "partner"

    def get_rate(self):
        # Read at call time so the rate follows settings (and test overrides).
        return settings.PARTNER_API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
