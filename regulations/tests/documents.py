"""Word files for the tests and the bench, written with python-docx as a ministry would."""

from __future__ import annotations

import io

SUBJECTS = [
    "олий таълим муассасалари",
    "кредит-модуль тизими",
    "ўқув режалари",
    "масофавий таълим",
    "академик мустақиллик",
    "молиявий мустақиллик",
    "илмий фаолият",
    "халқаро ҳамкорлик",
]


def article_text(number: int, *, seed: int | None = None, variant: str = "") -> str:
    """An article in Uzbek Cyrillic: a heading paragraph and two body paragraphs, unique by
    `seed` (default: the number), so a renumbered article keeps its body."""
    seed = number if seed is None else seed
    subject = SUBJECTS[seed % len(SUBJECTS)]
    return (
        f"{number}-модда. {subject.capitalize()} тўғрисида {variant}".rstrip() + "\n"
        f"{subject.capitalize()} ушбу Низомнинг {seed} бандига мувофиқ фаолият юритади "
        f"ва ҳар йили ҳисобот беради (рақам {seed * 7}).\n"
        f"Вазирлик   {subject}   фаолиятини мувофиқлаштиради; муддат {seed} ой."
    )


def draft_paragraphs(count: int, *, chapters: int = 4, texts: dict | None = None) -> list[str]:
    """A preamble, chapters, and `count` articles; `texts` maps a position (0-based) to an
    article text of its own."""
    paragraphs = ["ОЛИЙ ТАЪЛИМ ТЎҒРИСИДАГИ НИЗОМ ЛОЙИҲАСИ", "Ушбу Низом мақсадини белгилайди."]
    per_chapter = max(1, count // chapters)
    for index in range(count):
        if index % per_chapter == 0:
            paragraphs.append(f"{index // per_chapter + 1}-боб. Умумий қоидалар")
        text = (texts or {}).get(index) or article_text(index + 1)
        paragraphs.extend(text.split("\n"))
        paragraphs.append("")
    return paragraphs


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def articles_docx(count: int, **kwargs) -> bytes:
    return docx_bytes(draft_paragraphs(count, **kwargs))
