"""Partner API keys in the dashboard: list, create (the key shown once), revoke."""

import hashlib

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from dashboard import roles
from experts.tests.factories import OrganizationFactory
from partners.models import ApiKey
from partners.services import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    return OrganizationFactory(name="Ministry of Higher Education", kind="ministry")


@pytest.fixture
def admin(as_role):
    return as_role(roles.ADMINISTRATOR)


@pytest.fixture
def with_perms(client, make_user):
    """A client for a user in no group holding only the given partners permissions."""

    def login(*codenames):
        user = make_user(None, "keykeeper")
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="partners", codename__in=codenames)
        )
        client.force_login(user)
        return client

    return login


def _create(client, partner, **overrides):
    data = {
        "organization": partner.pk,
        "name": "ERP sync",
        "scopes": ["conferences:read", "releases:read"],
        "expires_days": "90",
    }
    data.update(overrides)
    return client.post(reverse("dashboard:api_key_create"), data)


def test_list_shows_each_keys_particulars(admin, partner):
    key, raw = api_key_create(organization=partner, scopes=["experts:read"], name="sync job")
    revoked, _raw = api_key_create(organization=partner, scopes=["experts:read"], name="old")
    api_key_revoke(key=revoked)
    response = admin.get(reverse("dashboard:api_key_list"))
    assert response.status_code == 200
    assert [k.name for k in response.context["api_keys"]] == ["old", "sync job"]
    page = response.content.decode()
    assert "Ministry of Higher Education" in page
    assert f"{key.prefix}…" in page
    assert raw not in page
    # A revoked key offers no second revocation.
    assert reverse("dashboard:api_key_revoke", args=[key.pk]) in page
    assert reverse("dashboard:api_key_revoke", args=[revoked.pk]) not in page


@pytest.mark.parametrize("count", [1, 3])
def test_list_queries_do_not_grow(admin, partner, django_assert_num_queries, count):
    for n in range(count):
        api_key_create(organization=partner, scopes=["experts:read"], name=f"key {n}")
    # Session, user, the user's and the groups' permissions (loaded once for every check on
    # the page), count, rows with their organisation and creator: 6 whatever the size.
    with django_assert_num_queries(6):
        response = admin.get(reverse("dashboard:api_key_list"))
    assert len(response.context["api_keys"]) == count


def test_created_key_is_shown_once_on_the_next_page(admin, partner):
    response = _create(admin, partner)
    key = ApiKey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:api_key_created", args=[key.pk])
    assert (key.name, key.organization, key.scopes) == (
        "ERP sync",
        partner,
        ["conferences:read", "releases:read"],
    )
    assert key.expires_at is not None
    assert key.created_by.get_username() == "administrator"

    shown = admin.get(response["Location"])
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    raw = shown.context["raw_key"]
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw in shown.content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/conferences/").status_code == 200

    again = admin.get(response["Location"])
    assert again.status_code == 200
    assert again.context["raw_key"] is None
    assert raw not in again.content.decode()
    assert raw not in admin.get(reverse("dashboard:api_key_list")).content.decode()


def test_another_session_never_sees_the_new_key(admin, partner, make_user):
    response = _create(admin, partner)
    other = Client(headers={"accept-language": "en"})
    other.force_login(make_user(roles.ADMINISTRATOR, "second_admin"))
    assert other.get(response["Location"]).context["raw_key"] is None
    assert admin.get(response["Location"]).context["raw_key"] is not None


def test_the_created_page_of_another_key_does_not_show_the_new_one(admin, partner):
    older, _raw = api_key_create(organization=partner, scopes=["experts:read"])
    response = _create(admin, partner)
    assert (
        admin.get(reverse("dashboard:api_key_created", args=[older.pk])).context["raw_key"] is None
    )
    # The new key's page still has it, once.
    assert admin.get(response["Location"]).context["raw_key"] is not None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"scopes": []}, "scopes"),
        ({"scopes": ["conferences:write"]}, "scopes"),
        ({"expires_days": "0"}, "expires_days"),
        ({"expires_days": "soon"}, "expires_days"),
        ({"expires_days": "3000000"}, "expires_days"),
        ({"name": "ERP\nsync"}, "name"),
        ({"organization": "999999"}, "organization"),
        ({"organization": ""}, "organization"),
        ({"name": "x" * 101}, "name"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(admin, partner, overrides, field):
    response = _create(admin, partner, **overrides)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert ApiKey.objects.count() == 0


def test_revoke_asks_then_refuses_the_key_at_once(admin, partner):
    key, raw = api_key_create(organization=partner, scopes=["conferences:read"])
    url = reverse("dashboard:api_key_revoke", args=[key.pk])
    assert admin.get(url).status_code == 200
    unconfirmed = admin.post(url, {})
    assert unconfirmed.status_code == 400
    assert list(unconfirmed.context["form"].errors) == ["confirm"]
    key.refresh_from_db()
    assert key.revoked_at is None

    response = admin.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:api_key_list")
    key.refresh_from_db()
    assert key.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    refused = api.get("/api/v1/conferences/")
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "This API key has been revoked."
    # Revoking again keeps the first moment.
    first = key.revoked_at
    admin.post(url, {"confirm": "on"})
    key.refresh_from_db()
    assert key.revoked_at == first


def test_unknown_key_answers_404(admin):
    assert admin.get(reverse("dashboard:api_key_revoke", args=[424242])).status_code == 404
    assert admin.get(reverse("dashboard:api_key_created", args=[424242])).status_code == 404


def test_each_page_needs_its_own_permission(with_perms, partner):
    key, _raw = api_key_create(organization=partner, scopes=["experts:read"])
    client = with_perms("view_apikey")
    assert client.get(reverse("dashboard:api_key_list")).status_code == 200
    assert client.get(reverse("dashboard:api_key_create")).status_code == 403
    assert _create(client, partner).status_code == 403
    assert (
        client.post(
            reverse("dashboard:api_key_revoke", args=[key.pk]), {"confirm": "on"}
        ).status_code
        == 403
    )
    assert ApiKey.objects.count() == 1
    key.refresh_from_db()
    assert key.revoked_at is None


def test_add_permission_creates_and_change_permission_revokes(with_perms, partner):
    client = with_perms("add_apikey", "change_apikey")
    assert _create(client, partner).status_code == 302
    key = ApiKey.objects.get()
    response = client.post(reverse("dashboard:api_key_revoke", args=[key.pk]), {"confirm": "on"})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


@pytest.mark.parametrize("role", [roles.SECRETARY, roles.PRESS, roles.VIEWER, None])
def test_other_roles_get_403_and_change_nothing(as_role, partner, role):
    key, _raw = api_key_create(organization=partner, scopes=["experts:read"])
    client = as_role(role)
    assert client.get(reverse("dashboard:api_key_list")).status_code == 403
    assert _create(client, partner).status_code == 403
    revoke = reverse("dashboard:api_key_revoke", args=[key.pk])
    assert client.post(revoke, {"confirm": "on"}).status_code == 403
    assert ApiKey.objects.count() == 1
    key.refresh_from_db()
    assert key.revoked_at is None


def test_nav_links_to_the_keys_only_for_those_who_may_read_them(as_role, make_user, client):
    page = as_role(roles.ADMINISTRATOR).get(reverse("dashboard:home")).content.decode()
    assert reverse("dashboard:api_key_list") in page
    client.force_login(make_user(roles.SECRETARY))
    page = client.get(reverse("dashboard:home")).content.decode()
    assert reverse("dashboard:api_key_list") not in page
