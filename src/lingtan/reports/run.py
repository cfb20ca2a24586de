"""``lingtan report``: build a report from the workspace and write it in one format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import duckdb

from lingtan.errors import InputError
from lingtan.reports.html import write_html
from lingtan.reports.model import Report, build_inventory_report, build_selfeval_report
from lingtan.reports.xlsx import write_xlsx

Kind = Literal["inventory", "selfeval"]
FORMATS = ("html", "xlsx", "pdf")


def build_report(con: duckdb.DuckDBPyConnection, year: int, kind: str, lang: str, *,
                 scheme: str = "jiangsu-2025", site_id: str | None = None) -> Report:
    """The inventory or self-evaluation report of ``year`` (data, before rendering)."""
    from lingtan.accounting.inventory import compute_inventory
    from lingtan.accounting.monthly import monthly_inventory
    from lingtan.assessment import assess

    inv = compute_inventory(con, year, site_id=site_id).to_dict()
    monthly = monthly_inventory(con, year, site_id=site_id).to_dict()
    if kind == "inventory":
        return build_inventory_report(inv, lang, monthly=monthly)
    if kind != "selfeval":
        raise InputError(f"--kind must be inventory or selfeval, not {kind!r}")
    from lingtan.efficiency.report import efficiency_report
    from lingtan.instruments.holdings import holdings
    from lingtan.matching.site import hourly_view

    assessment = assess(con, scheme, year, site_id=site_id).to_dict()
    efficiency = _optional(lambda: efficiency_report(con, year, site_id=site_id))
    hourly = _optional(lambda: hourly_view(con, year, site_id=site_id).to_dict())
    held = _optional(lambda: holdings(con, year, site_id=site_id).to_dict())
    return build_selfeval_report(inv, assessment, efficiency, hourly, lang, holdings=held,
                                 monthly=monthly)


def _optional(compute: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """The part, or ``None`` when the site has no data for it (reported in the part's own
    warnings when it has)."""
    try:
        return compute()
    except InputError:
        return None


def write_report(report: Report, fmt: str, path: Path) -> Path:
    """Render ``report`` as ``fmt`` (html or xlsx) to ``path``.

    Raises
    ------
    InputError
        Unknown format, or the output path cannot be written (named).
    """
    if fmt not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "pdf":
        from lingtan.reports.pdf import write_pdf

        return write_pdf(report, path)
    try:
        return write_html(report, path) if fmt == "html" else write_xlsx(report, path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc
