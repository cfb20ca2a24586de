"""Non-metered tables of the demo package: activities, production, instruments.

All quantities are modelling choices, documented in ``docs/demo.md``; all
invoice numbers, certificate serials and project ids are **fictional**
(prefixed ``DEMO``) and must not be mistaken for real registry entries.

- **Activities.** Diesel for the plant's six diesel forklifts, bought
  monthly (about 0.02 t per production day, so 0.3-0.6 t a month); one SF6
  top-up of the 10 kV gas-insulated switchgear; two HFC-134a top-ups of the
  screw chillers that cool the extrusion lines.
- **Production.** Power cable (low- and medium-voltage, 电力电缆) about
  12.5 km per production day and building wire (布电线, BV/BVR) about 420 km
  per production day, each month scaled by the month's production days
  (`lingtan.demo.workdays.production_days_per_month`) and a seeded ±5 %
  order-book factor.
- **Instruments.** Green electricity certificates (GEC, 1 certificate =
  1 MWh) bought on the China Green Certificate Trading Platform, one green
  power (绿电) trade, and CCER credits, sized so that the retired GECs and
  green power cover most of the grid import and the CCER credits the
  remaining few hundred tonnes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from lingtan.demo import workdays

Row = dict[str, Any]

ACTIVITY_COLUMNS = ("activity_id", "period_start", "period_end", "category", "source",
                    "quantity", "unit", "evidence")
EQUIPMENT_COLUMNS = ("equipment_id", "class", "name", "rated_power_kw", "efficiency_class",
                     "efficiency_pct", "target_efficiency_pct", "load_factor",
                     "hours_per_year", "meter_id")
#: A fictional register: motor classes only (no nameplate efficiencies are given, so
#: lingtan grades the motors but does not estimate upgrade savings for them).
EQUIPMENT: tuple[dict[str, object], ...] = (
    {"equipment_id": "DEMO-M-EXT1", "class": "motor", "name": "1# 挤塑机主电机",
     "rated_power_kw": 132, "efficiency_class": "IE2", "load_factor": 0.7,
     "hours_per_year": 5800},
    {"equipment_id": "DEMO-M-STR1", "class": "motor", "name": "框绞机主电机",
     "rated_power_kw": 75, "efficiency_class": "IE3", "load_factor": 0.65,
     "hours_per_year": 5800},
    {"equipment_id": "DEMO-M-AC1", "class": "motor", "name": "螺杆空压机电机",
     "rated_power_kw": 55, "efficiency_class": "IE4", "load_factor": 0.8,
     "hours_per_year": 6500},
    {"equipment_id": "DEMO-TR1", "class": "transformer", "name": "1# 10kV 配电变压器 2000 kVA"},
)
PRODUCTION_COLUMNS = ("period_start", "period_end", "product", "quantity", "unit")
INSTRUMENT_COLUMNS = ("instrument_id", "kind", "quantity", "unit", "generation_month", "vintage",
                      "technology", "province", "tradable", "serial_start", "serial_end",
                      "registry", "project_id", "retired_on", "claimed_year")

DIESEL_T_PER_PRODUCTION_DAY = 0.02
DIESEL_NOISE_T = 0.03
PRODUCT_KM_PER_DAY = {"power_cable": 12.5, "building_wire": 420.0}
PRODUCTION_SIGMA = 0.05


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, next_first - dt.timedelta(days=1)


def activities(year: int, seed: int = 20250104) -> list[Row]:
    """Activity rows: monthly diesel, SF6 and HFC-134a top-ups.

    Parameters
    ----------
    year : int
        Reporting year.
    seed : int
        Seed of the diesel quantities.

    Returns
    -------
    list of dict
        Rows with the `ACTIVITY_COLUMNS` keys.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, year, 4]))
    days = workdays.production_days_per_month(year)
    rows: list[Row] = []
    for month in range(1, 13):
        first, last = _month_bounds(year, month)
        diesel_t = (DIESEL_T_PER_PRODUCTION_DAY * days[month]
                    + DIESEL_NOISE_T * rng.standard_normal())
        rows.append({
            "activity_id": f"DIESEL-{year}-{month:02d}", "period_start": first,
            "period_end": last, "category": "mobile_combustion", "source": "diesel",
            "quantity": round(float(np.clip(diesel_t, 0.3, 0.6)), 3), "unit": "t",
            "evidence": f"发票 {year}-{month:02d}-001",
        })
    top_ups = (
        (dt.date(year, 6, 10), "HFC-134a", 18.5, "维保单 {y}-06-004 挤塑冷却螺杆冷水机 1#"),
        (dt.date(year, 7, 16), "SF6", 2.4, "维保单 {y}-07-002 10kV SF6 充气柜"),
        (dt.date(year, 9, 3), "HFC-134a", 9.0, "维保单 {y}-09-001 挤塑冷却螺杆冷水机 2#"),
    )
    for day, gas, kg, evidence in top_ups:
        rows.append({
            "activity_id": f"FUG-{day.isoformat()}-{gas}", "period_start": day, "period_end": day,
            "category": "fugitive", "source": gas, "quantity": kg, "unit": "kg",
            "evidence": evidence.format(y=year),
        })
    return rows


def production(year: int, seed: int = 20250105) -> list[Row]:
    """Monthly output of the two products [km].

    Parameters
    ----------
    year : int
        Reporting year.
    seed : int
        Seed of the order-book factor.

    Returns
    -------
    list of dict
        Rows with the `PRODUCTION_COLUMNS` keys.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, year, 5]))
    days = workdays.production_days_per_month(year)
    rows: list[Row] = []
    for month in range(1, 13):
        first, last = _month_bounds(year, month)
        for product, km_per_day in PRODUCT_KM_PER_DAY.items():
            factor = 1 + PRODUCTION_SIGMA * rng.standard_normal()
            rows.append({"period_start": first, "period_end": last, "product": product,
                         "quantity": round(km_per_day * days[month] * factor, 1), "unit": "km"})
    return rows


def _gec(year: int, lot: str, mwh: int, month: int, technology: str, province: str,
         first_serial: int, retired_on: dt.date | None) -> Row:
    return {
        "instrument_id": f"DEMO-GEC-{year}-{lot}", "kind": "gec", "quantity": mwh, "unit": "MWh",
        "generation_month": f"{year}-{month:02d}", "technology": technology,
        "province": province, "tradable": True,
        "serial_start": f"DEMO-GEC-{year}{month:02d}-{first_serial:09d}",
        "serial_end": f"DEMO-GEC-{year}{month:02d}-{first_serial + mwh - 1:09d}",
        "retired_on": retired_on, "claimed_year": year if retired_on else None,
    }


def _ccer(year: int, lot: str, t: int, vintage: int, technology: str, project: str,
          retired_on: dt.date) -> Row:
    return {
        "instrument_id": f"DEMO-CCER-{year}-{lot}", "kind": "ccer", "quantity": t,
        "unit": "tCO2e", "vintage": vintage, "technology": technology, "registry": "CCER",
        "project_id": project, "serial_start": f"CCER-{vintage}-{project}-{1:07d}",
        "serial_end": f"CCER-{vintage}-{project}-{t:07d}", "retired_on": retired_on,
        "claimed_year": year,
    }


def instruments(year: int) -> list[Row]:
    """GEC lots, one green-power trade and CCER credits for ``year``.

    Parameters
    ----------
    year : int
        Reporting year (generation months lie in it; retirements in the
        first quarter of the next year).

    Returns
    -------
    list of dict
        Rows with keys from `INSTRUMENT_COLUMNS` (missing keys = empty).
    """
    next_year = year + 1
    return [
        _gec(year, "A", 1200, 3, "solar", "CN-QH", 10_000_001, dt.date(next_year, 1, 20)),
        _gec(year, "B", 1000, 6, "wind", "CN-NM", 20_000_001, dt.date(next_year, 1, 20)),
        _gec(year, "C", 800, 9, "wind", "CN-GS", 30_000_001, dt.date(next_year, 2, 12)),
        _gec(year, "D", 600, 11, "solar", "CN-JS", 40_000_001, None),
        {
            "instrument_id": f"DEMO-GP-{year}-JS-001", "kind": "green_power", "quantity": 700,
            "unit": "MWh", "generation_month": f"{year}-08", "technology": "wind",
            "province": "CN-JS", "tradable": False, "retired_on": dt.date(year, 9, 15),
            "claimed_year": year,
        },
        _ccer(year, "1", 350, year - 1, "offshore_wind", "DEMO-OWF-001",
              dt.date(next_year, 3, 20)),
        _ccer(year, "2", 200, year, "afforestation", "DEMO-AFF-002", dt.date(next_year, 3, 20)),
    ]
