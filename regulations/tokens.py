"""Reviewers' personal links: the conference invitations' design (conferences/tokens.py).

A token is derived from a random per-reviewer salt and SECRET_KEY, never stored; the table
holds its SHA-256 and the comment page looks the reviewer up by it.
"""

from __future__ import annotations

import secrets

from django.utils import timezone
from django.utils.crypto import salted_hmac

from conferences.tokens import InvalidToken, token_hash

from .models import Draft, Reviewer

__all__ = ["InvalidToken", "new_token_fields", "reviewer_by_token", "reviewer_token"]


def _token_from_salt(salt: str) -> str:
    return salted_hmac("regulations.reviewer.comment", salt, algorithm="sha256").hexdigest()


def new_token_fields() -> dict:
    """The salt and hash fields of a new reviewer (the token is derived, never stored)."""
    salt = secrets.token_hex(16)
    return {"token_salt": salt, "token_hash": token_hash(_token_from_salt(salt))}


def reviewer_token(*, reviewer: Reviewer) -> str:
    """The raw token for the mailed link (never stored)."""
    return _token_from_salt(reviewer.token_salt)


def reviewer_by_token(*, token: str) -> Reviewer:
    """The reviewer a live link belongs to: the draft is in review and its deadline has not
    passed. InvalidToken for anything else (unknown, tampered, closed)."""
    if not isinstance(token, str) or not 32 <= len(token) <= 128:
        raise InvalidToken
    try:
        reviewer = Reviewer.objects.select_related("draft", "expert").get(
            token_hash=token_hash(token)
        )
    except Reviewer.DoesNotExist:
        raise InvalidToken from None
    draft = reviewer.draft
    if draft.status != Draft.Status.IN_REVIEW or timezone.now() >= draft.deadline_at:
        raise InvalidToken
    return reviewer
