"""The letters to an addressee's contacts: a recommendation sent, and its reminders. Rendered
here in the reader's language and script, queued in the general outbox (mailing)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from mailing.services import letter_queue

from .models import AnswerLink, Script
from .tokens import answer_token


def reader_language(language: str) -> str:
    """A person's Language (experts.models) as a settings.LANGUAGES code ("uz-Cyrl" → "uz-cyrl")."""
    code = (language or "").lower()
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE.lower()


def reader_script(language: str) -> str:
    """The script a reader of `language` gets the text in: Latin for Uzbek Latin and English,
    Cyrillic for Uzbek Cyrillic and Russian."""
    return Script.LATIN if language in ("uz-latn", "en") else Script.CYRILLIC


def answer_url(*, link: AnswerLink) -> str:
    path = reverse("recommendations:answer", kwargs={"token": answer_token(link=link)})
    return f"{settings.SITE_URL}{path}"


def recommendation_letter_queue(*, link: AnswerLink, occasion: str) -> bool:
    """Queue the letter of `occasion` ("sent", or "remind:<period>") to the link's contact;
    False when it was queued before (the key is idempotent). Call it inside the transaction."""
    recommendation, contact = link.recommendation, link.contact
    language = reader_language(contact.preferred_language)
    script = reader_script(language)
    with translation.override(language):
        context = {
            "recommendation": recommendation,
            "text": recommendation.text_in(script),
            "contact": contact,
            "url": answer_url(link=link),
            "reminder": occasion != "sent",
            "council": recommendation.council.name_latin
            if script == Script.LATIN and recommendation.council.name_latin
            else recommendation.council.name,
        }
        subject = render_to_string("recommendations/mail_subject.txt", context).strip()
        text = render_to_string("recommendations/mail.txt", context)
    letter_id = letter_queue(
        key=f"recommendation:{recommendation.pk}:contact:{contact.pk}:{occasion}",
        to_email=contact.email,
        to_name=contact.full_name,
        language=language,
        subject=subject,
        text=text,
        source=recommendation,
    )
    return letter_id is not None
