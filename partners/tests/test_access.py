import datetime
import json
import logging
import socket
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from conferences.models import Conference
from experts.tests.factories import CouncilFactory, ExpertFactory
from partners.models import ApiKey, Scope
from partners.services import api_key_create, api_key_revoke

from .conftest import ALL_SCOPES, scheduled_conference

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "conferences" / "demo"


@pytest.fixture
def world():
    conference = scheduled_conference()
    expert = ExpertFactory(is_public=True)
    council = CouncilFactory()
    return {"conference": conference, "expert": expert, "council": council}


# (method, path template, scope needed)
ENDPOINTS = [
    ("get", "/api/v1/conferences/", Scope.CONFERENCES_READ),
    ("get", "/api/v1/conferences/{conference}/", Scope.CONFERENCES_READ),
    ("get", "/api/v1/councils/", Scope.CONFERENCES_READ),
    ("get", "/api/v1/councils/{council}/", Scope.CONFERENCES_READ),
    ("get", "/api/v1/stats/", Scope.CONFERENCES_READ),
    ("get", "/api/v1/experts/", Scope.EXPERTS_READ),
    ("get", "/api/v1/experts/{expert}/", Scope.EXPERTS_READ),
    ("get", "/api/v1/press-releases/", Scope.RELEASES_READ),
    ("get", "/api/v1/conferences/{conference}/registrations/", Scope.REGISTRATIONS_WRITE),
    ("post", "/api/v1/conferences/{conference}/registrations/", Scope.REGISTRATIONS_WRITE),
]


def _call(client, method, template, world):
    path = template.format(**{k: v.pk for k, v in world.items()})
    if method == "post":
        return client.post(path, [{"name": "A", "email": "a@edu.uz"}], format="json")
    return client.get(path)


@pytest.mark.parametrize("method, template, scope", ENDPOINTS)
def test_each_endpoint_needs_its_scope(make_client, partner, world, method, template, scope):
    allowed = make_client(organization=partner, scopes=[scope])
    assert _call(allowed, method, template, world).status_code == 200

    others = [s for s in ALL_SCOPES if s != scope]
    refused = _call(make_client(organization=partner, scopes=others), method, template, world)
    assert refused.status_code == 403
    assert refused.json() == {
        "error": {
            "code": "permission_denied",
            "message": f"This API key lacks the scope {scope}.",
            "fields": {},
        }
    }


@pytest.mark.parametrize("method, template, scope", ENDPOINTS)
def test_each_endpoint_refuses_anonymous_callers_with_401(world, method, template, scope):
    response = _call(APIClient(enforce_csrf_checks=True), method, template, world)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("method, template, scope", [e for e in ENDPOINTS if e[0] == "get"])
def test_staff_session_reads_and_other_users_do_not(staff_client, world, method, template, scope):
    assert _call(staff_client, method, template, world).status_code == 200
    clerk = User.objects.create_user("clerk", password="pw-clerk-1")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert _call(client, method, template, world).status_code == 403


def _key_client(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_revoked_and_expired_keys_are_refused(partner):
    key, raw = api_key_create(organization=partner, scopes=ALL_SCOPES, expires_days=30)
    assert _key_client(raw).get("/api/v1/conferences/").status_code == 200

    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    expired = _key_client(raw).get("/api/v1/conferences/")
    assert expired.status_code == 401
    assert expired.json()["error"] == {
        "code": "authentication_failed", "message": "This API key has expired.", "fields": {},
    }  # fmt: skip

    key, raw = api_key_create(organization=partner, scopes=ALL_SCOPES)
    api_key_revoke(key=key)
    revoked = _key_client(raw).get("/api/v1/conferences/")
    assert revoked.status_code == 401
    assert revoked.json()["error"]["message"] == "This API key has been revoked."


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ely_0000_unknown", "Bearer two parts", "Bearer \u00e9t\u00e9"],
)
def test_malformed_or_unknown_keys_answer_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/conferences/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] in ("authentication_failed", "not_authenticated")


def test_use_is_recorded_at_most_every_few_minutes(partner, django_assert_num_queries):
    key, raw = api_key_create(organization=partner, scopes=ALL_SCOPES)
    client = _key_client(raw)
    client.get("/api/v1/stats/")
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    client.get("/api/v1/stats/")
    key.refresh_from_db()
    assert key.last_used_at == first


def test_throttle_answers_429_with_retry_after_per_key(settings, make_client, partner):
    settings.PARTNER_API_THROTTLE_RATE = "3/minute"
    client = make_client(organization=partner)
    for _n in range(3):
        assert client.get("/api/v1/stats/").status_code == 200
    limited = client.get("/api/v1/stats/")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["error"]["code"] == "throttled"
    # Another key of the same partner has its own budget.
    assert make_client(organization=partner).get("/api/v1/stats/").status_code == 200


def _demo_document():
    path = sorted(DEMO.glob("*.json"))[0]
    return json.loads(path.read_text(encoding="utf-8"))


def _csrf(client):
    client.get("/admin/")
    return client.cookies["csrftoken"].value


def test_staff_imports_a_conference_with_csrf(staff_client):
    document = _demo_document()
    without_token = staff_client.post("/api/v1/conferences/import/", document, format="json")
    assert without_token.status_code == 403
    assert Conference.objects.count() == 0

    token = _csrf(staff_client)
    created = staff_client.post(
        "/api/v1/conferences/import/", document, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert created.status_code == 201
    conference = Conference.objects.get()
    assert created.json() == {
        "outcome": "created", "id": conference.pk, "external_id": document["external_id"],
        "notes": [],
    }  # fmt: skip
    again = staff_client.post(
        "/api/v1/conferences/import/", document, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert (again.status_code, again.json()["outcome"]) == (200, "unchanged")


def test_import_refusal_lists_each_broken_rule(staff_client):
    document = _demo_document()
    document["presentations"][0]["presenter"]["country"] = "UKK"
    del document["title"]
    response = staff_client.post(
        "/api/v1/conferences/import/", document, format="json",
        HTTP_X_CSRFTOKEN=_csrf(staff_client),
    )  # fmt: skip
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "The document is refused; nothing was stored."
    assert error["fields"] == {
        "presentations[0].presenter.country": ["'UKK' is not an ISO 3166-1 code"],
        "title": ["is required"],
    }
    assert Conference.objects.count() == 0


@pytest.mark.parametrize("body", [[], "text", 5])
def test_import_of_a_non_document_answers_400(staff_client, body):
    response = staff_client.post(
        "/api/v1/conferences/import/", body, format="json", HTTP_X_CSRFTOKEN=_csrf(staff_client)
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"document": ["must be a JSON object"]}


def test_import_is_for_staff_with_the_permission_only(make_client, partner, staff_user):
    key_client = make_client(organization=partner)
    assert key_client.post("/api/v1/conferences/import/", {}, format="json").status_code == 403
    assert APIClient().post("/api/v1/conferences/import/", {}, format="json").status_code == 401
    staff_user.user_permissions.clear()
    client = APIClient()
    client.force_login(User.objects.get(pk=staff_user.pk))
    refused = client.post("/api/v1/conferences/import/", {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == (
        "Your account lacks the permission to import conferences."
    )


def test_throttle_counts_in_redis_when_configured(settings, make_client, partner):
    import os

    import redis

    settings.REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    prefix = f"api-throttle-test-{os.getpid()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": prefix,
        }
    }
    settings.PARTNER_API_THROTTLE_RATE = "2/hour"
    server = redis.Redis.from_url(settings.REDIS_URL)
    client = make_client(organization=partner)
    try:
        assert [client.get("/api/v1/stats/").status_code for _n in range(3)] == [200, 200, 429]
        [key] = server.keys(f"{prefix}:*")
        assert int(server.get(key)) == 3
        assert 3000 < server.ttl(key) <= 3601
    finally:
        for key in server.keys(f"{prefix}:*"):
            server.delete(key)


@pytest.fixture
def closed_port():
    """A localhost port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("counter", ["redis", "django cache"])
def test_throttle_lets_requests_through_while_redis_is_down(
    settings, make_client, partner, closed_port, caplog, counter
):
    url = f"redis://127.0.0.1:{closed_port}/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    # With REDIS_URL the throttle counts on Redis itself; without it, through the Django cache.
    settings.REDIS_URL = url if counter == "redis" else ""
    settings.PARTNER_API_THROTTLE_RATE = "1/minute"
    client = make_client(organization=partner)

    with caplog.at_level(logging.WARNING, logger="partners.throttling"):
        statuses = [client.get("/api/v1/stats/").status_code for _n in range(2)]

    assert statuses == [200, 200]
    key = f"throttle_partner_key-{ApiKey.objects.get().pk}"
    refused = f"Error 111 connecting to 127.0.0.1:{closed_port}. Connection refused."
    assert [r.getMessage() for r in caplog.records if r.name == "partners.throttling"] == [
        f"partner API throttle: the counter is unreachable, {key} let through ({refused})"
    ] * 2
