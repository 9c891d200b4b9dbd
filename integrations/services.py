"""What the Zoom modules share: whether a conference is Zoom's, which API collection a meeting
lives in, whether its join link was pasted by hand, and how long one run holds the lock.

The work itself is in sync.py (the meeting), registrants.py (partner registrations and their
personal links) and reports.py (after the event).
"""

from __future__ import annotations

from conferences.models import Conference

from .models import ZoomMeeting
from .zoom import zoom_configured

# One sync, registrants round or report pull runs at a time per conference, for at most this.
SYNC_LOCK_SECONDS = 300


def zoom_wanted(conference: Conference) -> bool:
    """Zoom is configured and the conference takes place on it."""
    return zoom_configured() and conference.platform == Conference.Platform.ZOOM


def zoom_collection(meeting: ZoomMeeting) -> str:
    """The API path segment of the meeting's kind: "meetings" or "webinars"."""
    return "meetings" if meeting.kind == ZoomMeeting.Kind.MEETING else "webinars"


def join_link_pasted_by_hand(conference: Conference, meeting: ZoomMeeting) -> bool:
    """Staff gave the conference a link of their own: no Zoom meeting is made for it."""
    return (
        not meeting.zoom_id
        and bool(conference.join_url)
        and conference.join_url != meeting.join_url_written
    )
