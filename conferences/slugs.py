"""The public page's address of a conference: its date and topic in Latin letters."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils.text import slugify

from transliteration import to_latin

SLUG_BASE_MAX = 180  # room for a "-NN" suffix within the field's 200
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")


def slug_base(*, title: str, starts_at: datetime.datetime) -> str:
    """`2026-12-03-oliy-talim-islohoti`: the Tashkent date, then the topic in Latin script,
    ASCII only (slugify drops what has no ASCII form), at most SLUG_BASE_MAX characters."""
    day = starts_at.astimezone(TASHKENT).date() if starts_at.tzinfo else starts_at.date()
    base = slugify(f"{day:%Y-%m-%d} {to_latin(title or '')}")[:SLUG_BASE_MAX].strip("-")
    return base or "conference"


def slug_unique(base: str, taken) -> str:
    """`base`, or `base-2`, `base-3`... the first one `taken(slug)` says is free."""
    slug, n = base, 2
    while taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug
