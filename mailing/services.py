"""Queueing letters: the one door into the general outbox (models.Letter).

Callers render the letter in its reader's language and script and call `letter_queue` inside
their own transaction; the sender is woken after the commit. The `key` makes queueing
idempotent: a retried request, a second beat scan or a re-run command records nothing twice.
"""

from __future__ import annotations

import base64
import datetime
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone

from elyurt.text import text_clean

from . import outbox
from .models import Letter

KEY_MAX = Letter._meta.get_field("key").max_length


def _letter(
    *,
    key: str,
    to_email: str,
    to_name: str = "",
    language: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    source: models.Model | None = None,
    not_before: datetime.datetime | None = None,
) -> Letter:
    """An unsaved Letter, checked. Raises ValueError for a caller's mistake (bad key, language,
    address or header), which is a bug in the caller, not a reader's input."""
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"key: 1 to {KEY_MAX} characters, got {len(key)}")
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"language: {language!r} is not in settings.LANGUAGES")
    try:
        validate_email(to_email)
    except ValidationError as exc:
        raise ValueError(f"to_email: {to_email!r} is not an address") from exc
    for name, value in (headers or {}).items():
        if any(ch in f"{name}{value}" for ch in "\r\n"):
            raise ValueError(f"headers: a line break in {name!r}")
    source_type = ContentType.objects.get_for_model(source) if source is not None else None
    return Letter(
        key=key,
        kind=key.split(":", 1)[0][:40],
        to_email=to_email,
        to_name=text_clean(to_name, field="to_name", fold_lines=True),
        language=language,
        # The subject is one header line; the body keeps its lines.
        subject=text_clean(subject, field="subject", fold_lines=True),
        text=text_clean(text, multiline=True, field="text"),
        html=html,
        headers=dict(headers or {}),
        attachments=[
            {
                "filename": filename,
                "mimetype": mimetype,
                "content": base64.b64encode(content).decode("ascii"),
            }
            for filename, content, mimetype in attachments
        ],
        source_type=source_type,
        source_id=source.pk if source is not None else None,
        next_attempt_at=not_before if not_before and not_before > timezone.now() else None,
    )


def letter_queue(**fields) -> int | None:
    """Record one letter, pending, unless a letter with its `key` exists; wake the sender after
    the commit. Keyword arguments: see `_letter`. Returns the new id, or None for a repeat."""
    ids = letters_queue([fields])
    return ids[0] if ids else None


def letters_queue(letters: Iterable[dict]) -> list[int]:
    """Record many letters at once (a digest to thousands): one INSERT per 1,000, repeats of a
    recorded key dropped. Returns the ids of the letters new in this call, in key order."""
    rows = [_letter(**fields) for fields in letters]
    if not rows:
        return []
    keys = [row.key for row in rows]
    existing = set(Letter.objects.filter(key__in=keys).values_list("key", flat=True))
    Letter.objects.bulk_create(
        [row for row in rows if row.key not in existing], ignore_conflicts=True, batch_size=1000
    )
    fresh = sorted(set(keys) - existing)
    created = list(
        Letter.objects.filter(key__in=fresh, state=Letter.State.PENDING)
        .order_by("key")
        .values_list("pk", "next_attempt_at")
    )
    # Scheduled letters are woken by the sweeper once their time has come.
    outbox.letters_wake(letter_ids=[pk for pk, later in created if later is None])
    return [pk for pk, _later in created]


def letters_skip(*, keys: Iterable[str]) -> int:
    """Letters not yet sent that are no longer wanted (the expert commented before the
    reminder went) are skipped. Returns how many."""
    return outbox.letters_skip_rows(rows=Letter.objects.filter(key__in=list(keys)))


def letters_retry_failed(*, letters: models.QuerySet) -> list[int]:
    """Staff resend what failed (the address was fixed, the relay is back)."""
    return outbox.letters_retry_failed_rows(rows=letters)
