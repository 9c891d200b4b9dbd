"""Rendering one outbox row into an email: text + HTML in the recipient's language, an .ics.

Rendered at send time from the current data, so a message that waited in the outbox while the
conference moved still tells the truth.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .calendar import invitation_ics
from .invitations import invitation_token
from .models import Conference, Invitation, OutboundMessage, Presentation

Kind = OutboundMessage.Kind
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
    if kind == Kind.REMINDER_24H:
        return _("A reminder: the videoconference starts in 24 hours.")
    return _("A reminder: the videoconference starts in one hour.")


class MessageRenderer:
    """Builds emails for one batch; caches the agenda per conference."""

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

    def build(self, *, message: OutboundMessage) -> EmailMultiAlternatives:
        invitation = message.invitation
        conference = invitation.conference
        language = (invitation.language or settings.LANGUAGE_CODE).lower()
        with translation.override(language):
            cancel = message.kind == Kind.CANCELLATION
            agenda = self.agenda(conference)
            if language == "uz-latn":
                agenda = [
                    {**item, "presenter": item["presenter_latin"] or item["presenter"]}
                    for item in agenda
                ]
            context = {
                "kind": message.kind,
                "cancel": cancel,
                "invitation": invitation,
                "conference": conference,
                "intro": _intro(message.kind, invitation, conference),
                "agenda": agenda,
                "when_local": format_when(conference.starts_at, invitation.timezone, language),
                "local_zone": invitation.timezone,
                "when_tashkent": format_when(conference.starts_at, "Asia/Tashkent", language),
                "join_url": invitation.effective_join_url,
                "answer_url": ""
                if cancel
                else answer_url(invitation=invitation, conference=conference),
                "answer": invitation.answer,
                "show_answer": message.kind in (Kind.INVITATION, Kind.UPDATE)
                or invitation.answer == Invitation.Answer.NONE,
            }
            subject = _subject(message.kind, conference.title)
            text = render_to_string("conferences/email/message.txt", context)
            html = render_to_string("conferences/email/message.html", context)
            description = render_to_string("conferences/email/calendar.txt", context)
            signature = pgettext("email sender", "El-yurt umidi foundation")
        email = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[invitation.email],
            headers={
                "Message-ID": f"<outbox-{message.pk}-{message.kind}@elyurt>",
                "X-Elyurt-Message": str(message.pk),
                "Organization": signature,
            },
        )
        email.attach_alternative(html, "text/html")
        if message.kind in (Kind.INVITATION, Kind.UPDATE, Kind.CANCELLATION):
            ics = invitation_ics(
                invitation=invitation,
                conference=conference,
                description=description,
                cancel=cancel,
            )
            email.attach(
                "invite.ics",
                ics.decode(),
                f"text/calendar; method={'CANCEL' if cancel else 'REQUEST'}",
            )
        return email
