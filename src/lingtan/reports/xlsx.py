"""Render a :class:`~lingtan.reports.model.Report` to an XLSX workbook (openpyxl).

A cover sheet with the title, the metadata and an index of sheets, then one sheet per
table in document order: the table name in A1, the column headings in row 2, the rows
from row 3 (a chart's numbers get a native Excel bar chart beside them, the heatmap a
colour scale). Numbers stay numbers; text is always stored as text (a value starting with
``=`` is not turned into a formula). Sheet names are at most 31 characters and unique.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lingtan.reports.figures import Figure
from lingtan.reports.labels import labels
from lingtan.reports.model import Cell, Report, Table

MAX_SHEET_NAME = 31
HEADER_ROW = 2
FIRST_DATA_ROW = 3
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    """``name`` made a valid, unique (case-insensitive) sheet name of ≤ 31 characters."""
    base = _FORBIDDEN.sub("_", name).strip("'").strip() or "Sheet"
    candidate, n = base[:MAX_SHEET_NAME], 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _put(ws: Worksheet, row: int, col: int, value: Cell) -> None:
    if isinstance(value, str):
        cell = ws.cell(row=row, column=col, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # never a formula
    else:
        ws.cell(row=row, column=col, value=value)


def _write_rows(ws: Worksheet, first_row: int, rows: list[list[Cell]]) -> None:
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            _put(ws, first_row + i, j + 1, value)


def _widths(ws: Worksheet, columns: int) -> None:
    for j in range(1, columns + 1):
        cells = ws[get_column_letter(j)][1:]
        longest = max((len(str(c.value)) for c in cells if c.value is not None), default=8)
        ws.column_dimensions[get_column_letter(j)].width = min(max(10, longest + 2), 60)


def _cover(ws: Worksheet, report: Report, index: list[list[Cell]]) -> None:
    text = labels(report.lang)
    _put(ws, 1, 1, report.title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    _write_rows(ws, 3, [[k, v] for k, v in report.metadata])
    start = 4 + len(report.metadata)
    _put(ws, start, 1, text["cover.sheets"])
    ws.cell(row=start, column=1).font = Font(bold=True)
    _write_rows(ws, start + 1, [[text["cover.sheet"], text["cover.table"], text["cover.section"]],
                                *index])
    _widths(ws, 3)


def write_xlsx(report: Report, path: str | Path) -> Path:
    """Write ``report`` to the XLSX file ``path``: a cover sheet, then one sheet per table."""
    wb = Workbook()
    cover = wb.active
    assert cover is not None
    taken: set[str] = set()
    cover.title = sheet_name(labels(report.lang)["cover.title"], taken)
    index: list[list[Cell]] = []
    figures = {figure.key: figure for _, figure in report.figures()}
    for section, table in report.tables():
        ws = wb.create_sheet(sheet_name(table.name, taken))
        _put(ws, 1, 1, table.name)
        ws.cell(row=1, column=1).font = Font(bold=True)
        _write_rows(ws, HEADER_ROW, [list(table.columns)])
        for cell in ws[HEADER_ROW]:
            cell.font = Font(bold=True)
        _write_rows(ws, FIRST_DATA_ROW, table.rows)
        ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=1)
        _widths(ws, len(table.columns))
        if table.key in figures:
            _native_chart(ws, figures[table.key], table)
        index.append([ws.title, table.name, section.heading])
    _cover(cover, report, index)
    path = Path(path)
    wb.save(path)
    return path


def _native_chart(ws: Worksheet, figure: Figure, table: Table) -> None:
    """An Excel chart over the sheet's own cells: stacked or plain bars for bar figures,
    a green colour scale on the heatmap's cells (the flow diagram has no Excel form)."""
    last_row = FIRST_DATA_ROW + len(table.rows) - 1
    if figure.kind == "heatmap":
        cells = f"B{FIRST_DATA_ROW}:{get_column_letter(len(table.columns))}{last_row}"
        ws.conditional_formatting.add(cells, ColorScaleRule(
            start_type="num", start_value=0, start_color="FFFFFFCC",
            end_type="num", end_value=1, end_color="FF006837"))
        return
    if figure.kind not in ("stacked_bar", "bar"):
        return
    chart = BarChart()
    chart.type = "col" if figure.kind == "stacked_bar" else "bar"
    if figure.kind == "stacked_bar":
        chart.grouping, chart.overlap = "stacked", 100
    chart.title, chart.y_axis.title = figure.title, figure.unit
    data = Reference(ws, min_col=2, max_col=1 + len(figure.series), min_row=HEADER_ROW,
                     max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_DATA_ROW, max_row=last_row))
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, f"{get_column_letter(len(table.columns) + 2)}{HEADER_ROW}")
