"""Text as people paste it, cleaned once, at the door: by the services that store it.

Word, Excel and browsers hand over characters that no renderer downstream wants: a vertical tab
for Word's Shift+Enter (XML 1.0, and so RSS, Atom and .docx, cannot carry it), a line break in a
title (a mail header cannot carry it), decomposed letters (``й`` as ``и`` + U+0306, which looks
the same and compares different). Every service that stores text passes it through
`text_clean` (or `texts_clean` for several fields), so the feeds, the .docx, mail headers, the
.ics and the API need no guard of their own.

The rules:

- Unicode NFC (the W3C's "Character Model for the World Wide Web": text is exchanged in NFC).
- Line breaks of every kind (CR LF, CR, VT, FF, NEL U+0085, U+2028, U+2029) become LF.
- Control characters of C0 and C1 other than TAB and LF are removed, and so are lone surrogates
  and the noncharacters U+FFFE and U+FFFF (XML 1.0 § 2.2 allows none of them).
- A single-line field (a title, a name, a position, an organisation, a subject) refuses a line
  break with a message naming the field; a file import may fold it into one space instead
  (``fold_lines=True``) and say so. Tabs in a single-line field become spaces, runs of spaces
  stay as typed; leading and trailing whitespace goes.
- A multi-line field keeps its line breaks and tabs; trailing whitespace at its ends goes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0 but TAB and LF (CR is a line break above), DEL, C1, lone surrogates, U+FFFE and U+FFFF.
_UNWANTED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def text_has_line_break(value: str) -> bool:
    """Whether `value` holds a line break of any kind (see the module's rules)."""
    return "\n" in value or bool(_LINE_BREAK.search(value))


def text_clean(
    value: str | None, *, field: str, multiline: bool = False, fold_lines: bool = False
) -> str:
    """`value` cleaned by the module's rules; None becomes "".

    Raises ValidationError({field: [message]}) for a line break in a single-line field unless
    `fold_lines`, and for a value that is not text at all.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: [_("Must be text.")]})
    text = unicodedata.normalize("NFC", _LINE_BREAK.sub("\n", value))
    text = _UNWANTED.sub("", text)
    if multiline:
        return text.strip()
    if "\n" in text:
        if not fold_lines:
            raise ValidationError(
                {field: [_("Must be one line: remove the line break (it came with the paste).")]}
            )
        text = " ".join(part.strip() for part in text.split("\n") if part.strip())
    return text.replace("\t", " ").strip()


def texts_clean(
    values: Mapping[str, object],
    *,
    single_line: Iterable[str] = (),
    multiline: Iterable[str] = (),
    fold_lines: bool = False,
) -> dict[str, object]:
    """A copy of `values` with the named text fields cleaned; other entries pass unchanged.

    Every refused field is reported at once: ValidationError maps each to its message. A name
    listed but absent from `values` is skipped.
    """
    cleaned = dict(values)
    errors: dict[str, list[str]] = {}
    for names, is_multiline in ((single_line, False), (multiline, True)):
        for name in names:
            if name not in values:
                continue
            try:
                cleaned[name] = text_clean(
                    values[name], field=name, multiline=is_multiline, fold_lines=fold_lines
                )
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned
