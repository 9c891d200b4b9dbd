"""SQLite, the demo's embedded database, folds letters as PostgreSQL does.

SQLite's LIKE, lower() and upper() fold ASCII letters only, so on the demo a search for
"тошкент" missed "Тошкент" (`icontains` is LIKE there), `iexact` missed "Ёқубов" typed in lower
case and `Lower("email")` left non-ASCII letters as they were, while PostgreSQL finds them all.
Every new SQLite connection gets Unicode-aware versions of the three (SQLite lets an application
override them; the LIKE operator then calls the override). One difference stays: `contains` is
LIKE on SQLite too, so it ignores case there, as Django documents.
"""

import functools
import re

from django.db.backends.signals import connection_created


@functools.lru_cache(maxsize=256)
def _like_pattern(pattern: str, escape: str | None) -> re.Pattern:
    parts = []
    chars = iter(pattern)
    for char in chars:
        if escape is not None and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL | re.IGNORECASE)


def _like(pattern: str | None, value: str | None, escape: str | None = None) -> bool | None:
    """`value LIKE pattern [ESCAPE escape]`, case-insensitive for every alphabet; NULL in, NULL
    out."""
    if pattern is None or value is None:
        return None
    return _like_pattern(str(pattern), escape).fullmatch(str(value)) is not None


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def _fold_letters(sender, connection, **kwargs) -> None:
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    # Deterministic, so lower() may stay in the expression index of experts' unique emails.
    raw.create_function("like", 2, _like, deterministic=True)
    raw.create_function("like", 3, _like, deterministic=True)
    raw.create_function("lower", 1, _lower, deterministic=True)
    raw.create_function("upper", 1, _upper, deterministic=True)


def connect() -> None:
    connection_created.connect(_fold_letters, dispatch_uid="elyurt.sqlite.fold_letters")
