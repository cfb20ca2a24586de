"""Render a :class:`~lingtan.reports.model.Report` to one standalone HTML page (Jinja2).

The template is package data (``lingtan/reports/templates/report.html.j2``); every value
is escaped (autoescape), the page declares UTF-8 and the report's ``lang``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
import markupsafe

from lingtan.reports.model import Cell, Report

TEMPLATE = "report.html.j2"


def format_cell(value: Cell) -> str:
    """A value as text: ``—`` for none; floats with thousands separators, ≤ 4 decimals."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value)  # years, counts, ids: no separators
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lingtan.reports", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=False, keep_trailing_newline=True)
    env.filters["cell"] = format_cell
    return env


def render_html(report: Report) -> str:
    """The report as a standalone HTML document; each chart inline as SVG, its numbers in a
    table beneath it."""
    from lingtan.reports.charts import render_svg
    from lingtan.reports.model import Text

    t = Text(report.lang)
    charts = {figure.key: (_inline(render_svg(figure)), figure.table(t))
              for _, figure in report.figures()}
    return _environment().get_template(TEMPLATE).render(report=report, charts=charts,
                                                        data_label=t("fig.data"))


def _inline(svg: str) -> markupsafe.Markup:
    """An SVG document as an element to put inside HTML (without the XML prolog)."""
    return markupsafe.Markup(svg[svg.index("<svg"):])


def write_html(report: Report, path: str | Path) -> Path:
    """Write :func:`render_html` of ``report`` to ``path`` (UTF-8)."""
    path = Path(path)
    path.write_text(render_html(report), encoding="utf-8")
    return path
