"""Forms of the Zoom integration: one row of a participant report."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def as_datetime(value, *, tz) -> datetime.datetime | None:
    """An aware datetime from a datetime or an ISO 8601 string; a naive one is read in `tz`.

    Raises ValueError (or TypeError) for anything else.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        text = str(value).strip()
        # Zoom's API writes UTC as "2020-08-28T05:00:00Z"; fromisoformat reads the Z from 3.11.
        parsed = datetime.datetime.fromisoformat(text)
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def validate_report_email(value: str) -> None:
    # Lenient on purpose: one odd address Zoom accepted must not refuse the whole report.
    if "@" not in value or any(c.isspace() for c in value):
        raise ValidationError(
            _("“%(value)s” is not an email address."), code="invalid", params={"value": value}
        )


class MomentField(forms.Field):
    """A join or leave time: an aware datetime or an ISO 8601 string, read in the current time
    zone when it has no offset."""

    default_error_messages = {"invalid": _("“%(value)s” is not a date and time.")}

    def to_python(self, value) -> datetime.datetime | None:
        if value in self.empty_values:
            return None
        try:
            return as_datetime(value, tz=timezone.get_current_timezone())
        except (TypeError, ValueError):
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None


class SecondsField(forms.Field):
    """A whole, non-negative number of seconds (a fraction is cut off)."""

    default_error_messages = {"invalid": _("“%(value)s” is not a whole number of seconds.")}

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        try:
            seconds = int(float(value))
        except (TypeError, ValueError, OverflowError):
            seconds = -1
        if seconds < 0:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        return seconds


class ParticipantRowForm(forms.Form):
    """One row of Zoom's participant report, from the API or the CSV export.

    Cleaned, `duration_seconds` is always a number: when the row has none, the time between
    joining and leaving (0 without both).
    """

    name = forms.CharField(required=False)
    email = forms.CharField(required=False, validators=[validate_report_email])
    join_time = MomentField(required=False)
    leave_time = MomentField(required=False)
    duration_seconds = SecondsField(required=False)
    registrant_id = forms.CharField(required=False, max_length=100)

    # A faulty row is reported by its first faulty group, as the importer always has: a bad
    # email hides the rest, a missing person the times, a bad time the duration.
    REPORT_ORDER = (
        ("email",),
        ("name",),
        ("join_time", "leave_time"),
        ("duration_seconds",),
        ("registrant_id",),
    )

    def clean(self) -> dict:
        data = super().clean()
        name, email = data.get("name"), data.get("email")
        if not name and not email and not (self.has_error("name") or self.has_error("email")):
            self.add_error("name", _("a name or an email is required."))
        join, leave = data.get("join_time"), data.get("leave_time")
        if join is not None and leave is not None and leave < join:
            self.add_error("leave_time", _("the person leaves before joining."))
        elif data.get("duration_seconds") is None:
            data["duration_seconds"] = int((leave - join).total_seconds()) if join and leave else 0
        return data

    @classmethod
    def clean_row(cls, row: dict) -> dict | None:
        """The row cleaned by the same fields and rules, without a bound form (a report has
        10,000 rows); None when anything is wrong, and the form then names the faults."""
        data = {}
        try:
            for name, field in cls.base_fields.items():
                data[name] = field.clean(row.get(name))
        except ValidationError:
            return None
        join, leave = data["join_time"], data["leave_time"]
        if not data["name"] and not data["email"]:
            return None
        if join is not None and leave is not None and leave < join:
            return None
        if data["duration_seconds"] is None:
            data["duration_seconds"] = int((leave - join).total_seconds()) if join and leave else 0
        return data

    def rebind(self, data: dict) -> ParticipantRowForm:
        """The same form bound to the next row: a report of 10,000 rows is checked by one form,
        not 10,000 (building a form deep-copies its fields, most of an import's time)."""
        self.data = data
        self.is_bound = True
        self._errors = None
        self.__dict__.pop("cleaned_data", None)
        return self

    def faults(self) -> list[tuple[str, str]]:
        """(field, message) of what is wrong with the row, in REPORT_ORDER's first faulty group."""
        for group in self.REPORT_ORDER:
            found = [(key, message) for key in group for message in self.errors.get(key, [])]
            if found:
                return found
        return []
