"""Writes to the exception dictionary, the one door for DictionaryEntry.

Every write cleans its text (elyurt.text), is recorded in the activity log, puts the merged
dictionary in use in this process at once and bumps the shared version now and after commit, so
every other process reads the entries again within dictionary.CHECK_SECONDS (see
transliteration.dictionary). The Latin of press releases that follows the Cyrillic (not edited by
hand) is derived again at once (pressroom.services.press_release_latin_follow), after the press
service saw what changes (transliteration.selectors.dictionary_preview).
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_record
from elyurt.text import texts_clean

from . import dictionary
from .dictionary import APOSTROPHES, Entry
from .models import DictionaryEntry

PERM_ADD = "transliteration.add_dictionaryentry"
PERM_CHANGE = "transliteration.change_dictionaryentry"
PERM_DELETE = "transliteration.delete_dictionaryentry"

_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_LATIN_SPELLING = re.compile(rf"[A-Za-z{APOSTROPHES}]+(?:-[A-Za-z{APOSTROPHES}]+)*")
_APOSTROPHE = re.compile(rf"(?P<okina>(?<=[oOgG])[{APOSTROPHES}])|[{APOSTROPHES}]")


def _check_permission(by, permission: str) -> None:
    if by is None:
        return  # the system itself (a data migration, a command)
    if not getattr(by, "is_authenticated", False) or not by.has_perm(permission):
        raise PermissionDenied(_("You are not allowed to change the dictionary."))


def dictionary_spelling_clean(*, cyrillic, latin, whole_word=False, note="") -> dict:
    """The fields of an entry as stored, or ValidationError naming each refused field.

    ``cyrillic``: one word of Cyrillic letters, stored in lowercase; or one Latin word (a brand
    to keep Latin in Cyrillic text, ZOOM), then ``latin`` must be the same word. ``latin``:
    Latin letters, apostrophes and inner hyphens (kecha-yu); the apostrophe after o and g is
    stored as ʻ (U+02BB), any other as ʼ (U+02BC), whichever look-alike was typed.
    """
    values = texts_clean(
        {"cyrillic": cyrillic, "latin": latin, "note": note},
        single_line=("cyrillic", "latin", "note"),
    )
    cyrillic, latin = values["cyrillic"], values["latin"]
    errors: dict[str, list[str]] = {}
    if _CYRILLIC_WORD.fullmatch(cyrillic):
        cyrillic = cyrillic.lower()
    elif _LATIN_WORD.fullmatch(cyrillic):
        if latin != cyrillic:
            errors.setdefault("latin", []).append(
                _("A Latin word kept Latin is written the same on both sides.")
            )
    else:
        errors.setdefault("cyrillic", []).append(
            _("One word of Cyrillic letters, without spaces, hyphens or digits.")
        )
    if not _LATIN_SPELLING.fullmatch(latin):
        errors.setdefault("latin", []).append(
            _("Latin letters and apostrophes only (one word, or two joined by a hyphen).")
        )
    else:
        latin = _APOSTROPHE.sub(lambda m: "\u02bb" if m.group("okina") else "\u02bc", latin)
    if errors:
        raise ValidationError(errors)
    return {
        "cyrillic": cyrillic,
        "latin": latin,
        "whole_word": bool(whole_word),
        "note": values["note"],
    }


def _check_unique(cyrillic: str, *, exclude_pk=None) -> None:
    taken = DictionaryEntry.objects.filter(cyrillic__iexact=cyrillic).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {"cyrillic": [_("The dictionary already has %(word)s.") % {"word": cyrillic}]}
        )


def stored_entries() -> list[Entry]:
    """The press service's entries as the dictionary takes them, on this transaction."""
    rows = DictionaryEntry.objects.order_by("pk").values_list("cyrillic", "latin", "whole_word")
    return [Entry(c, latin, w) for c, latin, w in rows]


def _publish(*, by, words) -> None:
    """Use the new entries here at once, tell the other processes, follow the releases that
    hold `words` (the entry's Cyrillic before and after the change)."""
    from pressroom.services import press_release_latin_follow

    # In use here at once; with no version, so that a rolled-back write is forgotten at the
    # next check (the entries are then read again as committed).
    dictionary.install(stored_entries(), version=None)
    press_release_latin_follow(by=by, words=words)

    def after_commit() -> None:
        from elyurt import api_cache
        from pressroom import public_cache

        version = dictionary.bump()
        dictionary.install(stored_entries(), version=version)
        # Pages and API answers derive Latin (or Cyrillic) when rendered: stale ones go.
        public_cache.invalidate()
        api_cache.bump(*api_cache.RESOURCES)

    transaction.on_commit(after_commit)


@transaction.atomic
def dictionary_entry_add(
    *, cyrillic: str, latin: str, whole_word: bool = False, note: str = "", by
) -> DictionaryEntry:
    """Add a spelling. ValidationError names a refused field (see dictionary_spelling_clean) or
    a word the dictionary already has; PermissionDenied without add_dictionaryentry."""
    _check_permission(by, PERM_ADD)
    values = dictionary_spelling_clean(
        cyrillic=cyrillic, latin=latin, whole_word=whole_word, note=note
    )
    _check_unique(values["cyrillic"])
    entry = DictionaryEntry(created_by=by if getattr(by, "is_authenticated", False) else None)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    activity_record(
        action=Action.DICTIONARY_ADDED,
        target=entry,
        by=by,
        data={"cyrillic": entry.cyrillic, "latin": entry.latin},
    )
    _publish(by=by, words=[entry.cyrillic])
    return entry


@transaction.atomic
def dictionary_entry_update(
    *, entry: DictionaryEntry, cyrillic: str, latin: str, whole_word: bool, note: str = "", by
) -> DictionaryEntry:
    """Change a spelling; a call that changes nothing records nothing. Errors as for add."""
    _check_permission(by, PERM_CHANGE)
    values = dictionary_spelling_clean(
        cyrillic=cyrillic, latin=latin, whole_word=whole_word, note=note
    )
    entry = DictionaryEntry.objects.select_for_update().get(pk=entry.pk)
    before = entry.cyrillic
    _check_unique(values["cyrillic"], exclude_pk=entry.pk)
    changed = sorted(name for name, value in values.items() if getattr(entry, name) != value)
    if not changed:
        return entry
    for name in changed:
        setattr(entry, name, values[name])
    entry.full_clean()
    entry.save()
    activity_record(
        action=Action.DICTIONARY_CHANGED,
        target=entry,
        by=by,
        data={"changed": changed, "cyrillic": entry.cyrillic, "latin": entry.latin},
    )
    if changed != ["note"]:
        _publish(by=by, words=[before, entry.cyrillic])
    return entry


@transaction.atomic
def dictionary_entry_delete(*, entry: DictionaryEntry, by) -> None:
    """Remove a spelling; the shipped entry for the same word, if any, applies again."""
    _check_permission(by, PERM_DELETE)
    entry = DictionaryEntry.objects.select_for_update().get(pk=entry.pk)
    activity_record(
        action=Action.DICTIONARY_DELETED,
        target=entry,
        by=by,
        data={"cyrillic": entry.cyrillic, "latin": entry.latin},
    )
    words = [entry.cyrillic]
    entry.delete()
    _publish(by=by, words=words)
