import pytest
from django.contrib.auth.models import Group
from django.test import Client

from dashboard import roles

ROLE_NAMES = [roles.ADMINISTRATOR, roles.SECRETARY, roles.PRESS, roles.VIEWER]


@pytest.fixture
def client():
    # The interface's default language is Uzbek Cyrillic; these tests read English, as a
    # browser asking for it would. test_locale.py checks the other languages.
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def make_user(django_user_model):
    def make(role: str | None, username: str | None = None):
        user = django_user_model.objects.create_user(
            username or (role or "nobody").replace(" ", "_"), password="Correct-horse-9"
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def as_role(client, make_user):
    """A test client logged in with the given role (None: a user in no group)."""

    def login(role: str | None):
        client.force_login(make_user(role))
        return client

    return login


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The login limiter counts in the cache; each test starts from zero.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
