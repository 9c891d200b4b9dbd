"""Uzbek in both scripts: ``to_latin`` and ``to_cyrillic``, pure functions of a string.

Import from here (``from transliteration import to_latin, to_cyrillic, in_script``); the
modules behind it may change.
"""

from __future__ import annotations

from .cyrillic import to_cyrillic
from .latin import to_latin

CYRILLIC, LATIN = "cyrl", "latn"


def in_script(text: str, script: str) -> str:
    """``text`` written in ``script`` (``"cyrl"`` or ``"latn"``), from either script."""
    if script == LATIN:
        return to_latin(text)
    if script == CYRILLIC:
        return to_cyrillic(text)
    raise ValueError(f"unknown script {script!r}")


__all__ = ["CYRILLIC", "LATIN", "in_script", "to_cyrillic", "to_latin"]
