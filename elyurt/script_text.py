"""Text the portal writes itself, shown in the reader's script.

Uzbek is written in two scripts. A title, an agenda item, a position or the name of an
organisation or council is stored ONCE, in the script it was typed in (either one: nothing asks
which, `script_of` tells); the other script is derived when the text is shown
(``transliteration.in_script``). Where a person corrected the derived form, the correction is
stored beside the text in an override field and wins:

======================  =========================  =========================
stored text             Latin override             Cyrillic override
======================  =========================  =========================
Conference.title        title_latn                 title_cyrl
Presentation.title      title_latn                 title_cyrl
Expert.position         position_latn              position_cyrl
Organization.name       name_latin                 name_cyrl
Council.name            name_latin                 name_cyrl
Expert.full_name        full_name_latin            (names stay as typed)
======================  =========================  =========================

An empty override means "derive". Overrides are written by services only, cleaned with
`elyurt.text.text_clean` like the text they stand beside (conferences.services
.conference_scripts_set; the experts' admin saves).

Which script a reader gets (`reader_script`): Uzbek Latin and English readers read Latin; Uzbek
Cyrillic and Russian readers read Cyrillic. People's names follow another rule
(`person_name`): everybody but the Uzbek Cyrillic reader gets the stored Latin form (derived
from the Cyrillic where none is stored), since an English or Russian reader writes a compatriot's
name the way its owner does abroad. For a Cyrillic reader a name is shown as typed: a foreign
name typed in Latin (John Smith) must not come out as Жоҳн Смитҳ.

A Latin reader never sees a Cyrillic letter: Latin text goes through ``to_latin`` even when it
is mostly Latin already (it only rewrites runs of Cyrillic letters).
"""

from __future__ import annotations

import re

from transliteration import CYRILLIC, LATIN, in_script, to_latin

_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
# What only Uzbek Latin writes: oʻ and gʻ (with any of the apostrophes people type), the ʼ of
# taʼlim, and q not followed by u. Latin text without any of these is taken for a foreign name
# or English (Hult International Business School, Coursera) and kept as typed for a Cyrillic
# reader, as the press service's Cyrillic releases keep it.
_UZBEK_LATIN = re.compile("[OoGg][\u02bb\u02bc'\u2018\u2019`]|\u02bc|[Qq](?![Uu])")

# settings.LANGUAGES codes (lower case) read in Latin; every other one in Cyrillic.
LATIN_READERS = frozenset({"uz-latn", "en"})

# hreflang / BCP 47 tag of each script, for pages and documents.
SCRIPT_TAGS = {CYRILLIC: "uz-Cyrl", LATIN: "uz-Latn"}


def script_of(text: str) -> str | None:
    """``"cyrl"`` or ``"latn"``: the script most of `text`'s letters are in; None when it has
    no letter of either (digits, a URL-less punctuation run, empty). A tie counts as Cyrillic,
    the script the seed and most stored text are in."""
    cyrillic = len(_CYRILLIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if not cyrillic and not latin:
        return None
    return CYRILLIC if cyrillic >= latin else LATIN


def reader_script(language: str) -> str:
    """The script a reader of `language` (a settings.LANGUAGES code, any case) reads."""
    return LATIN if (language or "").lower() in LATIN_READERS else CYRILLIC


def looks_uzbek_latin(text: str) -> bool:
    """Whether Latin `text` shows a letter only Uzbek Latin writes (see _UZBEK_LATIN)."""
    return _UZBEK_LATIN.search(text) is not None


def shown(
    text: str, script: str, *, latn: str = "", cyrl: str = "", uzbek: bool | None = None
) -> str:
    """`text` as a reader of `script` sees it: the stored override of that script where a
    person wrote one, else `text` itself where it is in that script, else derived.

    Latin text is made Cyrillic only where it is Uzbek: `uzbek` True (the row says its text
    is Uzbek Latin, as a conference in uz-Latn does), or None and `looks_uzbek_latin`. Never a
    Cyrillic letter for ``"latn"`` (unless an override holds one on purpose)."""
    override = latn if script == LATIN else cyrl
    if override:
        return override
    if not text:
        return ""
    if script == LATIN:
        return to_latin(text)
    if script_of(text) == LATIN and (looks_uzbek_latin(text) if uzbek is None else uzbek):
        return in_script(text, CYRILLIC)
    return text


def shown_for(
    text: str, language: str, *, latn: str = "", cyrl: str = "", uzbek: bool | None = None
) -> str:
    """`shown` for a reader of `language`."""
    return shown(text, reader_script(language), latn=latn, cyrl=cyrl, uzbek=uzbek)


def both_scripts(
    text: str, *, latn: str = "", cyrl: str = "", uzbek: bool | None = None
) -> dict[str, str]:
    """{"cyrl": ..., "latn": ...}: the text in each script, for the API."""
    return {
        CYRILLIC: shown(text, CYRILLIC, latn=latn, cyrl=cyrl, uzbek=uzbek),
        LATIN: shown(text, LATIN, latn=latn, cyrl=cyrl, uzbek=uzbek),
    }


def uzbek_latin_row(language: str) -> bool | None:
    """`uzbek` for `shown` from a row's own language field: True for uz-Latn, else detect."""
    return True if (language or "").lower() == "uz-latn" else None


def person_name(full_name: str, full_name_latin: str, language: str) -> str:
    """A person's name for a reader of `language`: the stored Latin form (else the name
    transliterated) for everybody but an Uzbek Cyrillic reader, who gets it as typed."""
    if (language or "").lower() == "uz-cyrl":
        return full_name
    return full_name_latin or to_latin(full_name)


__all__ = [
    "CYRILLIC",
    "LATIN",
    "SCRIPT_TAGS",
    "both_scripts",
    "looks_uzbek_latin",
    "person_name",
    "reader_script",
    "script_of",
    "shown",
    "shown_for",
    "uzbek_latin_row",
]
