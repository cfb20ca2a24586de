"""The inventory month by month: emissions by scope, energy and electricity per month.

Each month is the annual calculation run on that local calendar month
(:func:`lingtan.accounting.inventory.compute_month`): readings of the month, activities
pro-rated by the days they share with it. The months therefore add up to the year in the
``location`` and ``ets`` views and in energy. The ``market`` view is not split: the
instruments it uses are claimed per reporting year, and no rule assigns a retired
certificate to a month (docs/reports.md, "Monthly document").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from lingtan.accounting.inventory import compute_month, load_site
from lingtan.accounting.result import Inventory
from lingtan.errors import NoDataError

#: Version of the JSON document (docs/reports.md).
SCHEMA = "lingtan.monthly/1"
#: Views that are split by month.
MONTHLY_VIEWS = ("location", "ets")


@dataclass(frozen=True)
class MonthFigures:
    """One month: tCO2e by view and scope, tce by carrier, electricity in kWh."""

    month: str  # YYYY-MM
    has_data: bool
    views: dict[str, dict[str, float]]
    energy_tce_by_carrier: dict[str, float]
    electricity_kwh: dict[str, float]

    @classmethod
    def empty(cls, month: str) -> MonthFigures:
        zero = {"scope1_tco2e": 0.0, "scope2_tco2e": 0.0, "total_tco2e": 0.0}
        return cls(month, False, {v: dict(zero) for v in MONTHLY_VIEWS}, {}, {})

    @classmethod
    def of(cls, month: str, inv: Inventory) -> MonthFigures:
        return cls(month, True, {v: inv.views[v].as_dict() for v in MONTHLY_VIEWS},
                   {c: float(e["tce"]) for c, e in inv.energy.by_carrier.items()},
                   {k: v for k, v in inv.electricity_kwh.items()
                    if k != "green_instruments_retired"})

    def as_dict(self) -> dict[str, Any]:
        return {"month": self.month, "has_data": self.has_data, "views": self.views,
                "energy_tce_by_carrier": self.energy_tce_by_carrier,
                "electricity_mwh": {k: v / 1000.0 for k, v in self.electricity_kwh.items()}}


@dataclass(frozen=True)
class MonthlyInventory:
    """Result of :func:`monthly_inventory`."""

    site_id: str
    year: int
    months: list[MonthFigures]

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON document (``lingtan.monthly/1``)."""
        return {"schema": SCHEMA, "site": self.site_id, "year": self.year,
                "views": list(MONTHLY_VIEWS), "months": [m.as_dict() for m in self.months]}


def monthly_inventory(con: duckdb.DuckDBPyConnection, year: int, *,
                      site_id: str | None = None, gwp: str | None = None) -> MonthlyInventory:
    """The twelve months of ``year``; a month without data has ``has_data`` false and zeros.

    Raises
    ------
    NoDataError
        If no month of ``year`` has data.
    """
    site = load_site(con, site_id)
    months = []
    for month in range(1, 13):
        label = f"{year}-{month:02d}"
        try:
            months.append(MonthFigures.of(label, compute_month(con, site, year, month, gwp=gwp)))
        except NoDataError:
            months.append(MonthFigures.empty(label))
    if not any(m.has_data for m in months):
        raise NoDataError(f"site {site.id!r} has no readings or activities in {year}")
    return MonthlyInventory(site.id, year, months)
