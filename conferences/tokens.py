"""Answer tokens: derived from a random per-invitation salt and SECRET_KEY, so never stored.

The table holds only the token's SHA-256; the worker rebuilds the link for every message it
sends, and the answer page looks the invitation up by the hash.
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Conference, Invitation


class InvalidToken(Exception):
    """The answer link is unknown, tampered with, cancelled or past the start."""


def _token_from_salt(salt: str) -> str:
    return salted_hmac("conferences.invitation.answer", salt, algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    """The hex SHA-256 the table holds for a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token_fields() -> dict:
    """The salt and hash fields of a new invitation (its token is derived, never stored)."""
    salt = secrets.token_hex(16)  # 128 random bits; the HMAC adds SECRET_KEY on top
    return {"token_salt": salt, "token_hash": token_hash(_token_from_salt(salt))}


def invitation_token(*, invitation: Invitation) -> str:
    """The raw answer token for the mailed link (never stored)."""
    return _token_from_salt(invitation.token_salt)


def invitation_by_token(*, token: str, external_id: str | None = None) -> Invitation:
    """The invitation a live answer link belongs to; InvalidToken for anything else."""
    if not isinstance(token, str) or not 32 <= len(token) <= 128:
        raise InvalidToken
    try:
        invitation = Invitation.objects.select_related("conference").get(
            token_hash=token_hash(token)
        )
    except Invitation.DoesNotExist:
        raise InvalidToken from None
    conference = invitation.conference
    if (
        (external_id is not None and conference.external_id != external_id)
        or invitation.cancelled_at is not None
        or conference.status != Conference.Status.SCHEDULED
        or timezone.now() >= conference.starts_at
    ):
        raise InvalidToken
    return invitation
