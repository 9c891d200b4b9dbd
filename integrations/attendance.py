"""Attendance from Zoom's participant report: the API pull and the CSV upload share this importer.

A person who left and joined again appears on several rows; they count once. Rows are folded by
email (lower-cased), else by the folded display name. Time in the meeting is the union of that
person's join–leave intervals, so two devices at once do not double it.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_record
from conferences.models import Conference
from conferences.services import conference_platform_facts_set

from .forms import ParticipantRowForm
from .models import Attendee

logger = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 20
MAX_CSV_BYTES = 20 * 1024 * 1024

# Zoom's participant export headers (case-insensitive) and what they mean to us.
CSV_COLUMNS = {
    "name": ("name (original name)", "name", "participant name", "display name"),
    "email": ("user email", "email", "participant email"),
    "join_time": ("join time",),
    "leave_time": ("leave time",),
    "duration_minutes": ("duration (minutes)", "total duration (minutes)", "duration (min)"),
}
CSV_TIME_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)


def person_name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(folded.split())


@dataclass
class _Person:
    name: str
    email: str
    joins: int = 0
    intervals: list = field(default_factory=list)
    loose_seconds: int = 0
    first_join: datetime.datetime | None = None
    last_leave: datetime.datetime | None = None

    def add(self, join, leave, seconds: int) -> None:
        self.joins += 1
        if join is not None and leave is not None:
            self.intervals.append((join, leave))
        else:
            self.loose_seconds += seconds
        if join is not None and (self.first_join is None or join < self.first_join):
            self.first_join = join
        if leave is not None and (self.last_leave is None or leave > self.last_leave):
            self.last_leave = leave

    def total_seconds(self) -> int:
        total = 0
        end = None
        for start, stop in sorted(self.intervals):
            if end is None or start > end:
                total += (stop - start).total_seconds()
                end = stop
            elif stop > end:
                total += (stop - end).total_seconds()
                end = stop
        return int(round(total)) + self.loose_seconds


@dataclass
class ImportResult:
    rows: int
    attendees: int


ROW_COLUMNS = {
    "name": "name",
    "email": "email",
    "join_time": "join_time",
    "leave_time": "leave_time",
    "duration_seconds": "duration_seconds",
}
CSV_COLUMN_LABELS = {
    "name": "Name (Original Name)",
    "email": "User Email",
    "join_time": "Join Time",
    "leave_time": "Leave Time",
    "duration_seconds": "Duration (Minutes)",
}


def _validate_rows(rows: Iterable[dict], *, label, columns) -> tuple[list, int]:
    """Check every row; return (clean rows, count) or raise ValidationError listing the faults."""
    clean = []
    errors: list[str] = []
    count = 0
    for index, row in enumerate(rows, start=1):
        count += 1
        form = ParticipantRowForm(row)
        if form.is_valid():
            data = form.cleaned_data
            clean.append(
                (data["name"], data["email"], data["join_time"], data["leave_time"],
                 data["duration_seconds"])
            )  # fmt: skip
            continue
        where = label(index, row)
        errors += [
            _("%(where)s, column “%(column)s”: %(text)s")
            % {"where": where, "column": columns[key], "text": text}
            for key, text in form.faults()
        ]
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(_("… and %(count)d more.") % {"count": len(errors) - MAX_ERRORS_SHOWN})
        raise ValidationError(shown)
    return clean, count


def _fold(clean: list) -> dict[str, _Person]:
    people: dict[str, _Person] = {}
    for name, email, join, leave, seconds in clean:
        key = email.lower() if email else "name:" + person_name_key(name)
        person = people.get(key)
        if person is None:
            person = people[key] = _Person(name=name or email, email=email)
        elif not person.email and email:
            person.email = email
        person.add(join, leave, seconds)
    return people


def attendance_import_rows(
    *, conference: Conference, rows: Iterable[dict], by=None, _label=None, _columns=None
) -> ImportResult:
    """Replace the conference's attendees with the people in `rows`; returns the counts.

    Each row is a dict with `name`, `email`, `join_time`, `leave_time` (aware datetimes or ISO
    strings; naive ones are read in the current time zone) and `duration_seconds`. The whole
    report is checked first: a faulty row raises ValidationError naming it and nothing is
    stored. The conference's recorded participant count becomes the number of people.
    """
    label = _label or (lambda index, row: _("row %(index)d") % {"index": index})
    clean, count = _validate_rows(rows, label=label, columns=_columns or ROW_COLUMNS)
    people = _fold(clean)
    attendees = [
        Attendee(
            conference=conference,
            name=person.name[:300],
            email=person.email[:254],
            person_key=key[:320],
            joins_count=person.joins,
            total_duration_seconds=person.total_seconds(),
            first_join_at=person.first_join,
            last_leave_at=person.last_leave,
        )
        for key, person in people.items()
    ]
    with transaction.atomic():
        Attendee.objects.filter(conference=conference).delete()
        Attendee.objects.bulk_create(attendees, batch_size=2000)
        # The figure the press release prefers over the declared one.
        conference_platform_facts_set(
            conference=conference, by=by, participants_count_recorded=len(attendees)
        )
        activity_record(
            action=Action.CONFERENCE_ATTENDANCE_IMPORTED,
            target=conference,
            by=by,
            data={"count": len(attendees)},
        )
    logger.info(
        "attendance of conference %s: %d rows, %d people (by %s)",
        conference.pk,
        count,
        len(attendees),
        getattr(by, "pk", None) or "system",
    )
    return ImportResult(rows=count, attendees=len(attendees))


def _header_index(cells: list[str]) -> dict[str, int] | None:
    normalised = [" ".join(cell.strip().lower().split()) for cell in cells]
    found = {}
    for key, aliases in CSV_COLUMNS.items():
        for position, cell in enumerate(normalised):
            if cell in aliases:
                found[key] = position
                break
    if "name" in found and "duration_minutes" in found:
        return found
    return None


def _parse_csv_time(text: str, *, tz) -> datetime.datetime | None:
    text = text.strip()
    if not text:
        return None
    for fmt in CSV_TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    parsed = datetime.datetime.fromisoformat(text)  # raises ValueError for anything else
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=tz)


_MINUTES = re.compile(r"^\d+(\.\d+)?$")


def attendance_import_csv(*, conference: Conference, file, by=None) -> ImportResult:
    """Import Zoom's participant-report CSV export (Reports → Usage → Participants → Export).

    Tolerates the meeting summary lines Zoom writes above the participant table, a byte-order
    mark, and the "unique users" export. Times without an offset are read in the current time
    zone. A bad file raises ValidationError naming the line and column; nothing is stored.
    """
    rows, line_of_row = _csv_participants(_csv_text(file), tz=timezone.get_current_timezone())
    return attendance_import_rows(
        conference=conference,
        rows=rows,
        by=by,
        _label=lambda index, row: _("line %(line)d") % {"line": line_of_row[index - 1]},
        _columns=CSV_COLUMN_LABELS,
    )


def _csv_text(file) -> str:
    """The upload as text: at most MAX_CSV_BYTES of UTF-8 (with or without a byte-order mark)."""
    raw = file.read(MAX_CSV_BYTES + 1)
    if isinstance(raw, str):
        return raw
    if len(raw) > MAX_CSV_BYTES:
        raise ValidationError(_("file: the file is larger than 20 MB."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("file: the file is not UTF-8 text (byte %(position)d).") % {"position": exc.start + 1}
        ) from exc


def _csv_participants(text: str, *, tz) -> tuple[list[dict], list[int]]:
    """The participant table's rows (as attendance_import_rows takes them) and the line of
    each; raises ValidationError naming every line that cannot be read."""
    reader = csv.reader(io.StringIO(text))
    columns = None
    rows: list[dict] = []
    line_of_row: list[int] = []
    errors: list[str] = []
    try:
        for cells in reader:
            if columns is None:
                columns = _header_index(cells)
            elif any(cell.strip() for cell in cells):
                row = _csv_row(cells, columns, line=reader.line_num, tz=tz, errors=errors)
                if row is not None:
                    rows.append(row)
                    line_of_row.append(reader.line_num)
    except csv.Error as exc:
        raise ValidationError(
            _("line %(line)d: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc
    if columns is None:
        raise ValidationError(
            _(
                "file: no participant table found; expected a header with “Name (Original Name)” "
                "and “Duration (Minutes)”."
            )
        )
    if errors:
        raise ValidationError(errors[:MAX_ERRORS_SHOWN])
    if not rows:
        raise ValidationError(_("file: the participant table has no rows."))
    return rows, line_of_row


def _csv_row(cells: list[str], columns: dict[str, int], *, line: int, tz, errors) -> dict | None:
    """One line of the participant table as a row; what cannot be read goes to `errors` (a
    line with too few cells or no minutes gives None)."""
    needed = max(columns.values())
    if len(cells) <= needed:
        errors.append(
            _("line %(line)d: %(found)d columns, %(needed)d expected.")
            % {"line": line, "found": len(cells), "needed": needed + 1}
        )
        return None
    row = {"name": cells[columns["name"]], "email": ""}
    if "email" in columns:
        row["email"] = cells[columns["email"]]
    for key, header in (("join_time", "Join Time"), ("leave_time", "Leave Time")):
        if key not in columns:
            continue
        try:
            row[key] = _parse_csv_time(cells[columns[key]], tz=tz)
        except ValueError:
            errors.append(
                _("line %(line)d, column “%(column)s”: “%(value)s” is not a date and time.")
                % {"line": line, "column": header, "value": cells[columns[key]]}
            )
    minutes = cells[columns["duration_minutes"]].strip()
    if not _MINUTES.match(minutes):
        errors.append(
            _("line %(line)d, column “%(column)s”: “%(value)s” is not a number of minutes.")
            % {"line": line, "column": "Duration (Minutes)", "value": minutes}
        )
        return None
    if row.get("join_time") is None or row.get("leave_time") is None:
        row["duration_seconds"] = int(round(float(minutes) * 60))
    return row
