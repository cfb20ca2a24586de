"""PDF rendering of a report with an embedded CJK font (reportlab).

reportlab embeds TrueType outlines only, so the font is WenQuanYi Zen Hei from Debian's
``fonts-wqy-zenhei`` (Noto CJK ships PostScript outlines that reportlab cannot embed —
reference/data-sources.md §8). A missing font is a clear error naming the package.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from lingtan.errors import InputError
from lingtan.reports.figures import Figure
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


#: Tables with at least this many columns go on landscape pages.
LANDSCAPE_COLUMNS = 10
#: A column's share of the width follows its longest text, capped at this many characters.
MAX_COLUMN_CHARS = 28


def write_pdf(report: Report, path: str | Path) -> Path:
    """Render ``report`` to the PDF file ``path``: A4, CJK font embedded, charts as 200-dpi
    images with their captions, wide tables on landscape pages."""
    from reportlab.lib.styles import ParagraphStyle

    font = _register_font()
    styles = {name: ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.35,
                                   spaceAfter=size * 0.4, wordWrap="CJK")
              for name, size in (("title", 16), ("h", 12), ("p", 9), ("note", 7.5),
                                 ("cell", 7))}
    path = Path(path)
    try:
        _document(path, report.title).build(_story(report, styles))
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def _document(path: Path, title: str) -> Any:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    margin = 15 * mm
    templates = [PageTemplate(id=name, pagesize=size,
                              frames=[Frame(margin, margin, size[0] - 2 * margin,
                                            size[1] - 2 * margin, id=name)])
                 for name, size in (("portrait", A4), ("landscape", landscape(A4)))]
    return BaseDocTemplate(str(path), pagesize=A4, title=title, pageTemplates=templates)


def _story(report: Report, styles: dict[str, Any]) -> list[Any]:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, NextPageTemplate, PageBreak, Paragraph, Spacer

    widths = {"portrait": A4[0] - 30 * mm, "landscape": landscape(A4)[0] - 30 * mm}
    story: list[Any] = [Paragraph(escape(report.title), styles["title"])]
    story += [Paragraph(f"{escape(k)}: {escape(format_cell(v))}", styles["p"])
              for k, v in report.metadata]
    for section in report.sections:
        story += [Spacer(1, 3 * mm), Paragraph(escape(section.heading), styles["h"])]
        story += [Paragraph(escape(p), styles["p"]) for p in section.paragraphs]
        for figure in section.figures:
            story += [KeepTogether([Paragraph(escape(figure.title), styles["p"]),
                                    _image(figure, widths["portrait"]),
                                    Paragraph(escape(figure.note), styles["note"])]),
                      Spacer(1, 2 * mm)]
        for table in section.tables:
            wide = len(table.columns) >= LANDSCAPE_COLUMNS
            page = "landscape" if wide else "portrait"
            if wide:
                story += [NextPageTemplate("landscape"), PageBreak()]
            story += [Paragraph(escape(table.name), styles["p"]),
                      _table(table, styles["cell"], widths[page]), Spacer(1, 2 * mm)]
            if wide:
                story += [NextPageTemplate("portrait"), PageBreak()]
    return story


def _image(figure: Figure, width_pt: float) -> Any:
    """The chart as a PNG image ``width_pt`` wide (aspect kept)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    from lingtan.reports.charts import render_png

    png = io.BytesIO(render_png(figure))
    w, h = ImageReader(png).getSize()
    png.seek(0)
    return Image(png, width=width_pt, height=width_pt * h / w)


def _text_width(text: str) -> int:
    """Display width in Latin characters: a CJK character counts two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def column_widths(table: Table, width_pt: float) -> list[float]:
    """Share ``width_pt`` among the columns by their longest text (heading included),
    each between 6 and :data:`MAX_COLUMN_CHARS` characters, plus 2 for the cell padding."""
    texts = [table.columns, *([format_cell(v) for v in row] for row in table.rows)]
    longest = [max(min(max((_text_width(str(r[j])) for r in texts), default=4),
                       MAX_COLUMN_CHARS), 6) + 2 for j in range(len(table.columns))]
    total = sum(longest)
    return [width_pt * n / total for n in longest]


def _table(table: Table, style: Any, width_pt: float) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as PdfTable

    def cell(value: object) -> Paragraph:
        return Paragraph(escape(format_cell(value)), style)  # type: ignore[arg-type]

    data = [[cell(c) for c in table.columns]] + [[cell(v) for v in row] for row in table.rows]
    pdf = PdfTable(data, colWidths=column_widths(table, width_pt), repeatRows=1)
    pdf.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return pdf
