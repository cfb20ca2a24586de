"""The hourly view of one site and year, from the workspace's meters and ledger.

Load per hour = grid import + on-site generation − export (the electricity consumed
inside the boundary); on-site generation is the clean supply used first; retired
green-power lots claimed for the year are spread flat over the hours of their
generation month (China has no hourly certificates, domain.md §8, so a monthly
volume is all a lot says); GECs are monthly certificates and stay out of the hourly
view. The grid's carbon-free share is not published for China as an hourly series:
it must be given (``grid_cfe_share``); without it CFE% is not computed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np

from lingtan.accounting.inventory import load_site
from lingtan.accounting.metered import months_of_year
from lingtan.errors import NoDataError
from lingtan.instruments.store import site_ledger
from lingtan.matching.hourly import MatchingResult, match_hourly
from lingtan.matching.profiles import shape_monthly_to_hours

_ROLES = ("grid_import", "grid_export", "generation")


@dataclass(frozen=True)
class HourlyView:
    """Result of :func:`hourly_view` (``result`` holds the matching figures)."""

    site_id: str
    year: int
    result: MatchingResult
    grid_cfe_share: float | None
    contracted_mwh: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        cfe = None if self.grid_cfe_share is None else float(r.cfe)
        return {"schema": "lingtan.hourly/1", "site": self.site_id, "year": self.year,
                "annual_matching": float(r.annual), "hourly_matching": float(r.hourly),
                "cfe": cfe, "grid_cfe_share": self.grid_cfe_share,
                "load_mwh": float(r.load_kwh) / 1000, "contracted_mwh": self.contracted_mwh,
                "by_month_hour": [[None if np.isnan(x) else float(x) for x in month]
                                  for month in np.asarray(r.by_month_hour)]}


def hourly_view(
    con: duckdb.DuckDBPyConnection, year: int, *, site_id: str | None = None,
    grid_cfe_share: float | None = None,
) -> HourlyView:
    """Annual and hourly matching, and CFE% when the grid share is given.

    Raises
    ------
    NoDataError
        If the site has no electricity meter readings in ``year``.
    """
    site = load_site(con, site_id)
    months = months_of_year(year, site.timezone)
    hours = np.arange(np.datetime64(months[0].start_utc, "h") + 1,
                      np.datetime64(months[-1].end_utc, "h") + 1).astype("datetime64[ns]")
    by_role = _hourly_by_role(con, site.id, months[0].start_utc, months[-1].end_utc, hours)
    load = by_role["grid_import"] + by_role["generation"] - by_role["grid_export"]
    if not load.sum():
        raise NoDataError(f"site {site.id!r} has no electricity readings in {year}")
    contracted = _green_power_mwh(con, site.id, year)
    supply = shape_monthly_to_hours(contracted, hours, timezone=site.timezone) \
        if contracted else np.zeros(len(hours))
    result = match_hourly(np.clip(load, 0, None), hours, generation_kwh=by_role["generation"],
                          contracted_kwh=supply, grid_cfe_share=grid_cfe_share or 0.0,
                          timezone=site.timezone)
    return HourlyView(site.id, year, result, grid_cfe_share, contracted)


def _hourly_by_role(con: duckdb.DuckDBPyConnection, site_id: str, start: dt.datetime,
                    end: dt.datetime, hours: np.ndarray) -> dict[str, np.ndarray]:
    rows = con.execute(
        """
        SELECT m.role, date_trunc('hour', r.ts_utc - INTERVAL 1 MICROSECOND)
                         + INTERVAL 1 HOUR AS hour_end, sum(r.value) AS kwh
        FROM readings r JOIN meters m
          ON m.site_id = r.site_id AND m.meter_id = r.meter_id AND m.is_current
        WHERE r.site_id = ? AND r.ts_utc > ? AND r.ts_utc <= ? AND r.value IS NOT NULL
          AND m.carrier = 'electricity' AND m.role IN ('grid_import', 'grid_export', 'generation')
        GROUP BY ALL
        """, [site_id, start, end]).fetchall()
    index = {h: i for i, h in enumerate(hours.astype("datetime64[us]").tolist())}
    out = {role: np.zeros(len(hours)) for role in _ROLES}
    for role, hour_end, kwh in rows:
        out[role][index[hour_end]] += kwh
    return out


def _green_power_mwh(con: duckdb.DuckDBPyConnection, site_id: str, year: int) -> dict[str, float]:
    """Retired green-power MWh claimed for ``year``, by generation month."""
    state, _ = site_ledger(con, site_id)
    out: dict[str, float] = {}
    for lot, taken in state.retirements():
        if lot.acquire.kind != "green_power" or getattr(taken.event, "claimed_year", None) != year:
            continue
        month = lot.acquire.generation_month or ""
        if month.startswith(str(year)):
            out[month] = out.get(month, 0.0) + taken.quantity
    return out
