"""The council's year in review: a page with its charts, and the same figures as a .docx."""

from __future__ import annotations

import io

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from ..year_report import year_in_review
from ._common import StaffView

YEARS = range(2000, 2101)


def _report(year: int) -> dict:
    if year not in YEARS:
        raise Http404(_("A year from 2000 to 2100."))
    return year_in_review(year=year)


def _labels(report: dict) -> list[tuple[str, tuple]]:
    """The report's figures in order, with their labels (the page's and the .docx's)."""
    recs = report["recommendations"]
    rows = [
        (_("Conferences held"), report["conferences"]),
        (_("Participants"), report["participants"]),
        (_("Experts who took part"), report["experts"]),
    ]
    if report["drafts_reviewed"] is not None:
        rows.append((_("Draft regulations reviewed"), report["drafts_reviewed"]))
    rows += [
        (_("Recommendations made"), recs["made"]),
        (_("Recommendations accepted"), recs["accepted"]),
        (_("Recommendations implemented"), recs["implemented"]),
        (_("Recommendations overdue"), recs["overdue"]),
        (_("Press releases published"), report["releases"]),
    ]
    return rows


class YearReportView(StaffView, TemplateView):
    permission_required = "conferences.view_conference"
    template_name = "dashboard/year_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = _report(self.kwargs["year"])
        recs = report["recommendations"]
        context.update(
            report=report,
            figures=_labels(report),
            chart_data={
                "audience": {
                    "labels": [label for label, _n in report["audience"]],
                    "values": [n for _label, n in report["audience"]],
                    "label": _("Conferences"),
                },
                "recommendations": {
                    "labels": [_("Made"), _("Accepted"), _("Implemented"), _("Overdue")],
                    "values": [recs[k][0] for k in ("made", "accepted", "implemented", "overdue")],
                    "label": _("Recommendations"),
                },
            },
        )
        return context


class YearReportDocxView(StaffView, View):
    permission_required = "conferences.view_conference"

    def get(self, request, *args, **kwargs):
        report = _report(self.kwargs["year"])
        content = report_docx(report, title=_("The council's year %(year)d") % report)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="report-{report["year"]}.docx"'
        return response


def _hyperlink(paragraph, url: str, text: str) -> None:
    """A real link in a .docx paragraph (python-docx has no API for it)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:u")
    style.set(qn("w:val"), "single")
    props.append(style)
    run.append(props)
    node = OxmlElement("w:t")
    node.text = text
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def report_docx(report: dict, *, title: str) -> bytes:
    """The report as a .docx: the figures in a table, each linking to its records (absolute
    links from SITE_URL), then audience by kind and experts by country."""
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    table = document.add_table(rows=0, cols=2)
    for label, (value, url) in _labels(report):
        cells = table.add_row().cells
        cells[0].text = str(label)
        if url:
            _hyperlink(cells[1].paragraphs[0], f"{settings.SITE_URL}{url}", str(value))
        else:
            cells[1].text = str(value)
    if report["audience"]:
        document.add_heading(_("Audience by kind (conferences held)"), level=2)
        for label, n in report["audience"]:
            document.add_paragraph(f"{label}: {n}", style="List Bullet")
    if report["experts_by_country"]:
        document.add_heading(_("Experts by country"), level=2)
        for name, n, url in report["experts_by_country"]:
            paragraph = document.add_paragraph(f"{name}: ", style="List Bullet")
            _hyperlink(paragraph, f"{settings.SITE_URL}{url}", str(n))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
