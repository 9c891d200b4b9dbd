"""The subscribers' mail, rendered once per language and made personal by the unsubscribe link
alone (a marker replaced per reader), so 10,000 digests cost a few renderings.

Every mail but the confirmation carries `List-Unsubscribe` with the one-click POST of RFC 8058
(`List-Unsubscribe-Post: List-Unsubscribe=One-Click`) and the same link visibly in its text.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from conferences.mail import format_when
from conferences.models import Conference
from pressroom.models import PressRelease
from pressroom.rendering import pick_text, summary
from transliteration import in_script

from .tokens import unsubscribe_token

MARK = "\x00UNSUBSCRIBE\x00"
SCRIPT_OF = {"uz-cyrl": "cyrl", "uz-latn": "latn"}


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(salt: str, *, base: str | None = None) -> str:
    """The personal unsubscribe link; `base` (unsubscribe_base()) saves a reverse() per reader
    when thousands are made at once."""
    return (base or unsubscribe_base()).replace(PLACEHOLDER, unsubscribe_token(salt))


PLACEHOLDER = "0" * 64


def unsubscribe_base() -> str:
    return site_url(reverse("subscriptions:unsubscribe", kwargs={"token": PLACEHOLDER}))


def list_headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def uzbek_in(text: str, language: str) -> str:
    """Uzbek text in the reader's script; other languages as written."""
    script = SCRIPT_OF.get(language)
    return in_script(text, script) if script and text else text


def _conference_title(conference: Conference, language: str) -> str:
    if conference.language.lower().startswith("uz"):
        return uzbek_in(conference.title, language)
    return conference.title


def _release_text(release: PressRelease, language: str) -> tuple[str, str]:
    text = pick_text(release, SCRIPT_OF.get(language) or language[:2], language)
    title, body = text.title, text.body
    if text.code == "cyrl" and language == "uz-latn":
        title, body = in_script(title, "latn"), in_script(body, "latn")
    return title, summary(body, 40)


def _release_url(release: PressRelease, language: str) -> str:
    path = reverse("pressroom:detail", kwargs={"slug": release.slug})
    code = SCRIPT_OF.get(language) or language[:2]
    return site_url(f"{path}?lang={code}")


def confirmation(*, kind_label: str, language: str, link: str) -> tuple[str, str]:
    """(subject, text) of the mail asking to confirm a subscription."""
    with translation.override(language):
        subject = _("Confirm your subscription")
        text = render_to_string(
            "subscriptions/email/confirm.txt", {"kind": kind_label, "link": link}
        )
    return subject, text


def release_letter(*, release: PressRelease, language: str) -> tuple[str, str]:
    """(subject, text) of the new-release mail in `language`, with MARK for the link."""
    title, abstract = _release_text(release, language)
    with translation.override(language):
        subject = _("New press release: %(title)s") % {"title": title}
        text = render_to_string(
            "subscriptions/email/release.txt",
            {
                "title": title,
                "summary": abstract,
                "url": _release_url(release, language),
                "unsubscribe": MARK,
            },
        )
    return subject, text


def digest_letter(
    *,
    conferences: list[Conference],
    releases: list[PressRelease],
    language: str,
    week: datetime.date,
) -> tuple[str, str]:
    """(subject, text) of the weekly digest in `language`, with MARK for the link."""
    script = SCRIPT_OF.get(language)
    with translation.override(language):
        items = [
            {
                "title": _conference_title(c, language),
                "when": format_when(c.starts_at, "Asia/Tashkent", language),
                "url": site_url(
                    reverse("conference_public:detail", kwargs={"slug": c.slug})
                    + (f"?lang={script}" if script else "")
                    + "#register"
                ),
            }
            for c in conferences
        ]
        news = []
        for release in releases:
            title, abstract = _release_text(release, language)
            news.append(
                {"title": title, "summary": abstract, "url": _release_url(release, language)}
            )
        subject = _("El-yurt umidi: the week of %(date)s") % {"date": f"{week:%Y-%m-%d}"}
        text = render_to_string(
            "subscriptions/email/digest.txt",
            {"conferences": items, "releases": news, "unsubscribe": MARK},
        )
    return subject, text
