"""PDF rendering of a report with an embedded CJK font (reportlab).

reportlab embeds TrueType outlines only, so the font is WenQuanYi Zen Hei from Debian's
``fonts-wqy-zenhei`` (Noto CJK ships PostScript outlines that reportlab cannot embed —
reference/data-sources.md §8). A missing font is a clear error naming the package.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from lingtan.errors import InputError
from lingtan.reports.html import format_cell
from lingtan.reports.model import Report, Table

#: Where Debian's fonts-wqy-zenhei installs the font (TrueType collection, face 0).
FONT_PATHS = (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),)
FONT_NAME = "WQYZenHei"


class FontMissingError(InputError):
    """No CJK TrueType font to embed."""


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    for path in FONT_PATHS:
        if path.is_file():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
            return FONT_NAME
    raise FontMissingError(
        "no CJK font to embed in the PDF: install the Debian package fonts-wqy-zenhei "
        "(apt-get install fonts-wqy-zenhei)")


def write_pdf(report: Report, path: str | Path) -> Path:
    """Render ``report`` to the PDF file ``path`` (A4, CJK font embedded)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = _register_font()
    styles = {name: ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.35,
                                   spaceAfter=size * 0.4, wordWrap="CJK")
              for name, size in (("title", 16), ("h", 12), ("p", 9), ("cell", 7))}
    story = [Paragraph(escape(report.title), styles["title"])]
    story += [Paragraph(f"{escape(k)}: {escape(format_cell(v))}", styles["p"])
              for k, v in report.metadata]
    for section in report.sections:
        story += [Spacer(1, 3 * mm), Paragraph(escape(section.heading), styles["h"])]
        story += [Paragraph(escape(p), styles["p"]) for p in section.paragraphs]
        for table in section.tables:
            story += [Paragraph(escape(table.name), styles["p"]),
                      _table(table, styles["cell"], colors), Spacer(1, 2 * mm)]
    path = Path(path)
    try:
        SimpleDocTemplate(str(path), pagesize=A4, title=report.title,
                          leftMargin=15 * mm, rightMargin=15 * mm).build(story)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def _table(table: Table, style: object, colors: object) -> object:
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as PdfTable

    def cell(value: object) -> Paragraph:
        return Paragraph(escape(format_cell(value)), style)  # type: ignore[arg-type]

    data = [[cell(c) for c in table.columns]] + [[cell(v) for v in row] for row in table.rows]
    pdf = PdfTable(data, repeatRows=1)
    pdf.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),  # type: ignore[attr-defined]
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),  # type: ignore[attr-defined]
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return pdf
