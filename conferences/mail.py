"""Rendering one outbox row into an email: text + HTML in the recipient's language, an .ics.

Rendered at send time from the current data, so a message that waited in the outbox while the
conference moved still tells the truth.
"""

from __future__ import annotations

import datetime
import zoneinfo
from email.utils import format_datetime, formatdate
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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
    """An EmailMultiAlternatives encoded once: delivery sends `raw` over SMTP as it is, any
    other backend (console, file) gets the same message object."""

    _encoded = None

    def message(self, *, policy=None):
        if self._encoded is None:
            self._encoded = super().message()
        return self._encoded

    @property
    def raw(self) -> bytes:
        return self.message().as_bytes(linesep="\r\n")


class _Audience:
    def __init__(self, *, subject, text, html, ics, method, organization) -> None:
        self.subject, self.text, self.html, self.ics = subject, text, html, ics
        self.method, self.organization = method, organization


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
            text = render_to_string("conferences/email/message.txt", {**context, "name": NAME})
            html = render_to_string("conferences/email/message.html", {**context, "name": NAME})
            ics = None
            if message.kind in CALENDAR_KINDS:
                ics = conference_ics(
                    conference=conference,
                    description=render_to_string("conferences/email/calendar.txt", context),
                    join_url=join_url,
                    cancel=cancel,
                )
            signature = pgettext("email sender", "El-yurt umidi foundation")
        audience = _Audience(
            subject=subject,
            text=text,
            html=html,
            ics=ics,
            method="CANCEL" if cancel else "REQUEST",
            organization=signature,
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
        name = " ".join(invitation.name.split())  # no line breaks into the body
        # The token first: a name put in afterwards is never searched again.
        text = audience.text.replace(TOKEN, token).replace(NAME, name)
        html = audience.html.replace(TOKEN, token).replace(NAME, escape(name))
        email = MergedEmail(
            subject=audience.subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[invitation.email],
            reply_to=_reply_to(),
            headers={
                "Message-ID": f"<outbox-{message.pk}@{_host()}>",
                "Date": _date(),
                "Organization": audience.organization,
                # RFC 3834: sent by a program, so vacation responders stay quiet. No
                # List-Unsubscribe on reminders: nobody can stop them, so none offers to.
                "Auto-Submitted": "auto-generated",
            },
        )
        email.attach_alternative(html, "text/html")
        if audience.ics is not None:
            email.attach(
                "invite.ics",
                with_attendee(audience.ics, invitation).decode(),
                f"text/calendar; method={audience.method}",
            )
        return email
