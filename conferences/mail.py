"""Rendering one outbox row into an email: text + HTML in the recipient's language, an .ics.

Rendered at send time from the current data, so a message that waited in the outbox while the
conference moved still tells the truth.
"""

from __future__ import annotations

import datetime
import email
import secrets
import zoneinfo
from email import quoprimime
from email.header import Header
from email.utils import format_datetime, formatdate
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from elyurt.script_text import person_name, shown_for, uzbek_latin_row
from transliteration.dates import date_words

from .ical import conference_ics, with_attendee
from .models import Conference, Invitation, OutboundMessage, Presentation
from .tokens import invitation_token

Kind = OutboundMessage.Kind
# The kinds that carry an .ics: a REQUEST, or for the cancellation a CANCEL.
CALENDAR_KINDS = (Kind.INVITATION, Kind.UPDATE, Kind.REINSTATEMENT, Kind.CANCELLATION)
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}


def format_when(moment: datetime.datetime, zone: str, language: str) -> str:
    """A start time as a native reader writes it, in the given zone, with the UTC offset."""
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    language = language.lower()
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset[3:] != "00" else f"UTC{offset[:3]}"
    clock = f"{local:%H:%M}"
    if language in ("uz-cyrl", "uz-latn"):
        # The release's own date forms (transliteration.dates): 2020-yil 28-avgust in Latin.
        text = f"{date_words(local.date(), language[3:])}, {clock}"
    else:
        month = MONTHS.get(language, MONTHS["en"]).split()[local.month - 1]
        text = f"{local.day} {month} {local.year}" + (" г." if language == "ru" else "")
        text = f"{text}, {clock}"
    return f"{text} ({offset})"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _date() -> str:
    """RFC 5322 Date. In UTC it ends in "+0000": "-0000" (what formatdate writes for UTC) says
    the sender does not know its own offset."""
    if settings.EMAIL_USE_LOCALTIME:
        return formatdate(localtime=True)
    return format_datetime(datetime.datetime.now(datetime.UTC))


def _reply_to() -> list[str]:
    address = getattr(settings, "INVITATIONS_REPLY_TO", "")
    return [address] if address else []


def answer_url(*, invitation: Invitation, conference: Conference) -> str:
    token = invitation_token(invitation=invitation)
    return f"{settings.SITE_URL}/i/{conference.external_id}/{token}/"


def _subject(kind: str, title: str) -> str:
    if kind == Kind.INVITATION:
        return _("Invitation: %(title)s") % {"title": title}
    if kind == Kind.UPDATE:
        return _("Changed: %(title)s") % {"title": title}
    if kind == Kind.CANCELLATION:
        return _("Cancelled: %(title)s") % {"title": title}
    if kind == Kind.REINSTATEMENT:
        return _("On again: %(title)s") % {"title": title}
    if kind == Kind.REMINDER_24H:
        return _("Tomorrow: %(title)s") % {"title": title}
    return _("In one hour: %(title)s") % {"title": title}


def _intro(kind: str, invitation: Invitation, conference: Conference) -> str:
    if kind == Kind.INVITATION:
        return _("You are invited to the videoconference of the International Expert Council.")
    if kind == Kind.UPDATE:
        return _("The videoconference you are invited to has changed. Here are its new details.")
    if kind == Kind.CANCELLATION:
        if conference.status == Conference.Status.CANCELLED:
            return _("The videoconference you were invited to is cancelled.")
        return _("Your invitation to this videoconference is withdrawn.")
    if kind == Kind.REINSTATEMENT:
        return _(
            "The videoconference you are invited to was cancelled, but it will take place "
            "after all. Here are its details."
        )
    if kind == Kind.REMINDER_24H:
        return _("A reminder: the videoconference starts in 24 hours.")
    return _("A reminder: the videoconference starts in one hour.")


# Stand-ins for what is personal. An audience (same conference, kind, language, zone, link)
# is rendered once, as text, with these in it; each person's text and HTML are made from it by
# replacing them in the str, and only then is the message encoded (8bit, or quoted-printable
# when a line is too long for 8bit), so no encoding can split a stand-in or leave a raw byte
# where it does not belong. NUL never reaches a stored field (PostgreSQL refuses it in text,
# and the doors strip control characters), so no title or name can contain a stand-in.
NAME = "\x00name\x00"
TOKEN = "\x00token\x00"

# Audiences rendered by this process, kept across batches: the key holds everything the
# rendering reads, so a changed conference, agenda or setting is a new key, never a stale hit.
_AUDIENCES: dict[tuple, _Audience] = {}
_AUDIENCES_MAX = 512


class MergedEmail(EmailMultiAlternatives):
    """A person's message as fields (for the test backend and the admin) and as the bytes on
    the wire (`raw`, from wire_form); delivery sends `raw` over SMTP as it is, any other
    backend (console, file) gets these very bytes as a standard message object."""

    raw: bytes = b""

    def message(self, *, policy=None):
        return email.message_from_bytes(self.raw)


# --- the wire form -----------------------------------------------------------------------------
# Built by hand from parts each encoded once, rather than by the email package's generator per
# message: it is the sender's hot path (bench/invitations.py), and the generator spends most of
# a message's time folding the same shared headers and compiling a boundary pattern. Headers
# that are the same for an audience are encoded once by the email package (_shared_headers).

LINE_MAX = 998  # RFC 5322 2.1.1: octets a line may hold, CRLF excluded


def encode_part(body: str) -> tuple[str, bytes]:
    """(Content-Transfer-Encoding, payload with CRLF line ends) for a UTF-8 text part: 7bit or
    8bit while every line fits LINE_MAX octets, else quoted-printable, which is ASCII only."""
    data = body.replace("\r\n", "\n").replace("\r", "\n").encode()
    if max(map(len, data.split(b"\n"))) <= LINE_MAX:
        return ("7bit" if data.isascii() else "8bit"), data.replace(b"\n", b"\r\n")
    return "quoted-printable", quoprimime.body_encode(data.decode("latin-1"), eol="\r\n").encode()


def _header(name: str, value: str) -> bytes:
    """One header line, folded; non-ASCII as RFC 2047 encoded words."""
    charset = "us-ascii" if value.isascii() else "utf-8"
    folded = Header(value, charset, header_name=name).encode(linesep="\r\n")
    return f"{name}: {folded}\r\n".encode()


def _shared_headers(*, subject: str, organization: str) -> bytes:
    head = _header("Subject", " ".join(subject.split()))
    head += _header("From", sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8"))
    reply_to = _reply_to()
    if reply_to:
        head += _header("Reply-To", ", ".join(sanitize_address(a, "utf-8") for a in reply_to))
    head += _header("Organization", organization)
    # RFC 3834: sent by a program, so vacation responders stay quiet. No List-Unsubscribe on
    # reminders: nobody can stop them, so none offers to.
    head += b"Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n"
    return head


def _text_part(content_type: str, body: str, extra: bytes = b"") -> bytes:
    encoding, payload = encode_part(body)
    return (
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n".encode()
        + extra
        + b"\r\n"
        + payload
        + (b"" if payload.endswith(b"\r\n") else b"\r\n")
    )


def _multipart(subtype: str, parts: list[bytes], boundary: str) -> bytes:
    delimiter = f"--{boundary}\r\n".encode()
    return (
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()
        + b"".join(delimiter + part for part in parts)
        + f"--{boundary}--\r\n".encode()
    )


def wire_form(
    *, head: bytes, to: str, message_id: str, text: str, html: str, ics: str | None, method: str
) -> bytes:
    """The whole message: headers, then text and HTML as alternatives, the .ics attached."""
    parts = [_text_part("text/plain", text), _text_part("text/html", html)]
    calendar = None
    if ics is not None:
        calendar = _text_part(
            f"text/calendar; method={method}",
            ics,
            b'Content-Disposition: attachment; filename="invite.ics"\r\n',
        )
    # "=_" never occurs in quoted-printable; the random part keeps it out of 8bit text.
    boundary = f"=_{secrets.token_hex(12)}"
    body = _multipart("alternative", parts, boundary + "_a")
    if calendar is not None:
        body = _multipart("mixed", [body, calendar], boundary + "_m")
    recipient = to if to.isascii() else sanitize_address(to, "utf-8")
    return (
        head
        + f"To: {recipient}\r\nDate: {_date()}\r\nMessage-ID: <{message_id}>\r\n".encode()
        + body
    )


def _agenda_row(p: Presentation, conference: Conference) -> dict:
    organization = p.presenter.organization
    return {
        "order": p.order,
        "title": (p.title, p.title_latn, p.title_cyrl),
        "uzbek": uzbek_latin_row(conference.language),
        "presenter": (p.presenter.full_name, p.presenter.full_name_latin),
        "position": (p.presenter.position, p.presenter.position_latn, p.presenter.position_cyrl),
        "organization": (
            (organization.name, organization.name_latin, organization.name_cyrl)
            if organization
            else ("", "", "")
        ),
    }


def _shown(texts: tuple[str, str, str], language: str, uzbek: bool | None = None) -> str:
    text, latn, cyrl = texts
    return shown_for(text, language, latn=latn, cyrl=cyrl, uzbek=uzbek)


def agenda_item_for(item: dict, language: str) -> dict:
    """One stored agenda row (`_agenda_row`) as a reader of `language` reads it."""
    return {
        "order": item["order"],
        "title": _shown(item["title"], language, uzbek=item["uzbek"]),
        "presenter": person_name(*item["presenter"], language),
        "affiliation": ", ".join(
            part
            for part in (
                _shown(item["position"], language),
                _shown(item["organization"], language),
            )
            if part
        ),
    }


def conference_topic(conference: Conference, language: str) -> str:
    """The conference's topic in the script a reader of `language` reads."""
    return shown_for(
        conference.title,
        language,
        latn=conference.title_latn,
        cyrl=conference.title_cyrl,
        uzbek=uzbek_latin_row(conference.language),
    )


def invitee_name(invitation: Invitation, language: str | None = None) -> str:
    """The invitee's name as their own mail addresses them: the expert's stored Latin form for
    a reader of anything but Uzbek Cyrillic, else the name transliterated; on one line."""
    language = (language or invitation.language or settings.LANGUAGE_CODE).lower()
    expert = invitation.expert if invitation.expert_id else None
    latin = expert.full_name_latin if expert is not None else ""
    return " ".join(person_name(invitation.name, latin, language).split())


class _Audience:
    def __init__(self, *, subject, text, html, ics, method, head) -> None:
        self.subject, self.text, self.html, self.ics = subject, text, html, ics
        self.method, self.head = method, head


class MessageRenderer:
    """Builds the emails of one batch; renders each audience once."""

    def __init__(self) -> None:
        self._agenda: dict[int, list[dict]] = {}

    def agenda(self, conference: Conference) -> list[dict]:
        """The agenda's stored text (both scripts' overrides included), once per batch."""
        if conference.pk not in self._agenda:
            items = Presentation.objects.filter(conference=conference).select_related(
                "presenter", "presenter__organization"
            )
            self._agenda[conference.pk] = [_agenda_row(p, conference) for p in items]
        return self._agenda[conference.pk]

    def agenda_for(self, conference: Conference, language: str) -> list[dict]:
        """The agenda as a reader of this language sees it (elyurt/script_text.py): titles,
        positions and organisations in the reader's script, presenters' names in the stored
        Latin form for every reader but the Uzbek Cyrillic one."""
        return [agenda_item_for(item, language) for item in self.agenda(conference)]

    def _audience(self, *, message: OutboundMessage, show_answer: bool) -> _Audience:
        invitation = message.invitation
        conference = invitation.conference
        language = (invitation.language or settings.LANGUAGE_CODE).lower()
        join_url = invitation.effective_join_url
        agenda = self.agenda(conference)
        # Never below the row's own: a save from a stale copy may have written an older number
        # back to the conference, and a calendar ignores a SEQUENCE lower than one it holds.
        sequence = max(conference.sequence, message.sequence)
        key = (
            conference.pk,
            conference.updated_at,
            sequence,
            conference.status,
            repr(agenda),
            message.kind,
            language,
            invitation.timezone,
            join_url,
            show_answer,
            settings.SITE_URL,
            settings.DEFAULT_FROM_EMAIL,
            getattr(settings, "INVITATIONS_REPLY_TO", ""),
        )
        if key in _AUDIENCES:
            return _AUDIENCES[key]
        cancel = message.kind == Kind.CANCELLATION
        agenda = self.agenda_for(conference, language)
        topic = conference_topic(conference, language)
        with translation.override(language):
            context = {
                "topic": topic,
                "kind": message.kind,
                "cancel": cancel,
                "conference": conference,
                "intro": _intro(message.kind, invitation, conference),
                "agenda": agenda,
                "when_local": format_when(conference.starts_at, invitation.timezone, language),
                "local_zone": invitation.timezone,
                "when_tashkent": format_when(conference.starts_at, "Asia/Tashkent", language),
                "join_url": join_url,
                "answer_url": ""
                if cancel
                else f"{settings.SITE_URL}/i/{conference.external_id}/{TOKEN}/",
                "show_answer": show_answer,
            }
            subject = _subject(message.kind, topic)
            text = render_to_string("conferences/email/message.txt", {**context, "name": NAME})
            html = render_to_string("conferences/email/message.html", {**context, "name": NAME})
            ics = None
            if message.kind in CALENDAR_KINDS:
                ics = conference_ics(
                    conference=conference,
                    description=render_to_string("conferences/email/calendar.txt", context),
                    join_url=join_url,
                    method="CANCEL" if cancel else "REQUEST",
                    sequence=sequence,
                    summary=topic,
                )
            signature = pgettext("email sender", "El-yurt umidi foundation")
        audience = _Audience(
            subject=subject,
            text=text,
            html=html,
            ics=ics,
            method="CANCEL" if cancel else "REQUEST",
            head=_shared_headers(subject=subject, organization=signature),
        )
        if len(_AUDIENCES) >= _AUDIENCES_MAX:
            _AUDIENCES.clear()
        _AUDIENCES[key] = audience
        return audience

    def build(self, *, message: OutboundMessage) -> MergedEmail:
        """The person's message: their name, answer link and ATTENDEE put into the audience's
        text, then encoded once."""
        invitation = message.invitation
        show_answer = (
            message.kind in (Kind.INVITATION, Kind.UPDATE, Kind.REINSTATEMENT)
            or invitation.answer == Invitation.Answer.NONE
        )
        audience = self._audience(message=message, show_answer=show_answer)
        token = invitation_token(invitation=invitation)
        name = invitee_name(invitation)  # one line: no line breaks into the body
        # The token first: a name put in afterwards is never searched again.
        text = audience.text.replace(TOKEN, token).replace(NAME, name)
        html = audience.html.replace(TOKEN, token).replace(NAME, escape(name))
        ics = (
            None
            if audience.ics is None
            else with_attendee(audience.ics, invitation, name=name).decode()
        )
        message_id = f"outbox-{message.pk}@{_host()}"
        email = MergedEmail(
            subject=audience.subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[invitation.email],
            reply_to=_reply_to(),
            headers={"Message-ID": f"<{message_id}>"},
        )
        email.attach_alternative(html, "text/html")
        if ics is not None:
            email.attach("invite.ics", ics, f"text/calendar; method={audience.method}")
        email.raw = wire_form(
            head=audience.head,
            to=invitation.email,
            message_id=message_id,
            text=text,
            html=html,
            ics=ics,
            method=audience.method,
        )
        return email
