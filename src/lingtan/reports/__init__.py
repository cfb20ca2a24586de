"""Reports built as data first, then rendered (HTML, XLSX), in Chinese or English.

>>> report = build_inventory_report(ws.inventory(2025).to_dict(), lang="zh")  # doctest: +SKIP
>>> write_xlsx(report, "inventory-2025.xlsx")                                # doctest: +SKIP
"""

from lingtan.reports.html import render_html, write_html
from lingtan.reports.model import (
    Report,
    Section,
    Table,
    build_inventory_report,
    build_selfeval_report,
)
from lingtan.reports.xlsx import write_xlsx

__all__ = ["Report", "Section", "Table", "build_inventory_report", "build_selfeval_report",
           "render_html", "write_html", "write_xlsx"]
