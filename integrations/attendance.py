"""Attendance from Zoom's participant reports: the API pull and the CSV upload share this importer.

Each report is kept as it came (AttendanceReport: one meeting instance, or the uploaded CSV);
the reports inside the conference's window are merged to the union of their rows, and every
import rebuilds the rows and the people from them, so importing again changes nothing.

People are matched, in this order, by Zoom registrant id, by email, by folded name (the name in
the trailing parentheses of Zoom's "Name (Original Name)" first); an email-less row that
matches nobody joins the only person of the report with the same folded name. A row staff
matched by hand (ManualMatch) keeps that match through every re-import. Time present is the
union of a person's join–leave intervals, so two devices at once do not double it.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Action
from activity.services import activity_record
from conferences.models import Conference, Invitation
from conferences.services import conference_platform_facts_set
from elyurt import api_cache
from experts.models import Expert
from transliteration import to_latin

from .forms import ParticipantRowForm
from .models import AttendanceReport, Attendee, ManualMatch, MatchedBy, ParticipantRow

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

# "Prof. Bobur Karimov (Bobur Karimov)": the display name, then the account's own name.
_ORIGINAL_NAME = re.compile(r"^(.*\S)\s*\(([^()]+)\)\s*$")


def person_name_key(name: str) -> str:
    """The name as matching compares it: one script (Latin), case and spacing folded."""
    folded = unicodedata.normalize("NFKC", to_latin(name)).casefold()
    return " ".join(folded.split())


def name_keys(name: str) -> list[str]:
    """The folded names a row may be known by, the original name (in trailing parentheses)
    first, then the name as shown."""
    found = _ORIGINAL_NAME.match(name or "")
    keys = [person_name_key(found.group(2)), person_name_key(found.group(1))] if found else []
    whole = person_name_key(name or "")
    return [k for k in dict.fromkeys([*keys, whole]) if k]


def conference_window(conference: Conference) -> tuple[datetime.datetime, datetime.datetime]:
    """(from, to): the instances starting within count; settings ATTENDANCE_WINDOW_*."""
    return (
        conference.starts_at
        - datetime.timedelta(minutes=settings.ATTENDANCE_WINDOW_BEFORE_MINUTES),
        conference.ends_at + datetime.timedelta(minutes=settings.ATTENDANCE_WINDOW_AFTER_MINUTES),
    )


def in_window(conference: Conference, started_at: datetime.datetime | None) -> bool:
    """An instance of unknown start counts (a CSV says nothing of it)."""
    if started_at is None:
        return True
    low, high = conference_window(conference)
    return low <= started_at <= high


def attended_threshold_seconds(conference: Conference) -> int:
    """Seconds present that make a person count as attended: the lesser of
    ATTENDANCE_MIN_SHARE of the planned length and ATTENDANCE_MIN_MINUTES."""
    share = conference.duration_minutes * 60 * settings.ATTENDANCE_MIN_SHARE
    return int(min(share, settings.ATTENDANCE_MIN_MINUTES * 60))


@dataclass
class _Person:
    name: str
    email: str
    joins: int = 0
    intervals: list = field(default_factory=list)
    loose_seconds: int = 0
    first_join: datetime.datetime | None = None
    last_leave: datetime.datetime | None = None
    invitation_id: int | None = None
    expert_id: int | None = None
    matched_by: str = ""
    names: set = field(default_factory=set)

    def add(self, row: ParticipantRow) -> None:
        join, leave = row.join_at, row.leave_at
        self.joins += 1
        if not self.email and row.email:
            self.email = row.email
        if join is not None and leave is not None:
            self.intervals.append((join, leave))
        else:
            self.loose_seconds += row.duration_seconds
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
    rehearsals: int = 0


@dataclass
class ReportIn:
    """One report to import: `rows` as attendance_import_rows takes them, `raw` as received."""

    key: str
    source: str
    rows: list
    raw: str = ""
    started_at: datetime.datetime | None = None
    ended_at: datetime.datetime | None = None


ROW_COLUMNS = {
    "name": "name",
    "email": "email",
    "join_time": "join_time",
    "leave_time": "leave_time",
    "duration_seconds": "duration_seconds",
    "registrant_id": "registrant_id",
}
CSV_COLUMN_LABELS = {
    "name": "Name (Original Name)",
    "email": "User Email",
    "join_time": "Join Time",
    "leave_time": "Leave Time",
    "duration_seconds": "Duration (Minutes)",
    "registrant_id": "Registrant ID",
}


def _validate_rows(rows: Iterable[dict], *, label, columns) -> tuple[list, int]:
    """Check every row; return (clean rows, count) or raise ValidationError listing the faults."""
    clean = []
    errors: list[str] = []
    count = 0
    form = ParticipantRowForm({})
    for index, row in enumerate(rows, start=1):
        count += 1
        data = ParticipantRowForm.clean_row(row) if isinstance(row, dict) else None
        if data is None and form.rebind(row).is_valid():
            data = form.cleaned_data
        if data is not None:
            clean.append(
                (data["name"], data["email"], data["join_time"], data["leave_time"],
                 data["duration_seconds"], data["registrant_id"])
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


# --- matching -------------------------------------------------------------------------------


class _Index:
    """Who a row may be: the conference's invitations and its council's and agenda's experts,
    by registrant id, email and folded name (a name two people share matches neither)."""

    def __init__(self, conference: Conference):
        self.by_registrant: dict[str, tuple] = {}
        self.by_email: dict[str, tuple] = {}
        self.by_name: dict[str, tuple | None] = {}
        self.names: dict[tuple, str] = {}
        experts_seen = set()
        invitations = Invitation.objects.filter(conference=conference).values_list(
            "pk", "name", "email_lower", "zoom_registrant_id", "expert_id"
        )
        for pk, name, email, registrant, expert_id in invitations:
            target = (pk, expert_id)
            self.names[target] = name
            if registrant:
                self.by_registrant[registrant] = target
            self.by_email[email] = target
            self._name(name, target)
            experts_seen.add(expert_id)
        experts = Expert.objects.filter(
            Q(memberships__council_id=conference.council_id)
            | Q(presentations__conference=conference)
            | Q(conferences_attended=conference)
        ).values_list("pk", "full_name", "full_name_latin", "email")
        for pk, name, name_latin, email in experts.distinct():
            if pk in experts_seen:
                continue
            target = (None, pk)
            self.names[target] = name
            if email:
                self.by_email.setdefault(email.lower(), target)
            self._name(name, target)
            if name_latin:
                self._name(name_latin, target)

    def _name(self, name: str, target: tuple) -> None:
        key = person_name_key(name)
        if key in self.by_name and self.by_name[key] != target:
            self.by_name[key] = None  # two people of one name: neither is matched by it
        else:
            self.by_name[key] = target

    def match(self, row: ParticipantRow, keys: list[str]) -> tuple[tuple | None, str]:
        if row.registrant_id and row.registrant_id in self.by_registrant:
            return self.by_registrant[row.registrant_id], MatchedBy.REGISTRANT
        if row.email and row.email.lower() in self.by_email:
            return self.by_email[row.email.lower()], MatchedBy.EMAIL
        for key in keys:
            target = self.by_name.get(key)
            if target is not None:
                return target, MatchedBy.NAME
        return None, MatchedBy.NONE


def _person_key(target: tuple | None, row_key: str) -> str:
    if target is None:
        return row_key
    invitation_id, expert_id = target
    return f"invitation:{invitation_id}" if invitation_id else f"expert:{expert_id}"


def _rows_match(conference: Conference, rows: list[ParticipantRow]) -> None:
    """Set each row's row_key, person_key, invitation, expert and matched_by."""
    index = _Index(conference)
    manual = {
        m.row_key: ((m.invitation_id, m.expert_id), MatchedBy.MANUAL)
        for m in ManualMatch.objects.filter(conference=conference)
    }
    keys_of: dict[int, list[str]] = {}
    for position, row in enumerate(rows):
        keys = keys_of[position] = name_keys(row.name)
        row.row_key = row.email.lower() if row.email else "name:" + (keys[0] if keys else "")
        target, how = manual.get(row.row_key) or index.match(row, keys)
        row.invitation_id, row.expert_id = target if target else (None, None)
        row.matched_by = how
        row.person_key = _person_key(target, row.row_key)
    # An email-less row nobody matched joins the only other person known by the same name
    # (signed in, then back as a guest).
    known: dict[str, set[str]] = defaultdict(set)
    for position, row in enumerate(rows):
        if not row.person_key.startswith("name:"):
            for key in keys_of[position]:
                known[key].add(row.person_key)
            if row.invitation_id or row.expert_id:
                name = index.names.get((row.invitation_id, row.expert_id), "")
                known[person_name_key(name)].add(row.person_key)
    first_of = {}
    for row in rows:
        first_of.setdefault(row.person_key, row)
    for position, row in enumerate(rows):
        if row.person_key.startswith("name:") and not row.email:
            people = set().union(*(known.get(key, set()) for key in keys_of[position]))
            if len(people) == 1:
                taken = first_of[people.pop()]
                row.person_key = taken.person_key
                row.invitation_id, row.expert_id = taken.invitation_id, taken.expert_id
                row.matched_by = taken.matched_by


def _fold(conference: Conference, rows: list[ParticipantRow]) -> list[Attendee]:
    people: dict[str, _Person] = {}
    for row in rows:
        person = people.get(row.person_key)
        if person is None:
            person = people[row.person_key] = _Person(
                name=row.name or row.email,
                email=row.email,
                invitation_id=row.invitation_id,
                expert_id=row.expert_id,
                matched_by=row.matched_by,
            )
        person.add(row)
    threshold = attended_threshold_seconds(conference)
    attendees = []
    for key, person in people.items():
        seconds = person.total_seconds()
        attendees.append(
            Attendee(
                conference=conference,
                name=person.name[:300],
                email=person.email[:254],
                person_key=key[:320],
                joins_count=person.joins,
                total_duration_seconds=seconds,
                first_join_at=person.first_join,
                last_leave_at=person.last_leave,
                invitation_id=person.invitation_id,
                expert_id=person.expert_id,
                matched_by=person.matched_by,
                attended=seconds >= threshold,
            )
        )
    return attendees


def _new_rows(conference: Conference, report: AttendanceReport, clean: list) -> list:
    return [
        ParticipantRow(
            conference=conference,
            report=report,
            name=(name or email)[:300],
            email=email[:254],
            registrant_id=(registrant or "")[:100],
            join_at=join,
            leave_at=leave,
            duration_seconds=seconds,
        )
        for name, email, join, leave, seconds, registrant in clean
    ]


ROWS_PER_INSERT = 1000


def _rows_insert(rows: list[ParticipantRow]) -> None:
    """Write the rows, 1,000 to an INSERT. On PostgreSQL the values go as they are (ints,
    text, aware datetimes) without the ORM's preparation of each value, which costs a fifth of
    a 10,000-row import (bench/attendance.py); other databases take bulk_create."""
    if connection.vendor != "postgresql":
        ParticipantRow.objects.bulk_create(rows, batch_size=ROWS_PER_INSERT)
        return
    fields = [f for f in ParticipantRow._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = connection.ops.quote_name(ParticipantRow._meta.db_table)
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_INSERT):
            batch = rows[start : start + ROWS_PER_INSERT]
            params = [getattr(row, name) for row in batch for name in names]
            values = ", ".join([one] * len(batch))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)


def attendance_rebuild(*, conference: Conference, new: dict | None = None) -> int:
    """Match and fold every row inside the window again (after an import or a manual match);
    `new` maps a just-saved report to its clean rows, which replace the report's stored ones.
    Returns the number of people. Runs inside the caller's transaction."""
    new = new or {}
    kept = list(
        ParticipantRow.objects.filter(conference=conference, report__rehearsal=False).exclude(
            report__in=list(new)
        )
    )
    rows = kept + [
        row
        for report, clean in new.items()
        if not report.rehearsal
        for row in _new_rows(conference, report, clean)
    ]
    for row in kept:
        row.pk = None
    _rows_match(conference, rows)
    attendees = _fold(conference, rows)
    ParticipantRow.objects.filter(conference=conference).delete()
    _rows_insert(rows)
    Attendee.objects.filter(conference=conference).delete()
    Attendee.objects.bulk_create(attendees, batch_size=2000)
    # /api/v1/stats/ and the registrations show these; bulk writes send no model signal.
    api_cache.bump_now_and_on_commit("conferences")
    return len(attendees)


def attendance_reports_import(
    *, conference: Conference, reports: list[ReportIn], by=None, _label=None, _columns=None
) -> ImportResult:
    """Keep each report (replacing the one of the same key), then rebuild the attendance from
    every report inside the window; returns the counts.

    Each report's rows are checked first: a faulty row raises ValidationError naming it and
    nothing is stored. A report whose instance started outside the window is kept as a
    rehearsal and changes nothing else. The conference's recorded participant count becomes
    the number of people, once any report inside the window exists.
    """
    label = _label or (lambda index, row: _("row %(index)d") % {"index": index})
    checked = []
    total = 0
    for report in reports:
        clean, count = _validate_rows(report.rows, label=label, columns=_columns or ROW_COLUMNS)
        checked.append((report, clean, count))
        total += count
    with transaction.atomic():
        new = {}
        for report, clean, count in checked:
            stored, _created = AttendanceReport.objects.update_or_create(
                conference=conference,
                key=report.key[:200],
                defaults={
                    "source": report.source,
                    "raw": report.raw,
                    "rows_count": count,
                    "started_at": report.started_at,
                    "ended_at": report.ended_at,
                    "rehearsal": not in_window(conference, report.started_at),
                },
            )
            new[stored] = clean
        rehearsals = sum(1 for stored in new if stored.rehearsal)
        if rehearsals == len(new):
            return ImportResult(rows=total, attendees=0, rehearsals=rehearsals)
        people = attendance_rebuild(conference=conference, new=new)
        # The figure the press release prefers over the declared one.
        conference_platform_facts_set(
            conference=conference, by=by, participants_count_recorded=people
        )
        activity_record(
            action=Action.CONFERENCE_ATTENDANCE_IMPORTED,
            target=conference,
            by=by,
            data={"count": people},
        )
    logger.info(
        "attendance of conference %s: %d rows, %d people (by %s)",
        conference.pk,
        total,
        people,
        getattr(by, "pk", None) or "system",
    )
    return ImportResult(rows=total, attendees=people, rehearsals=rehearsals)


def attendance_import_rows(
    *,
    conference: Conference,
    rows: Iterable[dict],
    by=None,
    key: str = "csv",
    raw: str | None = None,
    _label=None,
    _columns=None,
) -> ImportResult:
    """Import one report of `rows` (replacing the report of the same `key`); returns the counts.

    Each row is a dict with `name`, `email`, `join_time`, `leave_time` (aware datetimes or ISO
    strings; naive ones are read in the current time zone), `duration_seconds` and optionally
    Zoom's `registrant_id`. See attendance_reports_import.
    """
    rows = list(rows)
    report = ReportIn(
        key=key,
        source=AttendanceReport.Source.CSV,
        rows=rows,
        raw=raw if raw is not None else json.dumps(rows, default=str, ensure_ascii=False),
    )
    return attendance_reports_import(
        conference=conference, reports=[report], by=by, _label=_label, _columns=_columns
    )


def attendee_match(
    *, attendee: Attendee, invitation: Invitation | None = None, expert=None, by=None
) -> int:
    """Staff say who an unmatched person is: each of their rows' keys is kept as a ManualMatch
    (so a re-import keeps it) and the attendance is rebuilt. Returns the number of people.

    Raises ValidationError naming `invitation` when neither or both are given or the
    invitation is of another conference.
    """
    conference = attendee.conference
    if (invitation is None) == (expert is None):
        raise ValidationError({"invitation": _("Choose one invitation or one expert.")})
    if invitation is not None and invitation.conference_id != conference.pk:
        raise ValidationError({"invitation": _("This invitation is of another conference.")})
    with transaction.atomic():
        keys = set(
            ParticipantRow.objects.filter(
                conference=conference, person_key=attendee.person_key
            ).values_list("row_key", flat=True)
        )
        for row_key in keys:
            ManualMatch.objects.update_or_create(
                conference=conference,
                row_key=row_key,
                defaults={
                    "invitation": invitation,
                    "expert": expert if invitation is None else invitation.expert,
                },
            )
        people = attendance_rebuild(conference=conference)
        conference_platform_facts_set(
            conference=conference, by=by, participants_count_recorded=people
        )
        activity_record(
            action=Action.ATTENDEE_MATCHED,
            target=conference,
            by=by,
            data={
                "name": attendee.name,
                "invitation": getattr(invitation, "pk", None),
                "expert": getattr(expert, "pk", None),
            },
        )
    return people


_MINUTES = re.compile(r"^\d+(\.\d+)?$")


def attendance_import_csv(*, conference: Conference, file, by=None) -> ImportResult:
    """Import Zoom's participant-report CSV export (Reports → Usage → Participants → Export).

    Tolerates the meeting summary lines Zoom writes above the participant table, a byte-order
    mark, and the "unique users" export. Times without an offset are read in the current time
    zone. A bad file raises ValidationError naming the line and column; nothing is stored. The
    file is kept as received; a new upload replaces the last one.
    """
    text = _csv_text(file)
    rows, line_of_row = _csv_participants(text, tz=timezone.get_current_timezone())
    return attendance_import_rows(
        conference=conference,
        rows=rows,
        by=by,
        key="csv",
        raw=text,
        _label=lambda index, row: _("line %(line)d") % {"line": line_of_row[index - 1]},
        _columns=CSV_COLUMN_LABELS,
    )


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
