"""The council's opinion: the comparative table ministries use (article | current wording |
proposed wording | justification | experts who support it), as JSON and as .docx.

The .docx is A4 landscape with page numbers, the table once in Uzbek Cyrillic and once in
Uzbek Latin (transliteration.in_script). A row is an article with at least one accepted or
merged comment; the council's wording and justification, when the secretary wrote them, take
the place of the experts' own.
"""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _

from transliteration import in_script, to_latin

from .models import Draft
from .selectors import SUPPORTING, article_rows

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def opinion_rows(*, draft: Draft) -> list[dict]:
    """One dict per article with support: number, current_wording, proposed_wording,
    justification, experts (list of {"name", "name_latin"}), in the draft's current order."""
    rows = []
    for row in article_rows(draft=draft, decisions=SUPPORTING):
        supporting = row["comments"]
        article = row["article"]
        unit = row["unit"] or supporting[0].unit
        opinion = getattr(article, "opinion", None)  # None: no council wording yet
        wording = (opinion.wording if opinion else "") or "\n\n".join(
            c.proposed_wording for c in supporting if c.proposed_wording
        )
        justification = (opinion.justification if opinion else "") or "\n\n".join(
            c.justification or c.remark for c in supporting
        )
        rows.append(
            {
                "article_id": article.pk,
                "number": unit.number,
                "current_wording": unit.text,
                "proposed_wording": wording,
                "justification": justification,
                "experts": [
                    {
                        "name": c.reviewer.expert.full_name,
                        "name_latin": c.reviewer.expert.full_name_latin
                        or to_latin(c.reviewer.expert.full_name),
                    }
                    for c in supporting
                ],
            }
        )
    return rows


def opinion_json(*, draft: Draft) -> dict:
    """The opinion as the API serves it: {"draft", "title", "status", "rows": [...]}."""
    return {
        "draft": draft.pk,
        "title": draft.title,
        "status": draft.status,
        "rows": opinion_rows(draft=draft),
    }


def _page_number_footer(section) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = 1  # centred
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _cell_text(cell, value: str, *, bold: bool = False) -> None:
    """Write `value` into an empty cell, a paragraph per line.

    The w:t elements are built directly: python-docx's `run.text` walks the text a character
    at a time (for tabs and breaks elyurt.text has already removed), several times slower.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lines = value.split("\n") or [""]
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run()
        if bold:
            run.bold = True
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = line
        run._r.append(text)


def _table(document, rows: list[dict], script: str) -> None:
    headers = [
        _("Article"),
        _("Current wording"),
        _("Proposed wording"),
        _("Justification"),
        _("Experts who support it"),
    ]
    # All rows at once: add_row() copies the grid's widths row by row.
    table = document.add_table(rows=len(rows) + 1, cols=len(headers))
    table.style = "Table Grid"
    cells = table._cells
    for column, header in enumerate(headers):
        _cell_text(cells[column], in_script(header, script), bold=True)
    name_key = "name" if script == "cyrl" else "name_latin"
    for index, row in enumerate(rows, start=1):
        values = [
            row["number"],
            row["current_wording"],
            row["proposed_wording"],
            row["justification"],
            ", ".join(expert[name_key] for expert in row["experts"]),
        ]
        for column, value in enumerate(values):
            _cell_text(cells[index * len(headers) + column], in_script(value, script))


def opinion_docx(*, draft: Draft, rows: list[dict] | None = None) -> bytes:
    """The opinion as a .docx (see the module's rules); `rows` default to opinion_rows."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    rows = opinion_rows(draft=draft) if rows is None else rows
    document = docx.Document()
    # The table's text is small enough for five columns on a landscape page.
    document.styles["Normal"].font.size = Pt(9)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    _page_number_footer(section)
    # Headings are written in Uzbek and then put into each script.
    with translation.override("uz-cyrl"):
        for index, script in enumerate(("cyrl", "latn")):
            if index:
                document.add_page_break()
            document.add_heading(
                in_script(_("Opinion of the International Expert Council"), script), level=1
            )
            document.add_paragraph(in_script(draft.title, script))
            document.add_paragraph(in_script(draft.organization.name, script))
            _table(document, rows, script)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def opinion_filename(*, draft: Draft) -> str:
    return f"opinion-{draft.pk}.docx"
