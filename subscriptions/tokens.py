"""The subscriptions' personal links. Confirmation: random, only the SHA-256 stored.
Unsubscribe: derived from a random salt and SECRET_KEY, so every mail can carry it without it
being stored; only its SHA-256 is kept for the lookup."""

from __future__ import annotations

import hashlib
import secrets

from django.utils.crypto import salted_hmac

TOKEN_MIN, TOKEN_MAX = 32, 128


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def confirm_token_new() -> tuple[str, str]:
    """(token for the mail, hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def unsubscribe_token(salt: str) -> str:
    return salted_hmac("subscriptions.unsubscribe", salt, algorithm="sha256").hexdigest()


def unsubscribe_fields_new() -> dict:
    salt = secrets.token_hex(16)
    return {"unsubscribe_salt": salt, "unsubscribe_hash": token_hash(unsubscribe_token(salt))}


def token_shape_ok(token) -> bool:
    return isinstance(token, str) and TOKEN_MIN <= len(token) <= TOKEN_MAX
