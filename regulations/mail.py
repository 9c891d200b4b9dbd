"""The review's letters, rendered in the reader's language and script before they are queued
in the generic outbox (mailing): invitations, D-3 and D-1 reminders, the opinion."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from conferences.mail import format_when
from transliteration import in_script

from .models import Draft, Reviewer
from .tokens import reviewer_token

# A reminder's key segment and how many days before the deadline it goes.
REMINDERS = (("d3", 3), ("d1", 1))


def comment_url(*, reviewer: Reviewer) -> str:
    token = reviewer_token(reviewer=reviewer)
    return settings.SITE_URL + reverse("regulations:comment", kwargs={"token": token})


def _in_reader_script(text: str, language: str) -> str:
    """Uzbek text in the reader's script; other languages read the title as the ministry sent it."""
    if language == "uz-latn":
        return in_script(text, "latn")
    if language == "uz-cyrl":
        return in_script(text, "cyrl")
    return text


def reviewer_letter(*, reviewer: Reviewer, kind: str) -> dict:
    """letter_queue's arguments for an invitation (`kind` "invite") or a reminder ("d3", "d1").

    The deadline is the end of the deadline day in Tashkent, shown in the expert's time zone.
    """
    expert = reviewer.expert
    draft = reviewer.draft
    language = expert.preferred_language.lower()
    with translation.override(language):
        title = _in_reader_script(draft.title, language)
        deadline = format_when(draft.deadline_at, expert.time_zone, language)
        if kind == "invite":
            subject = _("Review of a draft regulation: %(title)s") % {"title": title}
            intro = _(
                "The council asks for your comments on the draft regulation “%(title)s”, sent by "
                "%(ministry)s."
            ) % {"title": title, "ministry": _in_reader_script(draft.organization.name, language)}
        else:
            days = 3 if kind == "d3" else 1
            subject = _("Reminder: comments on “%(title)s” close soon") % {"title": title}
            intro = translation.ngettext(
                "Comments on the draft regulation “%(title)s” close in %(days)d day.",
                "Comments on the draft regulation “%(title)s” close in %(days)d days.",
                days,
            ) % {"title": title, "days": days}
        text = "\n\n".join(
            [
                _("Dear %(name)s,") % {"name": expert.full_name},
                intro,
                _("Comment article by article through your personal link:")
                + "\n"
                + comment_url(reviewer=reviewer),
                _("Deadline: %(deadline)s (%(zone)s).")
                % {"deadline": deadline, "zone": expert.time_zone},
                _("Do not forward this message: the link is personal."),
            ]
        )
    return {
        "key": f"review:{draft.pk}:reviewer:{reviewer.pk}:{kind}",
        "to_email": expert.email,
        "to_name": expert.full_name,
        "language": language,
        "subject": subject,
        "text": text,
        "source": reviewer,
    }


def opinion_letter(*, draft: Draft, docx: bytes, filename: str) -> dict:
    """letter_queue's arguments for the approved opinion, to the ministry's contact, in Uzbek
    Cyrillic (the document itself holds both scripts)."""
    language = "uz-cyrl"
    with translation.override(language):
        subject = _("Opinion of the council on “%(title)s”") % {"title": draft.title}
        text = "\n\n".join(
            [
                _("Dear %(name)s,") % {"name": draft.contact_name or draft.organization.name},
                _(
                    "Attached is the council's opinion on the draft regulation “%(title)s”, as a "
                    "comparative table in Uzbek Cyrillic and Latin."
                )
                % {"title": draft.title},
            ]
        )
    return {
        "key": f"review:{draft.pk}:opinion",
        "to_email": draft.contact_email,
        "to_name": draft.contact_name,
        "language": language,
        "subject": subject,
        "text": text,
        "attachments": [
            (
                filename,
                docx,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        ],
        "source": draft,
    }
