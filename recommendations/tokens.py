"""Answer links, as conferences.tokens: the token derives from a random per-link salt and
SECRET_KEY, so it is never stored; the table holds only its SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from django.utils.crypto import salted_hmac

from .models import AnswerLink, Recommendation


class InvalidToken(Exception):
    """The answer link is unknown or tampered with, or the recommendation was not sent."""


def _token_from_salt(salt: str) -> str:
    return salted_hmac("recommendations.answer", salt, algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token_fields() -> dict:
    """The salt and hash of a new link (its token is derived, never stored)."""
    salt = secrets.token_hex(16)  # 128 random bits; the HMAC adds SECRET_KEY on top
    return {"token_salt": salt, "token_hash": token_hash(_token_from_salt(salt))}


def answer_token(*, link: AnswerLink) -> str:
    """The raw token for the mailed link (never stored)."""
    return _token_from_salt(link.token_salt)


def answer_link_by_token(*, token: str) -> AnswerLink:
    """The live link a token belongs to; InvalidToken for anything else."""
    if not isinstance(token, str) or not 32 <= len(token) <= 128:
        raise InvalidToken
    link = (
        AnswerLink.objects.select_related(
            "contact", "recommendation__addressee", "recommendation__council"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or link.recommendation.status == Recommendation.Status.PROPOSED:
        raise InvalidToken
    return link
