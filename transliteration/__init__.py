"""Uzbek in both scripts: ``to_latin`` and ``to_cyrillic``, pure functions of a string.

Import from here (``from transliteration import to_latin, to_cyrillic, in_script``); the
modules behind it may change. Both use the exception dictionary in effect
(``transliteration.dictionary.current()``: the shipped entries and the press service's), or the
one passed as ``dictionary=`` (``transliteration.dictionary.merged(entries)``, for a preview).
"""

from __future__ import annotations

from . import cyrillic as _cyrillic
from . import latin as _latin
from .dictionary import Dictionary, current

CYRILLIC, LATIN = "cyrl", "latn"


def to_latin(text: str, *, dictionary: Dictionary | None = None) -> str:
    """Uzbek ``text`` in the Latin script; anything that is not Cyrillic is copied as it is.

    Rules and their sources: ``transliteration.latin``. Latin input comes back unchanged.
    """
    return _latin.transliterate(text, dictionary or current())


def to_cyrillic(text: str, *, dictionary: Dictionary | None = None) -> str:
    """Uzbek Latin ``text`` in Cyrillic; anything that is not Latin is copied as it is.

    Not certain everywhere (s/ц, a dropped ь, ъ; see ``transliteration.cyrillic``): an editor
    corrects the other script by hand or adds a dictionary entry.
    """
    return _cyrillic.transliterate(text, dictionary or current())


def in_script(text: str, script: str) -> str:
    """``text`` written in ``script`` (``"cyrl"`` or ``"latn"``), from either script."""
    if script == LATIN:
        return to_latin(text)
    if script == CYRILLIC:
        return to_cyrillic(text)
    raise ValueError(f"unknown script {script!r}")


__all__ = ["CYRILLIC", "LATIN", "in_script", "to_cyrillic", "to_latin"]
