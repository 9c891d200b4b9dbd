"""The .ics calendar file of an invitation, update or cancellation (RFC 5545 / iTIP), and the
one downloaded from the answer page.

The event is the same for everyone who reads the mail in one language; only the ATTENDEE line
is personal. So the event is serialised once per batch and the attendee's line added to it.
Its UID is the conference's `calendar_uid`, stored when the conference was created and kept for
its life, so moving the portal to another address changes no calendar.
"""

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Max
from icalendar import Calendar, Event, vCalAddress, vText
from icalendar.parser import Contentline

from .models import Conference, Invitation, OutboundMessage

PARTSTAT = {
    Invitation.Answer.NONE: "NEEDS-ACTION",
    Invitation.Answer.ACCEPTED: "ACCEPTED",
    Invitation.Answer.DECLINED: "DECLINED",
}
END_EVENT = b"END:VEVENT\r\n"


def conference_uid(conference: Conference) -> str:
    """Stable for the conference's whole life, so calendars replace rather than add events."""
    return conference.calendar_uid


def conference_ics(
    *,
    conference: Conference,
    description: str,
    join_url: str,
    method: str = "REQUEST",
    sequence: int | None = None,
    stamp: datetime.datetime | None = None,
    summary: str | None = None,
) -> bytes:
    """The calendar without an attendee. `method` is REQUEST or CANCEL (iTIP, mailed) or
    PUBLISH (a download, which carries no ATTENDEE); `sequence` defaults to the conference's
    current one; `summary` (the topic in the reader's script) defaults to the stored title."""
    cal = Calendar()
    cal.add("prodid", "-//El-yurt umidi//elyurt//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", conference_uid(conference))
    event.add("sequence", conference.sequence if sequence is None else sequence)
    event.add("dtstamp", stamp or datetime.datetime.now(datetime.UTC))
    event.add("dtstart", conference.starts_at.astimezone(datetime.UTC))
    event.add("dtend", conference.ends_at.astimezone(datetime.UTC))
    event.add("summary", conference.title if summary is None else summary)
    event.add("description", description)
    if join_url:
        event.add("location", join_url)
        event.add("url", join_url)
    cancelled = method == "CANCEL" or conference.status == Conference.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{organizer_email}")
    if organizer_name:
        organizer.params["cn"] = vText(organizer_name)
    event.add("organizer", organizer)
    cal.add_component(event)
    return cal.to_ical()


def attendee_line(invitation: Invitation, name: str | None = None) -> bytes:
    """The ATTENDEE line; `name` (the invitee's name in their script) defaults to the stored."""
    attendee = vCalAddress(f"mailto:{invitation.email}")
    attendee.params["cn"] = invitation.name if name is None else name
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = PARTSTAT.get(invitation.answer, "NEEDS-ACTION")
    attendee.params["rsvp"] = "FALSE"
    return Contentline.from_parts("ATTENDEE", attendee.params, attendee).to_ical() + b"\r\n"


def with_attendee(ics: bytes, invitation: Invitation, name: str | None = None) -> bytes:
    head, _, tail = ics.rpartition(END_EVENT)
    return head + attendee_line(invitation, name) + END_EVENT + tail


def invitation_download_ics(
    *, invitation: Invitation, description: str, summary: str | None = None
) -> bytes:
    """The answer page's download: METHOD:PUBLISH (a copy of the event to import, not an iTIP
    request to answer), so no ATTENDEE (RFC 5546 3.2.1). Its SEQUENCE is never below one this
    person was mailed, or their calendar would ignore it as older than what it holds."""
    mailed = invitation.messages.filter(
        state__in=[OutboundMessage.State.SENT, OutboundMessage.State.SENDING]
    ).aggregate(top=Max("sequence"))["top"]
    conference = invitation.conference
    return conference_ics(
        conference=conference,
        description=description,
        join_url=invitation.effective_join_url,
        method="PUBLISH",
        sequence=max(conference.sequence, mailed or 0),
        summary=summary,
    )


def calendar_feed_ics(*, events: list[tuple[Conference, str, str]], name: str) -> bytes:
    """One public calendar (METHOD:PUBLISH, no attendee, no join link) of `events`, each
    (conference, description, page url), with the conferences' own UIDs, so a subscriber's
    calendar updates the same entries the invitation mail made."""
    stamp = datetime.datetime.now(datetime.UTC)
    cal = Calendar()
    cal.add("prodid", "-//El-yurt umidi//elyurt//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for conference, description, url in events:
        event = Event()
        event.add("uid", conference_uid(conference))
        event.add("sequence", conference.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", conference.starts_at.astimezone(datetime.UTC))
        event.add("dtend", conference.ends_at.astimezone(datetime.UTC))
        event.add("summary", conference.title)
        event.add("description", description)
        event.add("url", url)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
