"""The demo plant's baseline year, as the monthly bills a factory would hand over.

Assumption (docs/demo.md): the rooftop PV was commissioned after the baseline year,
so in the baseline year the plant bought all the electricity it used. The same plant
models (weather, shift load, boiler gas) run for the baseline year; the electricity
consumed (sub-meters plus losses) and the boiler gas are summed per local month and
written as ``purchased_electricity`` and ``stationary_combustion`` activities — the
form in which pre-metering years usually survive (electricity and gas bills). Diesel
and refrigerant top-ups come from the same ledger model as the reporting year.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lingtan.demo import ledgers, timeline
from lingtan.demo.package import (
    FACTORY_YAML,
    MILLI,
    WEATHER_COLUMNS,
    DemoSeries,
    daily_weather,
    simulate,
    write_table,
)

#: Year the demo plant takes as its baseline (factory.yaml ``baseline_year``).
BASELINE_YEAR = 2023


def monthly_bills(year: int = BASELINE_YEAR,
                  data: DemoSeries | None = None) -> list[dict[str, Any]]:
    """Monthly electricity [kWh] and gas [m3] bills of the plant without PV."""
    data = data if data is not None else simulate(year)
    consumed = (data.interval_milli["GRID-IMP"] + data.interval_milli["PV-1"]
                - data.interval_milli["GRID-EXP"])
    interval_months = timeline.interval_dates(data.ends).month
    gas_ends = pd.date_range(dt.datetime(year, 1, 1, 1), periods=len(data.gas_hourly_milli),
                             freq="h")
    gas_months = timeline.interval_dates(gas_ends).month
    rows: list[dict[str, Any]] = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()
        kwh = int(np.sum(consumed[interval_months == month])) / MILLI
        m3 = int(np.sum(data.gas_hourly_milli[gas_months == month])) / MILLI
        rows.append(_bill("ELEC", first, last, "purchased_electricity", "electricity",
                          round(kwh, 3), "kWh", f"电费账单 {year}-{month:02d}"))
        rows.append(_bill("GAS", first, last, "stationary_combustion", "natural_gas",
                          round(m3, 3), "m3", f"燃气账单 {year}-{month:02d}"))
    return rows


def _bill(prefix: str, first: dt.date, last: dt.date, category: str, source: str,
          quantity: float, unit: str, evidence: str) -> dict[str, Any]:
    return {"activity_id": f"{prefix}-BILL-{first:%Y-%m}", "period_start": first,
            "period_end": last, "category": category, "source": source,
            "quantity": quantity, "unit": unit, "evidence": evidence}


def build_baseline_package(out_dir: Path, year: int = BASELINE_YEAR) -> Path:
    """Write the baseline-year package (factory.yaml + activities.csv) into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "factory.yaml").write_text(FACTORY_YAML, encoding="utf-8")
    data = simulate(year)
    rows = monthly_bills(year, data) + ledgers.activities(year)
    write_table(out_dir / "activities.csv", ledgers.ACTIVITY_COLUMNS, rows)
    write_table(out_dir / "production.csv", ledgers.PRODUCTION_COLUMNS, ledgers.production(year))
    write_table(out_dir / "weather.csv", WEATHER_COLUMNS, daily_weather(data))
    return out_dir
