"""Writes for partner API keys."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_iso, activity_record
from elyurt.text import text_clean
from experts.models import Organization

from .models import ApiKey, Scope

KEY_PREFIX = "ely_"
# last_used_at is written at most this often per key: a partner's sync job should not turn
# every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def api_key_hash(raw: str) -> str:
    # Keys carry 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_scopes_clean(scopes: list[str]) -> list[str]:
    """Scopes in their canonical order; ValidationError on `scopes` for an unknown or none."""
    cleaned = [s.strip() for s in scopes if s.strip()]
    unknown = sorted(set(cleaned) - set(Scope.values))
    if unknown:
        raise ValidationError(
            {
                "scopes": _("Unknown scope %(scopes)s; choose from %(known)s.")
                % {"scopes": ", ".join(unknown), "known": ", ".join(Scope.values)}
            }
        )
    if not cleaned:
        raise ValidationError({"scopes": _("Give at least one scope.")})
    return [s for s in Scope.values if s in cleaned]


# The longest a key may be made to last: a hundred years.
EXPIRES_DAYS_MAX = 36500


@transaction.atomic
def api_key_create(
    *,
    organization: Organization,
    scopes: list[str],
    name: str = "",
    expires_days: int | None = None,
    by=None,
) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the key in clear, which is never stored or shown again.

    The name is one line of text (elyurt.text): a line break is refused naming `name`.
    """
    name = text_clean(name, field="name")
    scopes = api_key_scopes_clean(scopes)
    if expires_days is not None and expires_days < 1:
        raise ValidationError({"expires_days": _("Give a number of days of at least 1.")})
    if expires_days is not None and expires_days > EXPIRES_DAYS_MAX:
        # Beyond it the expiry date would overflow (year 9999) long before it means anything.
        raise ValidationError(
            {
                "expires_days": _("Give a number of days of at most %(max)s.")
                % {"max": EXPIRES_DAYS_MAX}
            }
        )
    prefix = KEY_PREFIX + secrets.token_hex(4)
    raw = f"{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        organization=organization,
        name=name,
        prefix=prefix,
        key_hash=api_key_hash(raw),
        scopes=scopes,
        expires_at=(
            timezone.now() + datetime.timedelta(days=expires_days) if expires_days else None
        ),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    key.full_clean()
    key.save()
    activity_record(
        action=Action.APIKEY_CREATED,
        target=key,
        by=by,
        data={
            "organization": organization.name,
            "prefix": prefix,
            "scopes": scopes,
            "expires_at": activity_iso(key.expires_at),
        },
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, by=None) -> ApiKey:
    """Revoke a key at once; revoking twice keeps the first moment (and the first entry in
    the log)."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
            revoked_at=key.revoked_at
        )
        if revoked:
            activity_record(
                action=Action.APIKEY_REVOKED, target=key, by=by, data={"prefix": key.prefix}
            )
    return key


def api_key_mark_used(*, key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
