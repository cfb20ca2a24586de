"""Savings of a year against the site's regression baseline (IPMVP Option C).

Monthly electricity consumed (metered import + generation − export, plus
``purchased_electricity`` activities such as bills, pro rata by days) is regressed on
monthly production and heating/cooling degree-days of the baseline year
(:mod:`lingtan.efficiency.baseline`); the reporting year's months are predicted from their
own production and weather, and avoided energy × the location-based grid factor of the
reporting-year inventory gives avoided emissions. Regressors that do not vary over the
baseline year (e.g. no cooling degree-days) are left out, and the result says which
were used.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import duckdb
import numpy as np

from lingtan.efficiency.baseline import (
    degree_days_by_month,
    fit_baseline,
    ipmvp_option_c_savings,
)
from lingtan.efficiency.unit_energy import monthly_output
from lingtan.efficiency.weather import read_daily_weather
from lingtan.efficiency.year_data import YearData, spread_by_month, year_data
from lingtan.errors import InputError
from lingtan.units import factor_to


def savings_view(con: duckdb.DuckDBPyConnection, year: int, site_id: str | None = None,
                 data: YearData | None = None) -> dict[str, Any] | None:
    """Baseline model and monthly savings of ``year``; ``None`` if no baseline is set."""
    data = data or year_data(con, year, site_id)
    cfg = data.site.efficiency.baseline
    if cfg is None:
        return None
    weather = _weather(con, data.site.id)
    base = _monthly_inputs(year_data(con, cfg.year, data.site.id), weather, cfg)
    regressors = {k: v for k, v in base["x"].items() if np.ptp(v) > 0}
    model = fit_baseline(base["months"], base["kwh"], **regressors)
    now = _monthly_inputs(data, weather, cfg)
    factor = data.inventory.grid_factor("location")
    result = ipmvp_option_c_savings(model, now["months"], now["kwh"],
                                    factor_tco2_per_mwh=factor,
                                    **{k: now["x"][k] for k in regressors})
    return {"baseline_year": cfg.year, "regressors": sorted(regressors),
            "factor_tco2_per_mwh": factor, **result.to_dict()}


def _weather(con: duckdb.DuckDBPyConnection, site_id: str) -> dict[dt.date, float]:
    rows = con.execute("SELECT content FROM reference_files WHERE site_id = ? AND is_current"
                       " AND row_key LIKE 'weather:%' ORDER BY row_key", [site_id]).fetchall()
    if not rows:
        raise InputError("efficiency.baseline is set but no package had a weather.csv "
                         "(daily mean temperatures for degree-days)")
    days: dict[dt.date, float] = {}
    for (content,) in rows:
        days.update(read_daily_weather(content))
    return days


def _monthly_inputs(data: YearData, weather: dict[dt.date, float], cfg: Any) -> dict[str, Any]:
    year, months = data.year, data.month_labels
    kwh = _monthly_kwh(data)
    output, _ = monthly_output(data.con, data.site.id, year)
    days = sorted(d for d in weather if d.year == year)
    if not days:
        raise InputError(f"weather.csv has no days in {year}")
    dd = degree_days_by_month(days, [weather[d] for d in days],
                              heating_base_c=cfg.heating_base_c, cooling_base_c=cfg.cooling_base_c)
    hdd, cdd = dict(zip(dd.months, dd.hdd, strict=True)), dict(zip(dd.months, dd.cdd, strict=True))
    return {"months": months, "kwh": [kwh.get(m, 0.0) for m in months], "x": {
        "production": np.array([sum(output.get(m, {}).values()) for m in months]),
        "hdd": np.array([hdd.get(m, 0.0) for m in months]),
        "cdd": np.array([cdd.get(m, 0.0) for m in months])}}


def _monthly_kwh(data: YearData) -> dict[str, float]:
    """Metered electricity consumed plus ``purchased_electricity`` bills, per month."""
    kwh: dict[str, float] = defaultdict(float, data.consumed_kwh_by_month())
    year = data.year
    bills = data.con.execute(
        "SELECT period_start, period_end, quantity, unit FROM activities WHERE site_id = ?"
        " AND is_current AND category = 'purchased_electricity' AND period_start <= ?"
        " AND period_end >= ?", [data.site.id, dt.date(year, 12, 31), dt.date(year, 1, 1)]
    ).fetchall()
    for start, end, quantity, unit in bills:
        for month, share in spread_by_month(start, end, quantity * factor_to(unit, "kWh"),
                                            year).items():
            kwh[month] += share
    return dict(kwh)
