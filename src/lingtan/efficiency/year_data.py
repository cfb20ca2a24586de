"""One site-year's metered totals and inventory, read once and shared by the efficiency
views (unit-product energy, computing facilities, equipment, savings)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import duckdb

from lingtan.accounting.inventory import compute_inventory, load_site
from lingtan.accounting.metered import monthly_by_meter, months_of_year
from lingtan.accounting.result import Inventory
from lingtan.site import Site

#: Sign of each electricity role in the electricity consumed inside the boundary.
CONSUMED_SIGN = {"grid_import": 1.0, "generation": 1.0, "grid_export": -1.0}


@dataclass
class YearData:
    """Per-(meter, month) rows of ``year``; the inventory is computed on first use."""

    con: duckdb.DuckDBPyConnection
    site: Site
    year: int
    rows: list[dict[str, Any]]

    @cached_property
    def inventory(self) -> Inventory:
        return compute_inventory(self.con, self.year, site_id=self.site.id)

    @property
    def month_labels(self) -> list[str]:
        return [m.label for m in months_of_year(self.year, self.site.timezone)]

    def consumed_kwh_by_month(self) -> dict[str, float]:
        """Electricity consumed (import + generation − export) per local month [kWh]."""
        out: dict[str, float] = defaultdict(float)
        for r in self.rows:
            if r["carrier"] == "electricity" and r["role"] in CONSUMED_SIGN:
                out[r["month"]] += CONSUMED_SIGN[r["role"]] * float(r["quantity"])
        return dict(out)

    def totals(self, *key: str) -> dict[Any, float]:
        """Year totals grouped by row fields, e.g. ``totals("carrier", "role")``."""
        out: dict[Any, float] = defaultdict(float)
        for r in self.rows:
            group = tuple(r[k] for k in key)
            out[group if len(group) > 1 else group[0]] += float(r["quantity"])
        return dict(out)


def year_data(con: duckdb.DuckDBPyConnection, year: int,
              site_id: str | None = None) -> YearData:
    """Read ``year`` of the site once (the Ibis monthly query over its readings)."""
    site = load_site(con, site_id)
    rows = monthly_by_meter(con, site.id, months_of_year(year, site.timezone)).to_pylist()
    return YearData(con, site, year, rows)


def spread_by_month(start: dt.date, end: dt.date, quantity: float,
                    year: int) -> dict[str, float]:
    """A quantity of period ``start``…``end`` (inclusive) spread over ``year``'s months,
    pro rata by days (the days outside ``year`` keep their share, unassigned)."""
    per_day = quantity / ((end - start).days + 1)
    out: dict[str, float] = defaultdict(float)
    day = max(start, dt.date(year, 1, 1))
    last = min(end, dt.date(year, 12, 31))
    while day <= last:
        month_end = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1) - dt.timedelta(1)
        upto = min(last, month_end)
        out[f"{year}-{day.month:02d}"] += per_day * ((upto - day).days + 1)
        day = upto + dt.timedelta(days=1)
    return dict(out)
