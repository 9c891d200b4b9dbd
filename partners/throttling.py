import functools
import logging

import redis
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from elyurt.proxy import client_address

from .models import ApiKey

logger = logging.getLogger(__name__)

# An INCR takes well under a millisecond; a Redis that has not answered in this long is treated
# as down, so a hung server delays a request by this much at most instead of a worker for ever.
REDIS_TIMEOUT_SECONDS = 1.0


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )


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

    def get_ident(self, request):
        # Not DRF's NUM_PROXIES reading of X-Forwarded-For: the same trusted proxies as the
        # login limit (settings.TRUSTED_PROXIES), so a client cannot name its own address.
        return client_address(request)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        try:
            count = self.count(f"{key}:{window}")
        except (redis.RedisError, OSError) as exc:
            # Fail open: the request goes through and the log says so. The budget keeps one
            # partner's sync job from crowding out the others; it guards no secret (every caller
            # here passed authentication and permissions already, and keys carry 256 random bits)
            # and it serves nothing: the API reads PostgreSQL, which is still up. Answering 503
            # would turn an outage of the cache into an outage of the whole partner API. What is
            # lost is the budget for as long as Redis is down.
            logger.warning(
                "partner API throttle: the counter is unreachable, %s let through (%s)", key, exc
            )
            return True
        return count <= self.num_requests

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
