"""A release's texts on their way out: sanitised HTML, a summary, a Word document."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import nh3
from django.utils.html import strip_tags
from django.utils.text import Truncator

from transliteration import to_latin

from .models import PressRelease

# What an editor may format in a body; everything else (script, style, iframe, on* attributes,
# javascript: links) is dropped by nh3.
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "a", "ul", "ol", "li", "blockquote"}
ALLOWED_TAGS |= {"h2", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_BLOCK_START = re.compile(r"^\s*<(p|ul|ol|blockquote|h[2-4])[\s>]", re.IGNORECASE)
_PARAGRAPHS = re.compile(r"\n\s*\n")

# (code used in URLs and fields, label on the switch, HTML lang attribute)
SCRIPTS: list[tuple[str, str, str]] = [
    ("cyrl", "Кирилл", "uz-Cyrl"),
    ("latn", "Lotin", "uz-Latn"),
    ("ru", "Русский", "ru"),
    ("en", "English", "en"),
]
SCRIPT_CODES = [code for code, _label, _lang in SCRIPTS]
# The interface language decides which text a visitor sees first.
DEFAULT_SCRIPT_FOR_LANGUAGE = {"uz-cyrl": "cyrl", "uz-latn": "latn", "ru": "ru", "en": "en"}
# A public page's `lang` -> its interface language (settings.LANGUAGES) and its hreflang tag.
LANGUAGE_FOR_CODE = {code: language for language, code in DEFAULT_SCRIPT_FOR_LANGUAGE.items()}
SCRIPT_TAGS_BY_CODE = {code: tag for code, _label, tag in SCRIPTS}


@dataclass(frozen=True)
class ReleaseText:
    code: str
    lang: str
    label: str
    title: str
    body: str


def available_texts(release: PressRelease) -> list[ReleaseText]:
    """The languages the release is written in: both Uzbek scripts always (the Latin derived
    from the Cyrillic where nobody wrote it), Russian and English when filled."""
    texts = []
    for code, label, lang in SCRIPTS:
        title = getattr(release, f"title_{code}")
        body = getattr(release, f"body_{code}")
        if code == "latn":
            title = title.strip() and title or to_latin(release.title_cyrl)
            body = body.strip() and body or to_latin(release.body_cyrl)
        if code in ("cyrl", "latn") or (title.strip() and body.strip()):
            texts.append(ReleaseText(code=code, lang=lang, label=label, title=title, body=body))
    return texts


def release_in(release: PressRelease, language: str) -> ReleaseText:
    """The release's text for a page in `language` (settings.LANGUAGES), as the release page
    picks it: that language's text or script where there is one, else the Cyrillic original."""
    return pick_text(release, None, (language or "").lower())


def pick_text(release: PressRelease, wanted: str | None, language_code: str) -> ReleaseText:
    texts = {t.code: t for t in available_texts(release)}
    for code in (wanted, DEFAULT_SCRIPT_FOR_LANGUAGE.get(language_code), "cyrl"):
        if code in texts:
            return texts[code]
    return texts["cyrl"]


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def body_html(text: str) -> str:
    """Plain paragraphs become <p>; paragraphs an editor wrote as HTML stay; all sanitised."""
    blocks = []
    for block in _PARAGRAPHS.split(text.replace("\r\n", "\n").strip()):
        if not block.strip():
            continue
        if _BLOCK_START.match(block):
            blocks.append(block)
        else:
            blocks.append("<p>" + block.strip().replace("\n", "<br>") + "</p>")
    return sanitize_html("\n".join(blocks))


def plain_paragraphs(text: str) -> list[str]:
    """The body as plain text paragraphs (for the feed, the description, the .docx)."""
    cleaned = nh3.clean(body_html(text), tags={"p", "br"}, attributes={})
    paragraphs = []
    for chunk in re.split(r"</p>|<br>", cleaned):
        words = " ".join(strip_tags(chunk).split())
        if words:
            paragraphs.append(_unescape(words))
    return paragraphs


def _unescape(text: str) -> str:
    return html.unescape(text)


def summary(text: str, words: int = 40) -> str:
    paragraphs = plain_paragraphs(text)
    return Truncator(paragraphs[0] if paragraphs else "").words(words, truncate="…")


def docx_bytes(*, title: str, body: str, lang: str) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = title
    document.core_properties.language = lang
    document.core_properties.author = "Press service"
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    document.add_heading(title, level=1)
    for paragraph in plain_paragraphs(body):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
