"""Usernames are one name whatever their case or width: `Admin`, `ADMIN` and `ａｄｍｉｎ` are the
user `admin`, at login (this backend) and at creation (the unique index on lower(username) in
dashboard/migrations/0002, which every door, the admin and createsuperuser included, runs into).

Django compares usernames exactly: two accounts `admin` and `Admin` could exist, and a login
limit counted per folded name (dashboard/login_limit.py) would not match what authenticates.
"""

from __future__ import annotations

import unicodedata

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def username_normal(username: str) -> str:
    """NFKC, as Django's forms normalise usernames, without surrounding spaces."""
    return unicodedata.normalize("NFKC", username).strip()


class CaseInsensitiveModelBackend(ModelBackend):
    """ModelBackend that finds the user by the NFKC form of the name, in any letter case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        model = get_user_model()
        if username is None:
            username = kwargs.get(model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        name = username_normal(username)
        users = list(model._default_manager.filter(**{f"{model.USERNAME_FIELD}__iexact": name})[:2])
        if len(users) != 1:
            # None, or two accounts from before the unique index: only the exact one.
            users = [u for u in users if u.get_username() == name]
        if len(users) != 1:
            model().set_password(password)  # the same time as a wrong password (Django #20760)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
