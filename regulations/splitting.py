"""A draft's text split into numbered units by the headings people write.

Article headings: ``1-modda.``, ``1-модда.``, ``Статья 1.`` (the words), or ``1.`` and ``1.1.``
(numbers). When a text has any worded heading, only those open units, so the numbered points
inside an article stay in its text; otherwise the numbered headings do. Chapters and sections
(``I bob``, ``1-боб``, ``Глава 1``, ``2-bo'lim``, ``Раздел II``) open no unit: they are kept as
each unit's context. Text before the first article (the preamble) belongs to no unit.

A unit's text is its paragraphs as written, empty ones dropped, joined by line breaks.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from elyurt.text import text_clean

_WORDED = re.compile(
    r"^(?:(?P<a>\d+(?:\.\d+)*)\s*-\s*(?:modda|модда)\b|(?:Статья|Modda|Модда)\s+(?P<b>\d+(?:\.\d+)*))"
    r"\.?",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(?P<a>\d+(?:\.\d+)*)\.(?=\s|$)")
_ROMAN_OR_DIGITS = r"(?:[IVXLC]+|\d+)"
_SECTION = re.compile(
    rf"^(?:{_ROMAN_OR_DIGITS}\s*-?\s*(?:bo[ʻʼ'‘’`]?lim|бўлим)|(?:Раздел|Bo[ʻʼ'‘’`]?lim|Бўлим)\s+"
    rf"{_ROMAN_OR_DIGITS})\b",
    re.IGNORECASE,
)
_CHAPTER = re.compile(
    rf"^(?:{_ROMAN_OR_DIGITS}\s*-?\s*(?:bob|боб)|(?:Глава|Bob|Боб)\s+{_ROMAN_OR_DIGITS})\b",
    re.IGNORECASE,
)

# What a .docx may unpack to: a Word file of a few hundred pages is a few megabytes of XML.
DOCX_UNPACKED_MAX = 100 * 1024 * 1024


@dataclass
class ParsedUnit:
    number: str
    heading: str
    context: str
    text: str


def _heading_number(line: str, worded: bool) -> str | None:
    match = (_WORDED if worded else _NUMBERED).match(line)
    if match is None:
        return None
    return match.group("a") or match.groupdict().get("b")


def units_from_lines(lines: list[str]) -> list[ParsedUnit]:
    """The units of a text given as paragraphs (see the module's rules); [] when none."""
    lines = [line.strip() for line in lines if line.strip()]
    worded = any(_WORDED.match(line) for line in lines)
    units: list[ParsedUnit] = []
    section = chapter = ""
    body: list[str] | None = None
    for line in lines:
        if _SECTION.match(line):
            section, chapter, body = line, "", None
            continue
        if _CHAPTER.match(line):
            chapter, body = line, None
            continue
        number = _heading_number(line, worded)
        if number is not None:
            body = [line]
            context = " — ".join(part for part in (section, chapter) if part)
            units.append(ParsedUnit(number=number, heading=line, context=context, text=""))
        elif body is not None:
            body.append(line)
        else:
            continue
        units[-1].text = "\n".join(body)
    return units


def _docx_lines(content: bytes) -> list[str]:
    import docx  # python-docx; imported here so modules that never read Word skip its import

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > DOCX_UNPACKED_MAX:
                raise ValidationError({"file": [_("The .docx file unpacks to too much data.")]})
        document = docx.Document(io.BytesIO(content))
    except ValidationError:
        raise
    except Exception:  # python-docx and zipfile raise many kinds for a file that is not Word
        raise ValidationError(
            {"file": [_("This file is not a .docx document (Word 2007 or later).")]}
        ) from None
    return [paragraph.text for paragraph in document.paragraphs]


def units_parse(*, content: bytes | None = None, name: str = "", text: str | None = None):
    """The units of a .docx (`content`, its file `name`) or of plain `text`.

    Returns a list of ParsedUnit, texts cleaned (elyurt.text). Raises ValidationError on `file`
    (or `text`) for a file that is not a .docx, one larger than REGULATION_FILE_MAX_BYTES, an
    empty document and one with no recognisable article heading.
    """
    field = "text" if text is not None else "file"
    if text is not None:
        lines = text_clean(text, field="text", multiline=True).split("\n")
    else:
        if not content:
            raise ValidationError({"file": [_("The file is empty.")]})
        if len(content) > settings.REGULATION_FILE_MAX_BYTES:
            raise ValidationError(
                {
                    "file": [
                        _("The file is larger than %(max)d MB.")
                        % {"max": settings.REGULATION_FILE_MAX_BYTES // (1024 * 1024)}
                    ]
                }
            )
        # A name is the client's claim, checked when given; the content must be a zip.
        if (name and not name.lower().endswith(".docx")) or not content.startswith(b"PK"):
            raise ValidationError(
                {"file": [_("Send the draft as a .docx document (Word 2007 or later).")]}
            )
        lines = [text_clean(line, field="file", multiline=True) for line in _docx_lines(content)]
    if not any(line.strip() for line in lines):
        raise ValidationError({field: [_("The document is empty.")]})
    units = units_from_lines(lines)
    if not units:
        raise ValidationError(
            {
                field: [
                    _(
                        "No article was recognised: start each article on its own paragraph "
                        "with a heading such as “1-modda.”, “1-модда.”, “Статья 1.” or “1.”."
                    )
                ]
            }
        )
    return units
