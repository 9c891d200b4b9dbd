"""A post's text: title, a summary cut at a sentence's end, the link; in the channel's script,
as Telegram HTML within Telegram's limits.

Telegram counts a message's length in UTF-16 code units of the text after its entities are
parsed (https://core.telegram.org/bots/api#sendmessage): the visible text, so the tags and
the `&lt;` escapes cost nothing. Every piece here is measured before it is escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from conferences.models import Conference
from pressroom.models import PressRelease
from pressroom.rendering import plain_paragraphs
from transliteration import in_script

from .bot import CAPTION_LIMIT, TEXT_LIMIT

ELLIPSIS = "…"
TASHKENT = ZoneInfo("Asia/Tashkent")
# The catalogue that writes our own words (the link's label, the "withdrawn" note) in a
# channel's script: uz-latn's is in Latin letters, uz-cyrl's in Cyrillic.
LANGUAGE_FOR_SCRIPT = {"cyrl": "uz-cyrl", "latn": "uz-latn"}
# A sentence ends at . ! ? or … followed by a space (closing quotes and brackets stay with it).
_SENTENCE_END = re.compile(r"(?<=[.!?…])[»”\"')\]]*\s+")


@dataclass(frozen=True)
class Post:
    """What one channel shows: `html` is the text or, with `photo_url`, the caption."""

    html: str
    photo_url: str = ""

    @property
    def limit(self) -> int:
        return CAPTION_LIMIT if self.photo_url else TEXT_LIMIT


def utf16_len(text: str) -> int:
    """Telegram's length of `text`: UTF-16 code units (a character beyond U+FFFF counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _escape(text: str) -> str:
    # Telegram's HTML knows &lt; &gt; &amp; &quot; and numeric entities.
    return html.escape(text, quote=False)


def _cut(text: str, budget: int) -> str:
    """`text` within `budget` code units: whole sentences if at least one fits, else whole
    words with an ellipsis, else nothing."""
    text = " ".join(text.split())
    if utf16_len(text) <= budget:
        return text
    kept = ""
    for match in _SENTENCE_END.finditer(text):
        candidate = text[: match.start()].rstrip()
        if utf16_len(candidate) > budget:
            break
        kept = candidate
    if kept:
        return kept
    words, result = text.split(" "), ""
    for word in words:
        candidate = f"{result} {word}".strip()
        if utf16_len(candidate + ELLIPSIS) > budget:
            break
        result = candidate
    return result + ELLIPSIS if result else ""


def _compose(*, title: str, body: str, link: str, link_label: str, limit: int) -> str:
    """Bold title, summary, link; the summary gets what the limit leaves."""
    title = _cut(title, min(limit // 4, 400))
    # The visible text is: title \n\n summary \n\n link_label
    fixed = utf16_len(title) + utf16_len(link_label) + 4
    budget = min(settings.TELEGRAM_SUMMARY_CHARS, limit - fixed)
    summary = _cut(body, budget) if budget > 0 else ""
    parts = [f"<b>{_escape(title)}</b>"]
    if summary:
        parts.append(_escape(summary))
    parts.append(f'<a href="{html.escape(link, quote=True)}">{_escape(link_label)}</a>')
    return "\n\n".join(parts)


def _source(release: PressRelease, field: str, script: str) -> str:
    # The Latin text may be edited by hand, so it is used when there; in_script is applied on
    # top, so no letter of the other script is left (a Latin channel shows no Cyrillic letter).
    return getattr(release, f"{field}_{script}", "") or getattr(release, f"{field}_cyrl")


def release_link(release: PressRelease, script: str) -> str:
    """The release's public page on SITE_URL, opened in the channel's script."""
    from pressroom.views import release_url, site_url

    return site_url(f"{release_url(release)}?lang={script}")


def release_lead_photo_url(release: PressRelease) -> str:
    """The release's lead photo as an absolute URL, or "" (releases have no photo yet: a field
    `lead_photo` added later is picked up here)."""
    photo = getattr(release, "lead_photo", None)
    if not photo:
        return ""
    from pressroom.views import site_url

    url = photo.url
    return url if url.startswith(("http://", "https://")) else site_url(url)


def release_post(release: PressRelease, script: str) -> Post:
    """The post of `release` for a channel in `script` ("cyrl" or "latn")."""
    photo = release_lead_photo_url(release)
    limit = CAPTION_LIMIT if photo else TEXT_LIMIT
    # Tags go first (an editor's <p>), then the script: "&lt;" in a text stays text.
    body = _source(release, "body", script)
    plain = in_script(" ".join(plain_paragraphs(body)), script)
    with override(LANGUAGE_FOR_SCRIPT[script]):
        label = _("Read on the site")
    text = _compose(
        title=in_script(_source(release, "title", script), script),
        body=plain,
        link=release_link(release, script),
        link_label=label,
        limit=limit,
    )
    return Post(html=text, photo_url=photo)


def conference_public_path(conference: Conference) -> str:
    """The public page of a conference with its registration form, `/conferences/<slug>/`."""
    return reverse("conference_public:detail", kwargs={"slug": conference.slug})


def conference_post(conference: Conference, script: str) -> Post:
    """The announcement of a scheduled conference: topic, Tashkent time, registration link."""
    from pressroom.views import site_url

    with override(LANGUAGE_FOR_SCRIPT[script]):
        starts = conference.starts_at.astimezone(TASHKENT)
        when = _("%(date)s at %(time)s (Tashkent time)") % {
            "date": starts.strftime("%d.%m.%Y"),
            "time": starts.strftime("%H:%M"),
        }
        label = _("Register")
    text = _compose(
        title=in_script(conference.title, script),
        body=when,
        link=site_url(conference_public_path(conference)),
        link_label=label,
        limit=TEXT_LIMIT,
    )
    return Post(html=text)


def withdrawn_text(script: str) -> str:
    """What a post says once its release is withdrawn and Telegram refused to delete it."""
    with override(LANGUAGE_FOR_SCRIPT.get(script, "uz-cyrl")):
        return _("This press release has been withdrawn.")
