from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiKey


class PartnerRateThrottle(SimpleRateThrottle):
    """One budget per key (per user for staff sessions); the 429 carries Retry-After.

    A counter per fixed window rather than DRF's list of timestamps: that list is read and
    written whole on every request, and at a partner's full rate it holds hundreds of entries.
    """

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

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{key}:{window}"
        count = self.cache.get(key, 0)
        if count >= self.num_requests:
            return False
        # get then set: two requests landing together may both pass; a budget, not a lock.
        self.cache.set(key, count + 1, self.duration + 1)
        return True

    def wait(self):
        return max(self.window_ends - self.now, 1)
