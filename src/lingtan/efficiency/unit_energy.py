"""Unit-product energy (单位产品能耗): site and process energy per unit of output.

Allocation rule (stated in every result): the site's energy is allocated to products in
proportion to their output quantity, which requires every product to be counted in the
same unit; a process (sub-meter) is divided by the total output of the period. Periods
are local calendar months and the year. Electricity consumed = grid import + on-site
generation − export (as in the inventory). Yearly comprehensive energy in kgce comes
from the inventory (GB/T 2589-2020, equivalent value); monthly figures are in kWh of
electricity only, because fuels bought by the month or year (diesel invoices) cannot be
placed in a month without an assumption.

A month with energy use but no production gets no ratio (``None``) and a warning that
names it — never a division by zero.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from lingtan.efficiency.year_data import YearData, spread_by_month, year_data
from lingtan.errors import InputError

SCHEMA = "lingtan.efficiency/1"


@dataclass(frozen=True)
class UnitEnergyRow:
    """Energy per unit of output for one product or process and one period."""

    period: str  # YYYY-MM or YYYY
    kind: str  # product | process
    name: str
    energy_kwh: float
    output_quantity: float
    output_unit: str
    kwh_per_unit: float | None
    kgce_per_unit: float | None = None


@dataclass
class UnitEnergyResult:
    """Rows of :func:`unit_product_energy` with the allocation rule and warnings."""

    site_id: str
    year: int
    allocation: str
    rows: list[UnitEnergyRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "site": self.site_id, "year": self.year,
                "allocation": self.allocation, "rows": [asdict(r) for r in self.rows],
                "warnings": self.warnings}


def unit_product_energy(
    con: duckdb.DuckDBPyConnection, year: int, *, site_id: str | None = None,
    data: YearData | None = None,
) -> UnitEnergyResult:
    """Monthly and yearly kWh (and yearly kgce) per unit of each product and process.

    ``data`` lets a caller that already read the year (:func:`year_data`) share it.

    Raises
    ------
    InputError
        If the site has no production in ``year`` or its products use different units.
    """
    data = data or year_data(con, year, site_id)
    site = data.site
    output, units = monthly_output(con, site.id, year)
    unit = _common_unit(units, year)
    elec, processes = data.consumed_kwh_by_month(), _processes(data)
    result = UnitEnergyResult(site.id, year, (
        f"site energy allocated to products in proportion to output ({unit}); a process "
        "(sub-meter) divided by the total output; months in kWh of electricity, the year "
        "also in kgce (GB/T 2589 equivalent value, from the inventory)"))
    for month in data.month_labels:
        _period_rows(result, month, elec.get(month, 0.0), processes.get(month, {}),
                     output.get(month, {}), unit)
    year_output = _sum_output(output)
    _period_rows(result, str(year), sum(elec.values()), _sum_output(processes),
                 year_output, unit, kgce=data.inventory.energy_tce * 1000.0)
    return result


def _period_rows(result: UnitEnergyResult, period: str, kwh: float,
                 processes: dict[str, float], output: dict[str, float], unit: str,
                 kgce: float | None = None) -> None:
    total = sum(output.values())
    if total <= 0:
        if kwh > 0:
            result.warnings.append(f"{period}: energy use {kwh:,.1f} kWh but no production; "
                                   "no unit-product energy for this period")
        return
    for product, quantity in sorted(output.items()):
        share = quantity / total
        result.rows.append(UnitEnergyRow(
            period, "product", product, kwh * share, quantity, unit,
            kwh * share / quantity if quantity else None,
            kgce * share / quantity if kgce is not None and quantity else None))
    for name, p_kwh in sorted(processes.items()):
        result.rows.append(UnitEnergyRow(period, "process", name, p_kwh, total, unit,
                                         p_kwh / total))


def monthly_output(con: duckdb.DuckDBPyConnection, site_id: str,
                    year: int) -> tuple[dict[str, dict[str, float]], set[str]]:
    """Output per local month and product (pro rata by days), and the units used."""
    rows = con.execute(
        "SELECT period_start, period_end, product, quantity, unit FROM production"
        " WHERE site_id = ? AND is_current AND period_start <= ? AND period_end >= ?",
        [site_id, dt.date(year, 12, 31), dt.date(year, 1, 1)]).fetchall()
    if not rows:
        raise InputError(f"site {site_id!r} has no production in {year} (production.csv)")
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for start, end, product, quantity, _ in rows:
        for month, share in spread_by_month(start, end, quantity, year).items():
            out[month][product] += share
    return {k: dict(v) for k, v in out.items()}, {str(r[4]) for r in rows}


def _common_unit(units: set[str], year: int) -> str:
    if len(units) != 1:
        raise InputError(f"products of {year} are counted in different units ({sorted(units)}); "
                         "allocation by output needs one unit")
    return next(iter(units))


def _processes(data: YearData) -> dict[str, dict[str, float]]:
    """Sub-meter electricity per month and meter [kWh]."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for r in data.rows:
        if r["carrier"] == "electricity" and r["role"] == "submeter":
            out[r["month"]][r["meter_id"]] = float(r["quantity"])
    return dict(out)


def _sum_output(output: dict[str, dict[str, float]]) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for per_product in output.values():
        for product, quantity in per_product.items():
            total[product] += quantity
    return dict(total)
