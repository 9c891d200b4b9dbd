import re
import unicodedata

_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """The form names are matched on: Unicode NFC, whitespace folded, case folded."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip().casefold()


def clean_name(name: str) -> str:
    """The form names are stored in: NFC with whitespace folded, case kept."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()
