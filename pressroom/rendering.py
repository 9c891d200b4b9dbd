"""A release's texts on their way out: sanitised HTML, a summary, a Word document."""

from __future__ import annotations

import datetime
import html
import io
import re
import zoneinfo
from dataclasses import dataclass

import nh3
from django.utils import timezone
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
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")

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


# The .docx: what each language calls the foundation and its press service, the place on the
# date line, and the language tag Word spell-checks its runs with (w:lang, BCP 47 with region).
DOCX_LANGUAGES = {
    "uz-Cyrl": ("uz-Cyrl-UZ", "“Эл-юрт умиди” жамғармаси", "Матбуот хизмати", "Тошкент"),
    "uz-Latn": ("uz-Latn-UZ", "“El-yurt umidi” jamgʻarmasi", "Matbuot xizmati", "Toshkent"),
    "ru": ("ru-RU", "Фонд «Эл-юрт умиди»", "Пресс-служба", "Ташкент"),
    "en": ("en-US", "El-yurt umidi Foundation", "Press service", "Tashkent"),
}
_LINK = re.compile(r'<a\s[^>]*?href="([^"]+)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
_BARE_URL = re.compile(r"(https?://[^\s<>\"“”«»]+[^\s<>\"“”«».,;:!?)])")
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


def docx_date_line(day: datetime.date, lang: str) -> str:
    """The release's date as the language writes it, after the place: «Тошкент, 2020 йил 28
    август», «Toshkent, 2020-yil 28-avgust», «Ташкент, 28 августа 2020 г.», «Tashkent, 28
    August 2020»."""
    from conferences.mail import MONTHS
    from transliteration.dates import date_words

    language = lang.lower()
    place = DOCX_LANGUAGES.get(lang, DOCX_LANGUAGES["en"])[3]
    if language in ("uz-cyrl", "uz-latn"):
        return f"{place}, {date_words(day, language[3:])}"  # the releases' own forms
    month = MONTHS.get(language, MONTHS["en"]).split()[day.month - 1]
    if language == "ru":
        return f"{place}, {day.day} {month} {day.year} г."
    return f"{place}, {day.day} {month} {day.year}"


def _segments(paragraph_html: str) -> list[tuple[str, str]]:
    """A paragraph's text as (text, link) pieces: <a href> links and bare URLs and e-mail
    addresses become links; `link` is "" for plain text."""
    pieces: list[tuple[str, str]] = []
    at = 0
    for match in _LINK.finditer(paragraph_html):
        pieces += _plain_segments(paragraph_html[at : match.start()])
        text = _unescape(" ".join(strip_tags(match.group(2)).split()))
        pieces.append((text or match.group(1), _unescape(match.group(1))))
        at = match.end()
    return pieces + _plain_segments(paragraph_html[at:])


def _plain_segments(fragment: str) -> list[tuple[str, str]]:
    text = _unescape(strip_tags(fragment))
    pieces, at = [], 0
    for match in re.finditer(f"{_BARE_URL.pattern}|{_EMAIL.pattern}", text):
        pieces.append((text[at : match.start()], ""))
        url, email = match.group(1), match.group(2)
        pieces.append((url or email, url or f"mailto:{email}"))
        at = match.end()
    pieces.append((text[at:], ""))
    return [(t, link) for t, link in pieces if t]


def _docx_paragraphs(text: str) -> list[list[tuple[str, str]]]:
    """The body as paragraphs of (text, link) pieces, whitespace folded as on the page."""
    cleaned = nh3.clean(body_html(text), tags={"p", "br", "a"}, attributes={"a": {"href"}})
    paragraphs = []
    for chunk in re.split(r"</p>|<br>", cleaned):
        chunk = " ".join(chunk.replace("<p>", " ").split())
        pieces = [(t, link) for t, link in _segments(chunk) if t]
        if "".join(t for t, _link in pieces).strip():
            paragraphs.append(pieces)
    return paragraphs


def docx_bytes(
    *, title: str, body: str, lang: str, published: datetime.date | None = None
) -> bytes:
    """The release as a press-ready Word document: A4 with 2 cm margins; a letterhead on the
    first page (the foundation's name, its press service, settings.PRESS_CONTACTS with live
    links); the date line (`published`, else today, in Tashkent); the title and body with
    real hyperlinks; page numbers (a PAGE field) in the footer; every run and the defaults
    tagged with the language (w:lang: uz-Cyrl-UZ, uz-Latn-UZ, ru-RU, en-US); and today as the
    document's creation date in its core properties."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    tag, foundation, press_service, _place = DOCX_LANGUAGES.get(lang, DOCX_LANGUAGES["en"])
    now = timezone.now()
    document = Document()
    properties = document.core_properties
    properties.title = title
    properties.language = tag
    properties.author = properties.last_modified_by = f"{foundation}, {press_service}"
    properties.created = properties.modified = now.replace(microsecond=0)
    properties.revision = 1
    _docx_language_defaults(document, tag)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = True
    _docx_letterhead(section.first_page_header, foundation, press_service, tag)
    for footer in (section.footer, section.first_page_footer):
        _docx_page_number(footer.paragraphs[0], tag)
        footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    day = published or timezone.localtime(now, TASHKENT).date()
    date_line = document.add_paragraph()
    date_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _docx_run(date_line, docx_date_line(day, lang), tag)
    heading = document.add_heading(level=1)
    _docx_run(heading, title, tag)
    for pieces in _docx_paragraphs(body):
        paragraph = document.add_paragraph()
        for text, link in pieces:
            if link:
                _docx_hyperlink(paragraph, text, link, tag)
            else:
                _docx_run(paragraph, text, tag)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_lang(run_properties, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for old in run_properties.findall(qn("w:lang")):
        run_properties.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), tag)
    # w:lang must come late in rPr (after the font, size and colour properties).
    run_properties.append(lang)


def _docx_language_defaults(document, tag: str) -> None:
    """The styles' default run language: what Word assumes where a run names none."""
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _docx_lang(run_properties, tag)


def _docx_run(paragraph, text: str, tag: str, *, bold: bool = False):
    run = paragraph.add_run(text)
    run.bold = bold or None
    _docx_lang(run._r.get_or_add_rPr(), tag)
    return run


def _docx_hyperlink(paragraph, text: str, url: str, tag: str) -> None:
    """A real hyperlink (w:hyperlink to an external relationship), styled as Word's own."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    part = paragraph.part
    rid = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(color)
    properties.append(underline)
    _docx_lang(properties, tag)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def _docx_letterhead(header, foundation: str, press_service: str, tag: str) -> None:
    from django.conf import settings
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    name = header.paragraphs[0]
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_run(name, foundation, tag, bold=True)
    service = header.add_paragraph()
    service.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_run(service, press_service, tag)
    contacts = getattr(settings, "PRESS_CONTACTS", "")
    if contacts:
        line = header.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for text, link in _plain_segments(contacts):
            if link:
                _docx_hyperlink(line, text, link, tag)
            else:
                _docx_run(line, text, tag)


def _docx_page_number(paragraph, tag: str) -> None:
    """A PAGE field: Word writes each page's number into it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
        run = _docx_run(paragraph, "", tag)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text
    end = _docx_run(paragraph, "", tag)
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)
