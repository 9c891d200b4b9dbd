"""Who is invited: the Invitee a batch of rows becomes, the check of those rows, and the CSV
file staff upload. Nothing here writes; invitations.py invites the people these return.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from experts.models import Language, validate_time_zone

INVITEE_FIELDS = ("name", "email", "organization", "position", "language", "timezone")
REQUIRED_FIELDS = ("name", "email")
LANGUAGES_BY_FOLDED = {value.lower(): value for value in Language.values}


@dataclass
class Invitee:
    name: str
    email: str
    organization: str = ""
    position: str = ""
    language: str = Language.UZ_CYRL
    timezone: str = "Asia/Tashkent"


@dataclass
class RowError:
    index: int  # 0-based position of the row in the batch
    field: str
    message: str


# --- validation ---------------------------------------------------------------------------------


def _row_validate(index: int, row: dict) -> tuple[Invitee | None, list[RowError]]:
    errors: list[RowError] = []
    if not isinstance(row, dict):
        return None, [RowError(index, "row", _("A row must be an object of named fields."))]
    for key in row:
        if key not in INVITEE_FIELDS:
            errors.append(
                RowError(
                    index, str(key), _("Unknown field; allowed: %s.") % ", ".join(INVITEE_FIELDS)
                )
            )
    values = {}
    for key in INVITEE_FIELDS:
        value = row.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.append(RowError(index, key, _("Must be text.")))
            value = ""
        if "\x00" in value:  # PostgreSQL cannot store it: refuse here, not with a 500
            errors.append(RowError(index, key, _("Null characters are not allowed.")))
            value = value.replace("\x00", "")
        values[key] = value.strip()
    for key in REQUIRED_FIELDS:
        if key not in row:
            errors.append(RowError(index, key, _("This field is missing.")))
        elif not values[key]:
            errors.append(RowError(index, key, _("This field may not be empty.")))
    if values["name"] and len(values["name"]) > 200:
        errors.append(RowError(index, "name", _("At most 200 characters.")))
    for key in ("organization", "position"):
        if len(values[key]) > 300:
            errors.append(RowError(index, key, _("At most 300 characters.")))
    if values["email"]:
        try:
            validate_email(values["email"])
            if len(values["email"]) > 254:
                raise ValidationError("too long")
        except ValidationError:
            errors.append(
                RowError(index, "email", _("'%s' is not a valid email address.") % values["email"])
            )
    language = Language.UZ_CYRL
    if values["language"]:
        language = LANGUAGES_BY_FOLDED.get(values["language"].lower())
        if language is None:
            errors.append(
                RowError(
                    index,
                    "language",
                    _("'%(value)s' is not one of %(allowed)s.")
                    % {"value": values["language"], "allowed": ", ".join(Language.values)},
                )
            )
    zone = values["timezone"] or "Asia/Tashkent"
    try:
        validate_time_zone(zone)
    except ValidationError:
        errors.append(
            RowError(
                index,
                "timezone",
                _("'%s' is not an IANA time zone name such as America/New_York.") % zone,
            )
        )
    if errors:
        return None, errors
    return (
        Invitee(
            name=values["name"],
            email=values["email"],
            organization=values["organization"],
            position=values["position"],
            language=language,
            timezone=zone,
        ),
        [],
    )


def invitee_rows_validate(rows: list[dict]) -> tuple[list[Invitee], list[RowError]]:
    """Check a batch of people to invite; the caller imports nothing if errors come back.

    The same email twice in the batch (in any letter case) is an error on the later row.
    """
    invitees: list[Invitee] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        invitee, row_errors = _row_validate(index, row)
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


def invitees_from_csv(*, file) -> list[Invitee]:
    """Read a CSV file (bytes, text or a file object) with the header
    name,email,organization,position,language,timezone. Any bad line raises ValidationError on
    `file` with one message per problem naming the line (the header is line 1) and the reason.
    """
    raw = file.read() if hasattr(file, "read") else file
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": [_("The file is not UTF-8 text.")]}) from None
    try:
        reader = csv.DictReader(io.StringIO(raw, newline=""))
        header = [name.strip() for name in (reader.fieldnames or [])]
        if header != CSV_HEADER:
            raise ValidationError(
                {"file": [_("Line 1: the header must be %s.") % ",".join(CSV_HEADER)]}
            )
        reader.fieldnames = header
        rows = []
        messages = []
        for line_index, row in enumerate(reader):
            if None in row or any(value is None for value in row.values()):
                messages.append(
                    _("Line %(line)d: expected %(count)d columns.")
                    % {"line": line_index + 2, "count": len(CSV_HEADER)}
                )
                row = {k: v for k, v in row.items() if k is not None and v is not None}
            rows.append(row)
    except csv.Error as exc:
        raise ValidationError({"file": [_("The file is not valid CSV: %s") % exc]}) from None
    invitees, errors = invitee_rows_validate(rows)
    messages.extend(
        _("Line %(line)d: %(field)s: %(message)s")
        % {"line": e.index + 2, "field": e.field, "message": e.message}
        for e in errors
    )
    if messages:
        raise ValidationError({"file": sorted(messages, key=_line_number)})
    if not invitees:
        raise ValidationError({"file": [_("The file has no rows.")]})
    return invitees


def _line_number(message: str) -> int:
    digits = "".join(ch for ch in message.split(":", 1)[0] if ch.isdigit())
    return int(digits or 0)
