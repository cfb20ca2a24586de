"""``lingtan efficiency``: everything the efficiency capability can say about a year."""

from __future__ import annotations

from typing import Any

import duckdb

from lingtan.efficiency.computing import computing_metrics
from lingtan.efficiency.equipment import equipment_register
from lingtan.efficiency.savings_view import savings_view
from lingtan.efficiency.unit_energy import SCHEMA, unit_product_energy
from lingtan.efficiency.year_data import year_data
from lingtan.errors import InputError


def efficiency_report(
    con: duckdb.DuckDBPyConnection, year: int, *, site_id: str | None = None
) -> dict[str, Any]:
    """Unit-product energy and, for computing facilities, PUE/CUE/WUE.

    A part without its data (no production; no ``it_load`` meter) is ``None`` with the
    reason in ``warnings``; if neither part has data, the first reason is raised.
    """
    data = year_data(con, year, site_id)
    warnings: list[str] = []
    unit = computing = None
    try:
        unit = unit_product_energy(con, year, data=data)
    except InputError as exc:
        warnings.append(f"unit-product energy: {exc}")
    if _has_it_meters(con, data.site.id):
        try:
            computing = computing_metrics(con, year, data=data)
        except InputError as exc:
            warnings.append(f"computing facility: {exc}")
    if unit is None and computing is None:
        raise InputError("; ".join(warnings))
    out: dict[str, Any] = unit.to_dict() if unit is not None else {
        "schema": SCHEMA, "year": year, "allocation": None, "rows": [], "warnings": []}
    out["computing"] = computing.to_dict() if computing is not None else None
    metered = data.totals("meter_id")
    out["equipment"] = [i.to_dict() for i in equipment_register(con, data.site.id, metered)]
    try:
        out["savings"] = savings_view(con, year, data=data)
    except InputError as exc:
        out["savings"] = None
        warnings.append(f"savings: {exc}")
    out["warnings"] = out["warnings"] + warnings
    return out


def _has_it_meters(con: duckdb.DuckDBPyConnection, site_id: str) -> bool:
    row = con.execute("SELECT count(*) FROM meters WHERE site_id = ? AND is_current"
                      " AND role = 'it_load'", [site_id]).fetchone()
    return bool(row and row[0])
