"""The .ics calendar file of an invitation, update or cancellation (RFC 5545 / iTIP).

The event is the same for everyone who reads the mail in one language; only the ATTENDEE line
is personal. So the event is serialised once per batch and the attendee's line added to it.
"""

import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText
from icalendar.parser import Contentline

from .models import Conference, Invitation

PARTSTAT = {
    Invitation.Answer.NONE: "NEEDS-ACTION",
    Invitation.Answer.ACCEPTED: "ACCEPTED",
    Invitation.Answer.DECLINED: "DECLINED",
}
END_EVENT = b"END:VEVENT\r\n"


def conference_uid(conference: Conference) -> str:
    """Stable for the conference's whole life, so calendars replace rather than add events."""
    host = urlsplit(settings.SITE_URL).hostname or "elyurt"
    return f"conference-{conference.pk}@{host}"


def conference_ics(
    *,
    conference: Conference,
    description: str,
    join_url: str,
    cancel: bool = False,
    stamp: datetime.datetime | None = None,
) -> bytes:
    """The calendar without an attendee; SEQUENCE is the conference's current one."""
    cal = Calendar()
    cal.add("prodid", "-//El-yurt umidi//elyurt//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", conference_uid(conference))
    event.add("sequence", conference.sequence)
    event.add("dtstamp", stamp or datetime.datetime.now(datetime.UTC))
    event.add("dtstart", conference.starts_at.astimezone(datetime.UTC))
    event.add("dtend", conference.ends_at.astimezone(datetime.UTC))
    event.add("summary", conference.title)
    event.add("description", description)
    if join_url:
        event.add("location", join_url)
        event.add("url", join_url)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{organizer_email}")
    if organizer_name:
        organizer.params["cn"] = vText(organizer_name)
    event.add("organizer", organizer)
    cal.add_component(event)
    return cal.to_ical()


def attendee_line(invitation: Invitation) -> bytes:
    attendee = vCalAddress(f"mailto:{invitation.email}")
    attendee.params["cn"] = invitation.name
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = PARTSTAT.get(invitation.answer, "NEEDS-ACTION")
    attendee.params["rsvp"] = "FALSE"
    return Contentline.from_parts("ATTENDEE", attendee.params, attendee).to_ical() + b"\r\n"


def with_attendee(ics: bytes, invitation: Invitation) -> bytes:
    head, _, tail = ics.rpartition(END_EVENT)
    return head + attendee_line(invitation) + END_EVENT + tail


def invitation_ics(
    *, invitation: Invitation, conference: Conference, description: str, cancel: bool = False
) -> bytes:
    ics = conference_ics(
        conference=conference,
        description=description,
        join_url=invitation.effective_join_url,
        cancel=cancel,
    )
    return with_attendee(ics, invitation)
