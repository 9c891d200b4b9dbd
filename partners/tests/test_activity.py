"""What the API key services write to the activity log."""

import datetime

import pytest
from django.utils import timezone

from activity.selectors import activity_for
from partners.services import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db


def _log(key):
    return [(e.action, e.data, e.actor, e.actor_label) for e in activity_for(target=key).reverse()]


def test_created_and_revoked_once_with_who(partner, django_user_model):
    admin = django_user_model.objects.create_user("admin")
    before = timezone.now()
    key, _raw = api_key_create(
        organization=partner,
        scopes=["releases:read", "conferences:read"],
        expires_days=30,
        by=admin,
    )
    api_key_revoke(key=key, by=admin)
    api_key_revoke(key=key, by=admin)
    entries = _log(key)
    expires = datetime.datetime.fromisoformat(entries[0][1].pop("expires_at"))
    assert before + datetime.timedelta(days=30) <= expires <= key.expires_at
    assert entries == [
        (
            "apikey.created",
            {
                "organization": "Ministry of Higher Education",
                "prefix": key.prefix,
                "scopes": ["conferences:read", "releases:read"],
            },
            admin,
            "admin",
        ),
        ("apikey.revoked", {"prefix": key.prefix}, admin, "admin"),
    ]


def test_a_key_from_the_command_line_is_logged_as_the_system(partner):
    key, _raw = api_key_create(organization=partner, scopes=["experts:read"])
    assert _log(key) == [
        (
            "apikey.created",
            {
                "organization": "Ministry of Higher Education",
                "prefix": key.prefix,
                "scopes": ["experts:read"],
                "expires_at": None,
            },
            None,
            "",
        )
    ]
