"""Rendering one outbox row into an email: text + HTML in the recipient's language, an .ics.

Rendered at send time from the current data, so a message that waited in the outbox while the
conference moved still tells the truth.
"""

from __future__ import annotations

import datetime
import email
import zoneinfo
from email.utils import formatdate
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .ical import END_EVENT, attendee_line, conference_ics, with_attendee
from .models import Conference, Invitation, OutboundMessage, Presentation
from .tokens import invitation_token

Kind = OutboundMessage.Kind
# The kinds that carry an .ics: a REQUEST, or for the cancellation a CANCEL.
CALENDAR_KINDS = (Kind.INVITATION, Kind.UPDATE, Kind.REINSTATEMENT, Kind.CANCELLATION)
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "uz-cyrl": "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
    "uz-latn": "yanvar fevral mart aprel may iyun iyul avgust sentabr oktabr noyabr dekabr",
}


def format_when(moment: datetime.datetime, zone: str, language: str) -> str:
    """A start time as a native reader writes it, in the given zone, with the UTC offset."""
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    language = language.lower()
    month = MONTHS.get(language, MONTHS["en"]).split()[local.month - 1]
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset[3:] != "00" else f"UTC{offset[:3]}"
    clock = f"{local:%H:%M}"
    if language == "ru":
        text = f"{local.day} {month} {local.year} г., {clock}"
    elif language == "uz-cyrl":
        text = f"{local.year} йил {local.day} {month}, {clock}"
    elif language == "uz-latn":
        text = f"{local.year}-yil {local.day}-{month}, {clock}"
    else:
        text = f"{local.day} {month} {local.year}, {clock}"
    return f"{text} ({offset})"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


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
# is rendered once with these and each person's message made by replacing them in the bytes.
# The bodies are 8bit UTF-8 parts (Django's choice for short-lined UTF-8 text), so a replaced
# value lands in the message as it would had it been rendered.
NAME_TEXT = "XelyurtNameTextX"
NAME_HTML = "XelyurtNameHtmlX"
TOKEN = "XelyurtAnswerTokenX"
RECIPIENT = "xelyurt-recipient@placeholder.invalid"
MESSAGE_ID = "xelyurt-message-id@placeholder.invalid"
DATE = "XelyurtDateX"

# Audiences rendered by this process, kept across batches: the key holds everything the
# rendering reads, so a changed conference, agenda or setting is a new key, never a stale hit.
_AUDIENCES: dict[tuple, _Audience] = {}
_AUDIENCES_MAX = 512


class MergedEmail(EmailMultiAlternatives):
    """An EmailMultiAlternatives whose wire form was merged from its audience's template."""

    raw: bytes = b""

    def message(self, *, policy=None):
        # The SMTP path sends self.raw as it is (delivery._send); any other backend (console,
        # file) gets these very bytes as a standard message object it can print or store.
        return email.message_from_bytes(self.raw)


class _Audience:
    def __init__(self, *, subject, text, html, ics, raw) -> None:
        self.subject, self.text, self.html, self.ics, self.raw = subject, text, html, ics, raw


class MessageRenderer:
    """Builds the emails of one batch; renders each audience once."""

    def __init__(self) -> None:
        self._agenda: dict[int, list[dict]] = {}

    def agenda(self, conference: Conference) -> list[dict]:
        if conference.pk not in self._agenda:
            items = Presentation.objects.filter(conference=conference).select_related(
                "presenter", "presenter__organization"
            )
            self._agenda[conference.pk] = [
                {
                    "order": p.order,
                    "title": p.title,
                    "presenter": p.presenter.full_name,
                    "presenter_latin": p.presenter.full_name_latin,
                    "affiliation": ", ".join(
                        part
                        for part in (
                            p.presenter.position,
                            p.presenter.organization.name if p.presenter.organization else "",
                        )
                        if part
                    ),
                }
                for p in items
            ]
        return self._agenda[conference.pk]

    def agenda_for(self, conference: Conference, language: str) -> list[dict]:
        """The agenda as a reader of this language sees it: Latin-script Uzbek readers get the
        presenters' Latin names where they are stored."""
        agenda = self.agenda(conference)
        if language != "uz-latn":
            return agenda
        return [
            {**item, "presenter": item["presenter_latin"] or item["presenter"]} for item in agenda
        ]

    def _audience(self, *, message: OutboundMessage, show_answer: bool) -> _Audience:
        invitation = message.invitation
        conference = invitation.conference
        language = (invitation.language or settings.LANGUAGE_CODE).lower()
        join_url = invitation.effective_join_url
        agenda = self.agenda(conference)
        key = (
            conference.pk,
            conference.updated_at,
            conference.sequence,
            conference.status,
            repr(agenda),
            message.kind,
            language,
            invitation.timezone,
            join_url,
            show_answer,
            settings.SITE_URL,
            settings.DEFAULT_FROM_EMAIL,
        )
        if key in _AUDIENCES:
            return _AUDIENCES[key]
        cancel = message.kind == Kind.CANCELLATION
        agenda = self.agenda_for(conference, language)
        with translation.override(language):
            context = {
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
            subject = _subject(message.kind, conference.title)
            text = render_to_string("conferences/email/message.txt", {**context, "name": NAME_TEXT})
            html = render_to_string(
                "conferences/email/message.html", {**context, "name": NAME_HTML}
            )
            ics = None
            if message.kind in CALENDAR_KINDS:
                ics = conference_ics(
                    conference=conference,
                    description=render_to_string("conferences/email/calendar.txt", context),
                    join_url=join_url,
                    cancel=cancel,
                )
            signature = pgettext("email sender", "El-yurt umidi foundation")
        email = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[RECIPIENT],
            headers={"Message-ID": f"<{MESSAGE_ID}>", "Date": DATE, "Organization": signature},
        )
        email.attach_alternative(html, "text/html")
        if ics is not None:
            method = "CANCEL" if cancel else "REQUEST"
            email.attach("invite.ics", ics.decode(), f"text/calendar; method={method}")
        raw = email.message().as_bytes(linesep="\r\n")
        # A person's name may be non-ASCII where the template was not.
        raw = raw.replace(b"Content-Transfer-Encoding: 7bit", b"Content-Transfer-Encoding: 8bit")
        audience = _Audience(subject=subject, text=text, html=html, ics=ics, raw=raw)
        if len(_AUDIENCES) >= _AUDIENCES_MAX:
            _AUDIENCES.clear()
        _AUDIENCES[key] = audience
        return audience

    def build(self, *, message: OutboundMessage) -> MergedEmail:
        invitation = message.invitation
        show_answer = (
            message.kind in (Kind.INVITATION, Kind.UPDATE, Kind.REINSTATEMENT)
            or invitation.answer == Invitation.Answer.NONE
        )
        audience = self._audience(message=message, show_answer=show_answer)
        token = invitation_token(invitation=invitation)
        email_address = invitation.email
        recipient = (
            email_address if email_address.isascii() else sanitize_address(email_address, "utf-8")
        )
        message_id = f"outbox-{message.pk}@{_host()}"
        name_text = " ".join(invitation.name.split())  # no line breaks into the body
        name_html = escape(name_text)
        attendee = attendee_line(invitation)
        raw = (
            audience.raw.replace(NAME_TEXT.encode(), name_text.encode())
            .replace(NAME_HTML.encode(), name_html.encode())
            .replace(TOKEN.encode(), token.encode())
            .replace(RECIPIENT.encode(), recipient.encode())
            .replace(MESSAGE_ID.encode(), message_id.encode())
            .replace(DATE.encode(), formatdate(localtime=settings.EMAIL_USE_LOCALTIME).encode())
        )
        email = MergedEmail(
            subject=audience.subject,
            body=audience.text.replace(NAME_TEXT, name_text).replace(TOKEN, token),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[invitation.email],
            headers={"Message-ID": f"<{message_id}>"},
        )
        email.attach_alternative(
            audience.html.replace(NAME_HTML, name_html).replace(TOKEN, token), "text/html"
        )
        if audience.ics is not None:
            raw = raw.replace(END_EVENT, attendee + END_EVENT, 1)
            method = "CANCEL" if message.kind == Kind.CANCELLATION else "REQUEST"
            email.attach(
                "invite.ics",
                with_attendee(audience.ics, invitation).decode(),
                f"text/calendar; method={method}",
            )
        email.raw = raw
        return email
