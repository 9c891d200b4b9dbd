import functools

import redis
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiKey


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


class PartnerRateThrottle(SimpleRateThrottle):
    """One budget per key (per user for staff sessions); the 429 carries Retry-After.

    A counter per fixed window rather than DRF's list of timestamps, which is read and written
    whole on every request. With Redis (REDIS_URL) the count is one atomic INCR, pipelined with
    its expiry: one round trip; without it, the Django cache (get then set).
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
        return self.count(f"{key}:{window}") <= self.num_requests

    def count(self, key: str) -> int:
        """This request's number in its window (refused requests count too)."""
        ttl = self.duration + 1
        if settings.REDIS_URL:
            prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
            pipe = _redis(settings.REDIS_URL).pipeline(transaction=False)
            pipe.incr(f"{prefix}:{key}")
            pipe.expire(f"{prefix}:{key}", ttl, nx=True)
            return pipe.execute()[0]
        # get then set: two requests landing together may both pass; a budget, not a lock.
        count = self.cache.get(key, 0) + 1
        self.cache.set(key, count, ttl)
        return count

    def wait(self):
        return max(self.window_ends - self.now, 1)
