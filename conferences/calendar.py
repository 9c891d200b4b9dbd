"""The .ics calendar file of an invitation, update or cancellation (RFC 5545 / iTIP)."""

import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail.message import sanitize_address
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Conference, Invitation

PARTSTAT = {
    Invitation.Answer.NONE: "NEEDS-ACTION",
    Invitation.Answer.ACCEPTED: "ACCEPTED",
    Invitation.Answer.DECLINED: "DECLINED",
}


def conference_uid(conference: Conference) -> str:
    """Stable for the conference's whole life, so calendars replace rather than add events."""
    host = urlsplit(settings.SITE_URL).hostname or "elyurt"
    return f"conference-{conference.pk}@{host}"


def invitation_ics(
    *,
    invitation: Invitation,
    conference: Conference,
    description: str,
    cancel: bool = False,
    stamp: datetime.datetime | None = None,
) -> bytes:
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
    join_url = invitation.effective_join_url
    if join_url:
        event.add("location", join_url)
        event.add("url", join_url)
    cancelled = cancel and (
        conference.status == Conference.Status.CANCELLED or invitation.cancelled_at is not None
    )
    event.add("status", "CANCELLED" if cancel or cancelled else "CONFIRMED")
    organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{organizer_email}")
    if organizer_name:
        organizer.params["cn"] = vText(organizer_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{sanitize_address(invitation.email, 'utf-8')}")
    attendee.params["cn"] = vText(invitation.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText(PARTSTAT.get(invitation.answer, "NEEDS-ACTION"))
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()
