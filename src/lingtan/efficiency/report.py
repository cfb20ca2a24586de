"""``lingtan efficiency``: everything the efficiency capability can say about a year."""

from __future__ import annotations

from typing import Any

import duckdb

from lingtan.accounting.inventory import load_site
from lingtan.accounting.metered import monthly_by_meter, months_of_year
from lingtan.efficiency.computing import computing_metrics
from lingtan.efficiency.equipment import EquipmentItem, equipment_register
from lingtan.efficiency.savings_view import savings_view
from lingtan.efficiency.unit_energy import SCHEMA, unit_product_energy
from lingtan.errors import InputError


def efficiency_report(
    con: duckdb.DuckDBPyConnection, year: int, *, site_id: str | None = None
) -> dict[str, Any]:
    """Unit-product energy and, for computing facilities, PUE/CUE/WUE.

    A part without its data (no production; no ``it_load`` meter) is ``None`` with the
    reason in ``warnings``; if neither part has data, the first reason is raised.
    """
    warnings: list[str] = []
    unit = computing = None
    try:
        unit = unit_product_energy(con, year, site_id=site_id)
    except InputError as exc:
        warnings.append(f"unit-product energy: {exc}")
    if _has_it_meters(con, site_id):
        try:
            computing = computing_metrics(con, year, site_id=site_id)
        except InputError as exc:
            warnings.append(f"computing facility: {exc}")
    if unit is None and computing is None:
        raise InputError("; ".join(warnings))
    out: dict[str, Any] = unit.to_dict() if unit is not None else {
        "schema": SCHEMA, "year": year, "allocation": None, "rows": [], "warnings": []}
    out["computing"] = computing.to_dict() if computing is not None else None
    out["equipment"] = [item.to_dict() for item in _register(con, year, site_id)]
    try:
        out["savings"] = savings_view(con, year, site_id)
    except InputError as exc:
        out["savings"] = None
        warnings.append(f"savings: {exc}")
    out["warnings"] = out["warnings"] + warnings
    return out


def _register(con: duckdb.DuckDBPyConnection, year: int,
              site_id: str | None) -> list[EquipmentItem]:
    site = load_site(con, site_id)
    metered: dict[str, float] = {}
    for row in monthly_by_meter(con, site.id, months_of_year(year, site.timezone)).to_pylist():
        metered[row["meter_id"]] = metered.get(row["meter_id"], 0.0) + float(row["quantity"])
    return equipment_register(con, site.id, metered)


def _has_it_meters(con: duckdb.DuckDBPyConnection, site_id: str | None) -> bool:
    site = load_site(con, site_id)
    row = con.execute("SELECT count(*) FROM meters WHERE site_id = ? AND is_current"
                      " AND role = 'it_load'", [site.id]).fetchone()
    return bool(row and row[0])
