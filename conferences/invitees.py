"""Who is invited: the Invitee a batch of rows becomes, the check of those rows, and the CSV
file staff upload. Nothing here writes; invitations.py invites the people these return.

A row is checked by InviteeRowForm, whose limits, choices, defaults and validators are the
Invitation model's, whoever sends it: the partner API, a CSV file, the dashboard. Its text goes
through elyurt.text.text_clean once: control characters removed, every field single-line (a line
break refused naming the field, or folded into a space for a file).
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elyurt.text import text_clean

from .models import Invitation

INVITEE_FIELDS = ("name", "email", "organization", "position", "language", "timezone")


def _model_field(name: str):
    return Invitation._meta.get_field(name)


@dataclass
class Invitee:
    name: str
    email: str
    organization: str = ""
    position: str = ""
    language: str = _model_field("language").default
    timezone: str = _model_field("timezone").default


@dataclass
class RowError:
    index: int  # 0-based position of the row in the batch
    field: str
    message: str


# --- validation ---------------------------------------------------------------------------------

ROW_ERRORS = {
    "required": gettext_lazy("This field may not be empty."),
    "max_length": gettext_lazy("At most %(limit_value)d characters."),
}


class RowTextField(forms.CharField):
    """A field of a row as the Invitation model declares it (max_length, blank, default, its
    validators), its text cleaned by text_clean: anything but text is refused, control
    characters are removed, a line break is refused (or, with `fold_lines`, folded)."""

    fold_lines = False

    def __init__(self, name: str, *, error_messages: dict | None = None) -> None:
        model_field = _model_field(name)
        self.default = model_field.default if model_field.has_default() else ""
        super().__init__(
            required=not model_field.blank,
            strip=False,  # text_clean strips
            validators=model_field.validators,  # max_length among them
            error_messages={**ROW_ERRORS, **(error_messages or {})},
        )

    def to_python(self, value) -> str:
        try:
            text = text_clean(value, field="value", fold_lines=self.fold_lines)
        except ValidationError as exc:
            raise ValidationError(exc.messages, code="text") from None
        return text or self.default


class RowChoiceField(RowTextField):
    """One of the model field's choices, matched without regard to letter case."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.allowed = [value for value, _label in _model_field(name).choices]
        self.by_folded = {value.lower(): value for value in self.allowed}

    def to_python(self, value) -> str:
        text = super().to_python(value)
        return self.by_folded.get(text.lower(), text)

    def validate(self, value: str) -> None:
        super().validate(value)
        if value not in self.allowed:
            raise ValidationError(
                _("'%(value)s' is not one of %(allowed)s."),
                code="invalid_choice",
                params={"value": value, "allowed": ", ".join(self.allowed)},
            )


class InviteeRowForm(forms.Form):
    """One person to invite. With `fold_lines` (a file) a line break becomes a space; otherwise
    (the API, a form) it is refused naming the field."""

    name = RowTextField("name")
    email = RowTextField(
        "email",
        error_messages={
            # Too long is no address at all: one message for both.
            "invalid": gettext_lazy("'%(value)s' is not a valid email address."),
            "max_length": gettext_lazy("'%(value)s' is not a valid email address."),
        },
    )
    organization = RowTextField("organization")
    position = RowTextField("position")
    language = RowChoiceField("language")
    timezone = RowTextField(
        "timezone",
        error_messages={
            "time_zone": gettext_lazy(
                "'%(value)s' is not an IANA time zone name such as America/New_York."
            )
        },
    )

    def __init__(self, data: dict, *, fold_lines: bool = False) -> None:
        super().__init__(data)
        for field in self.fields.values():
            field.fold_lines = fold_lines

    def invitee(self) -> Invitee:
        return Invitee(**self.cleaned_data)


def _row_validate(index: int, row, *, fold_lines: bool) -> tuple[Invitee | None, list[RowError]]:
    if not isinstance(row, dict):
        return None, [RowError(index, "row", _("A row must be an object of named fields."))]
    errors = [
        RowError(index, str(key), _("Unknown field; allowed: %s.") % ", ".join(INVITEE_FIELDS))
        for key in row
        if key not in INVITEE_FIELDS
    ]
    form = InviteeRowForm(row, fold_lines=fold_lines)
    if form.is_valid():
        return (None, errors) if errors else (form.invitee(), [])
    for name, field_errors in form.errors.as_data().items():
        messages: list[str] = []
        for error in field_errors:
            if error.code == "required" and name not in row:
                messages.append(_("This field is missing."))
            else:
                messages.extend(error.messages)
        errors.extend(RowError(index, name, m) for m in dict.fromkeys(messages))
    return None, errors


def invitee_rows_validate(
    rows: list[dict], *, fold_lines: bool = False
) -> tuple[list[Invitee], list[RowError]]:
    """Check a batch of people to invite (see InviteeRowForm): the valid ones in order, and an
    error per problem naming the row's index and the field. The same email twice in the batch
    (in any letter case) is an error on the later row. `fold_lines` for rows from a file: a
    line break in a field becomes a space instead of an error.
    """
    invitees: list[Invitee] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        invitee, row_errors = _row_validate(index, row, fold_lines=fold_lines)
        if invitee is not None:
            key = invitee.email.lower()
            if key in seen:
                row_errors.append(
                    RowError(
                        index,
                        "email",
                        _("'%(email)s' already appears in row %(row)d.")
                        % {"email": invitee.email, "row": seen[key]},
                    )
                )
            else:
                seen[key] = index
        errors.extend(row_errors)
        if invitee is not None and not row_errors:
            invitees.append(invitee)
    return invitees, errors


# --- CSV --------------------------------------------------------------------------------------


CSV_HEADER = list(INVITEE_FIELDS)
CSV_DELIMITERS = (",", ";", "\t")


def invitees_from_csv(*, file) -> list[Invitee]:
    """Read a CSV file (bytes, text or a file object) of people to invite, as Excel and other
    spreadsheets save it: the header's six columns (name, email, organization, position,
    language, timezone) in any order and letter case; separated by commas, semicolons or tabs
    (told by the header line); UTF-8 with or without a BOM, UTF-16 with a BOM, else
    Windows-1251. Blank rows are skipped; a line break inside a quoted field becomes a space.

    Any problem raises ValidationError on `file`, all of them at once, one message each naming
    the physical line its row starts on (the header is line 1) and the reason.
    """
    rows, lines, problems = _csv_rows(_csv_text(file))
    invitees, errors = invitee_rows_validate(rows, fold_lines=True)
    problems.extend(
        (
            lines[e.index],
            _("Line %(line)d: %(field)s: %(message)s")
            % {"line": lines[e.index], "field": e.field, "message": e.message},
        )
        for e in errors
    )
    if problems:
        problems.sort(key=lambda problem: problem[0])  # stable: a line's own order stays
        raise ValidationError({"file": [message for _line, message in problems]})
    if not invitees:
        raise ValidationError({"file": [_("The file has no rows.")]})
    return invitees


def _csv_text(file) -> str:
    raw = file.read() if hasattr(file, "read") else file
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)  # Excel's "Unicode text"
    else:
        # Excel saves "CSV UTF-8" with a BOM, plain "CSV" in the system's code page: on the
        # Cyrillic Windows our staff use, Windows-1251.
        encodings = ("utf-8-sig", "cp1251")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": [_("The file is neither UTF-8 nor Windows-1251 text.")]})


def _csv_delimiter(text: str) -> str:
    """The separator that splits the header line into the most of our column names."""
    header = text.splitlines()[0] if text else ""

    def known(delimiter: str) -> int:
        names = {name.strip().strip('"').lower() for name in header.split(delimiter)}
        return len(names & set(INVITEE_FIELDS))

    return max(CSV_DELIMITERS, key=known)  # the first, a comma, on a tie


def _csv_rows(text: str) -> tuple[list[dict], list[int], list[tuple[int, str]]]:
    """The rows keyed by column name, the line each starts on, and the (line, message) of each
    row with the wrong number of columns. Raises ValidationError for a bad header, and as soon
    as a row beyond settings.CSV_MAX_ROWS is met."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_csv_delimiter(text))
    try:
        columns = [name.strip().lower() for name in next(reader, [])]
        if sorted(columns) != sorted(CSV_HEADER):
            raise ValidationError(
                {"file": [_("Line 1: the header must be %s.") % ",".join(CSV_HEADER)]}
            )
        rows: list[dict] = []
        lines: list[int] = []
        problems: list[tuple[int, str]] = []
        start = reader.line_num + 1
        # reader.line_num counts physical lines, so a quoted field over several lines and
        # blank lines keep the numbers those who open the file see.
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(value.strip() for value in record):
                continue  # a blank line, or a row of empty cells
            if len(record) != len(columns):
                problems.append(
                    (
                        line,
                        _("Line %(line)d: expected %(count)d columns.")
                        % {"line": line, "count": len(columns)},
                    )
                )
            if len(rows) == settings.CSV_MAX_ROWS:
                # Stop here: checking every row of a huge file outlasts the request.
                raise ValidationError(
                    {
                        "file": [
                            _(
                                "The file has more than %(max)d rows; split it into files of "
                                "at most %(max)d rows."
                            )
                            % {"max": settings.CSV_MAX_ROWS}
                        ]
                    }
                )
            rows.append(dict(zip(columns, record, strict=False)))
            lines.append(line)
    except csv.Error as exc:
        raise ValidationError({"file": [_("The file is not valid CSV: %s") % exc]}) from None
    return rows, lines, problems
