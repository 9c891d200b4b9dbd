"""The Zoom client against the fake server: OAuth, token cache, retries, what is recorded."""

import logging

import pytest

from integrations.models import ZoomApiCall
from integrations.zoom import ZoomClient, ZoomError, ZoomNotConfigured

pytestmark = pytest.mark.django_db


def test_token_is_fetched_once_and_cached(fake_zoom):
    client = ZoomClient()
    client.request("POST", "/users/me/meetings", json={"topic": "A"})
    ZoomClient().request("POST", "/users/me/meetings", json={"topic": "B"})

    token_calls = fake_zoom.calls_to("POST", "/oauth/token")
    assert len(token_calls) == 1
    assert token_calls[0].body == {"grant_type": "account_credentials", "account_id": "acc-test"}
    assert token_calls[0].headers["Authorization"].startswith("Basic ")
    assert len(fake_zoom.calls_to("POST", "/v2/users/me/meetings")) == 2


def test_expired_token_is_replaced_once(fake_zoom):
    ZoomClient().request("POST", "/users/me/meetings", json={"topic": "A"})
    fake_zoom.expire_tokens()

    ZoomClient().request("POST", "/users/me/meetings", json={"topic": "B"})

    assert len(fake_zoom.calls_to("POST", "/oauth/token")) == 2
    assert [c.status_code for c in ZoomApiCall.objects.order_by("pk")] == [200, 201, 401, 200, 201]


def test_429_is_retried_after_the_time_zoom_asks(fake_zoom):
    fake_zoom.fail_next("/v2/users/me/meetings", 429, retry_after=1)

    body = ZoomClient().request("POST", "/users/me/meetings", json={"topic": "A"})

    assert body["topic"] == "A"
    calls = list(ZoomApiCall.objects.filter(path="/users/me/meetings").order_by("pk"))
    assert [(c.status_code, c.outcome) for c in calls] == [(429, "retried"), (201, "ok")]
    assert calls[0].error == "HTTP 429: Too many requests. (code 429) (retrying in 1.0 s)"


def test_5xx_retries_are_bounded_and_recorded(fake_zoom):
    fake_zoom.fail_next("/v2/meetings/1", 503, count=10)

    with pytest.raises(ZoomError) as raised:
        ZoomClient().request("PATCH", "/meetings/1", json={"topic": "A"})

    assert raised.value.transient is True
    assert raised.value.status_code == 503
    assert len(fake_zoom.calls_to("PATCH", "/v2/meetings/1")) == 3
    outcomes = list(
        ZoomApiCall.objects.filter(path="/meetings/1")
        .order_by("pk")
        .values_list("outcome", flat=True)
    )
    assert outcomes == ["retried", "retried", "failed"]


def test_a_client_error_is_not_retried(fake_zoom):
    with pytest.raises(ZoomError) as raised:
        ZoomClient().request("PATCH", "/meetings/404404", json={"topic": "A"})

    assert raised.value.status_code == 404
    assert raised.value.transient is False
    assert str(raised.value) == "HTTP 404: Meeting does not exist: 404404. (code 3001)"
    assert len(fake_zoom.calls_to("PATCH", "/v2/meetings/404404")) == 1


def test_wrong_secret_fails_clearly(fake_zoom, settings):
    settings.ZOOM_CLIENT_SECRET = "not-the-secret"

    with pytest.raises(ZoomError) as raised:
        ZoomClient().request("GET", "/meetings/1")

    assert raised.value.status_code == 401
    assert "not-the-secret" not in str(raised.value)
    assert fake_zoom.api_calls() == []


def test_pagination_follows_next_page_token(fake_zoom):
    rows = [{"name": f"P{i}", "user_email": "", "duration": 60} for i in range(7)]
    fake_zoom.set_participants("meeting", 42, rows)

    items = ZoomClient().paginate(
        "/report/meetings/42/participants", key="participants", page_size=3
    )

    assert [r["name"] for r in items] == [f"P{i}" for i in range(7)]
    pages = fake_zoom.calls_to("GET", "/v2/report/meetings/42/participants")
    assert [c.query.get("next_page_token") for c in pages] == [None, "3", "6"]
    assert {c.query["page_size"] for c in pages} == {"3"}


def test_without_credentials_there_is_no_client(no_zoom):
    with pytest.raises(ZoomNotConfigured):
        ZoomClient()


def test_tokens_and_secrets_are_never_logged_or_recorded(fake_zoom, caplog):
    caplog.set_level(logging.DEBUG)
    fake_zoom.fail_next("/v2/users/me/meetings", 500)
    client = ZoomClient()
    client.request("POST", "/users/me/meetings", json={"topic": "A"})
    fake_zoom.expire_tokens()
    client.request("POST", "/users/me/meetings", json={"topic": "B"})

    issued = [c.headers["Authorization"][len("Bearer ") :] for c in fake_zoom.api_calls()]
    secrets = {*issued, fake_zoom.state.client_secret}
    assert len(secrets) == 3  # two tokens and the secret
    recorded = " ".join(f"{c.method} {c.path} {c.error}" for c in ZoomApiCall.objects.all())
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in recorded
