import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from conferences.tests.html_form import form_data
from partners.models import ApiKey
from partners.services import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db


def test_key_is_random_stored_hashed_with_visible_prefix(partner):
    key, raw = api_key_create(
        organization=partner, scopes=["releases:read", "conferences:read"], name="sync job"
    )
    assert re.fullmatch(r"ely_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", raw)
    assert raw.startswith(key.prefix + "_")
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in [str(v) for v in ApiKey.objects.filter(pk=key.pk).values().get().values()]
    assert key.scopes == ["conferences:read", "releases:read"]
    assert key.expires_at is None
    _other, raw2 = api_key_create(organization=partner, scopes=["releases:read"])
    assert raw2 != raw


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"scopes": ["conferences:write"]}, "scopes"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["experts:read"], "expires_days": 0}, "expires_days"),
        ({"scopes": ["experts:read"], "name": "sync\x0bjob"}, "name"),
    ],
)
def test_key_refused_on_bad_input_naming_the_field(partner, kwargs, field):
    with pytest.raises(ValidationError) as info:
        api_key_create(organization=partner, **kwargs)
    assert list(info.value.message_dict) == [field]
    assert ApiKey.objects.count() == 0


def test_the_name_is_stored_without_control_characters(partner):
    key, _raw = api_key_create(
        organization=partner, scopes=["experts:read"], name=" sync\x01 job\x7f"
    )
    assert ApiKey.objects.get(pk=key.pk).name == "sync job"


def test_revoke_keeps_the_first_moment(partner):
    key, _raw = api_key_create(organization=partner, scopes=["experts:read"])
    api_key_revoke(key=key)
    first = ApiKey.objects.get().revoked_at
    api_key_revoke(key=ApiKey.objects.get())
    assert ApiKey.objects.get().revoked_at == first


def test_command_prints_the_key_as_the_last_line(partner, capsys):
    call_command(
        "create_api_key",
        "--organization", "  ministry of higher   EDUCATION ",
        "--scopes", "conferences:read,registrations:write",
        "--expires-days", "90",
    )  # fmt: skip
    lines = capsys.readouterr().out.strip().splitlines()
    raw = lines[-1]
    key = ApiKey.objects.get()
    assert key.organization == partner
    assert key.scopes == ["conferences:read", "registrations:write"]
    assert key.expires_at is not None
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/conferences/").status_code == 200
    assert client.get("/api/v1/experts/").status_code == 403


@pytest.mark.parametrize(
    "args, message",
    [
        (["--organization", "Nobody", "--scopes", "experts:read"],
         "--organization: no organisation named 'Nobody'"),
        (["--organization", "Ministry of Higher Education", "--scopes", "experts:write"],
         "--scopes: Unknown scope experts:write; choose from conferences:read, experts:read, "
         "releases:read, registrations:write, recommendations:read, recommendations:write, "
         "reviews:write."),
        (["--organization", "Ministry of Higher Education", "--scopes", "experts:read",
          "--expires-days", "0"], "--expires-days: Give a number of days of at least 1."),
        (["--organization", "Ministry of Higher Education", "--scopes", "experts:read",
          "--expires-days", "3000000"], "--expires-days: Give a number of days of at most 36500."),
        (["--organization", "Ministry of Higher Education", "--scopes", "experts:read",
          "--name", "ERP\nsync"],
         "--name: Must be one line: remove the line break (it came with the paste)."),
    ],
)  # fmt: skip
def test_command_refuses_bad_input_and_creates_nothing(partner, args, message):
    with pytest.raises(CommandError) as info:
        call_command("create_api_key", *args)
    assert str(info.value) == message
    assert ApiKey.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"name": "erp\nsync"},
         {"name": ["Must be one line: remove the line break (it came with the paste)."]}),
        ({"expires_days": "3000000"},
         {"expires_days": ["Give a number of days of at most 36500."]}),
    ],
)  # fmt: skip
def test_admin_refuses_a_bad_key_on_the_form(admin_client, partner, fields, errors):
    data = {"organization": partner.pk, "name": "erp", "scope_choices": ["experts:read"],
            "expires_days": "30", **fields}  # fmt: skip
    response = admin_client.post("/admin/partners/apikey/add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == errors
    assert ApiKey.objects.count() == 0


def test_admin_shows_a_saved_key_read_only(admin_client, partner):
    key, _raw = api_key_create(organization=partner, scopes=["experts:read"], name="erp")
    url = f"/admin/partners/apikey/{key.pk}/change/"
    data = form_data(admin_client.get(url).content.decode(), "apikey_form")
    data.update({"name": "erp sync", "expires_at_0": "1990-01-01", "expires_at_1": "00:00"})
    assert admin_client.post(url, data).status_code == 302
    key.refresh_from_db()
    assert (key.name, key.expires_at) == ("erp", None)


def test_admin_creates_a_key_shown_once_and_revokes(admin_client, partner):
    response = admin_client.post(
        "/admin/partners/apikey/add/",
        {"organization": partner.pk, "name": "erp", "scope_choices": ["experts:read"],
         "expires_days": "30"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    key = ApiKey.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    [raw] = [m.rsplit(" ", 1)[-1] for m in shown if "shown only now" in m]
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.scopes == ["experts:read"]
    assert admin_client.get(f"/admin/partners/apikey/{key.pk}/change/").status_code == 200
    assert raw not in admin_client.get(f"/admin/partners/apikey/{key.pk}/change/").content.decode()

    admin_client.post("/admin/partners/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None
