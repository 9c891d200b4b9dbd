"""The meeting record as a Word document, in either script of Uzbek."""

from __future__ import annotations

import io

from django.utils import timezone

from transliteration import in_script

# Headings in Uzbek Cyrillic; in_script gives the Latin ones.
TITLE = "Йиғилиш баённомаси"
HEADINGS = {
    "agenda": "Кун тартиби ва маърузачилар",
    "present": "Иштирок этган кенгаш аъзолари",
    "excused": "Узрли сабаб билан қатнашмаган аъзолар",
    "absent": "Қатнашмаган аъзолар",
    "audience": "Иштирокчилар тоифалар бўйича",
    "questions": "Берилган саволлар",
    "decisions": "Қарорлар",
}


def record_docx(*, record, script: str) -> bytes:
    """The record in `script` ("cyrl" or "latn"): a heading per part, one paragraph a line."""
    from docx import Document
    from docx.shared import Pt

    conference = record.conference
    document = Document()
    title = in_script(f"{TITLE}: {conference.title}", script)
    document.core_properties.title = title
    document.core_properties.language = f"uz-{script.capitalize()}"
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    document.add_heading(title, level=1)
    document.add_paragraph(
        timezone.localtime(conference.starts_at).strftime("%Y-%m-%d %H:%M")
        + f" · {in_script(conference.council.name, script)}"
    )
    for part, heading in HEADINGS.items():
        text = getattr(record, part)
        document.add_heading(in_script(heading, script), level=2)
        lines = [line for line in text.splitlines() if line.strip()] or ["—"]
        for line in lines:
            document.add_paragraph(in_script(line, script))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
