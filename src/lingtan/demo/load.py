"""Electricity use of the demo cable plant, per workshop sub-meter.

Shift pattern (the `lingtan.demo.workdays` day types):

============  ==========================  ====================  =============
day type      extrusion 挤塑               stranding 绞线成缆      offices
============  ==========================  ====================  =============
full          3 shifts, 00-24             2 shifts, 08-24       08:00-17:30
saturday      2 shifts, 08-24             1 shift, 08-16        closed
off           stopped (standby)           stopped               closed
shutdown      stopped (reduced standby)   stopped               closed
============  ==========================  ====================  =============

Loads (running levels are typical of a mid-sized low/medium-voltage cable
plant; they are modelling choices tuned so the plant uses about 6.5 GWh a
year):

- **Extrusion** (PVC/XLPE insulation and sheathing lines: extruder drives,
  barrel heaters, caterpillars): 510 kW running, 45 kW standby (barrels
  kept warm), 25 kW during the Spring Festival shutdown.
- **Stranding and cabling** (stranders, cabling and armouring machines):
  320 kW running, 15 kW standby, 10 kW shutdown.
- **Utilities** (compressed air, cooling water and chillers, workshop
  ventilation, lighting): compressed air 12 % of the running production
  load; cooling-water pumps and chillers 60 kW while extrusion runs plus
  6 kW per K of air temperature above 20 °C; workshop ventilation 10 kW per
  K above 26 °C while any line runs; 30 kW base (20 kW in shutdown).
- **Offices**: 12 kW base (servers, security), 45 kW in office hours plus
  split air conditioners (3.5 kW/K above 25 °C, 3.0 kW/K below 14 °C).

Each production meter gets a seeded day-to-day order-book factor (σ = 4 %)
on its running load, and every meter a multiplicative AR(1) noise
(σ = 3 %, lag-1 correlation 0.9 per 15 min). The first 15 minutes after a
shift change (08:00, 16:00) run at 85 % (handover).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from lingtan.demo import stochastic, timeline, workdays

Windows = Mapping[str, tuple[tuple[float, float], ...]]

EXTRUSION_WINDOWS: Windows = {workdays.FULL: ((0, 24),), workdays.SATURDAY: ((8, 24),)}
STRANDING_WINDOWS: Windows = {workdays.FULL: ((8, 24),), workdays.SATURDAY: ((8, 16),)}
OFFICE_WINDOWS: Windows = {workdays.FULL: ((8, 17.5),)}
SHIFT_CHANGES_H = (8.0, 16.0)
HANDOVER_FACTOR = 0.85

EXTRUSION_KW = {"running": 510.0, "standby": 45.0, "shutdown": 25.0}
STRANDING_KW = {"running": 320.0, "standby": 15.0, "shutdown": 10.0}
COMPRESSED_AIR_SHARE = 0.12
COOLING_KW = 60.0
COOLING_KW_PER_K, COOLING_BASE_C = 6.0, 20.0
VENTILATION_KW_PER_K, VENTILATION_BASE_C = 10.0, 26.0
UTILITIES_BASE_KW = {"normal": 30.0, "shutdown": 20.0}
OFFICE_KW = {"base": 12.0, "hours": 45.0}
OFFICE_COOLING_KW_PER_K, OFFICE_COOLING_BASE_C = 3.5, 25.0
OFFICE_HEATING_KW_PER_K, OFFICE_HEATING_BASE_C = 3.0, 14.0
DAILY_SIGMA = 0.04
NOISE_SIGMA, NOISE_AR1 = 0.03, 0.9

SUBMETERS = ("extrusion", "stranding", "utilities", "office")


def shift_mask(hours: np.ndarray, day_types: np.ndarray, windows: Windows) -> np.ndarray:
    """True where the clock hour falls in a window of that day's type.

    Parameters
    ----------
    hours : numpy.ndarray
        Clock hour at each interval midpoint [h].
    day_types : numpy.ndarray
        Day type of each interval.
    windows : Mapping
        Day type -> ``((start_h, end_h), ...)`` half-open windows.

    Returns
    -------
    numpy.ndarray
        Boolean mask, one per interval.
    """
    mask = np.zeros(len(hours), dtype=bool)
    for day_type, spans in windows.items():
        on_type = day_types == day_type
        for start_h, end_h in spans:
            mask |= on_type & (hours >= start_h) & (hours < end_h)
    return mask


def handover_factor(hours: np.ndarray) -> np.ndarray:
    """0.85 in the first 15 minutes after a shift change, else 1 [-]."""
    factor = np.ones(len(hours))
    for change_h in SHIFT_CHANGES_H:
        factor[(hours >= change_h) & (hours < change_h + 0.25)] = HANDOVER_FACTOR
    return factor


def ar1_noise(n: int, rng: np.random.Generator, sigma: float = NOISE_SIGMA,
              rho: float = NOISE_AR1) -> np.ndarray:
    """Multiplicative AR(1) noise factor with mean 1 [-]."""
    return 1 + stochastic.ar1(n, rho, sigma, rng)


def daily_factor(dates: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """Seeded day-to-day production factor, repeated per interval [-]."""
    unique_days = dates.unique()
    per_day = pd.Series(1 + DAILY_SIGMA * rng.standard_normal(len(unique_days)), index=unique_days)
    return per_day.reindex(dates).to_numpy()


def production_line_kw(running: np.ndarray, day_types: np.ndarray, levels: Mapping[str, float],
                       factor: np.ndarray) -> np.ndarray:
    """Power of a production workshop from its running mask [kW]."""
    idle_kw = np.where(day_types == workdays.SHUTDOWN, levels["shutdown"], levels["standby"])
    return np.where(running, levels["running"] * factor, idle_kw)


def utilities_kw(extrusion_running: np.ndarray, any_running: np.ndarray,
                 production_running_kw: np.ndarray, temp_air_c: np.ndarray,
                 day_types: np.ndarray) -> np.ndarray:
    """Compressed air, cooling, ventilation and base load [kW]."""
    compressed_air = COMPRESSED_AIR_SHARE * production_running_kw
    cooling = extrusion_running * (
        COOLING_KW + COOLING_KW_PER_K * np.maximum(temp_air_c - COOLING_BASE_C, 0)
    )
    ventilation = (any_running * VENTILATION_KW_PER_K
                   * np.maximum(temp_air_c - VENTILATION_BASE_C, 0))
    base = np.where(day_types == workdays.SHUTDOWN, UTILITIES_BASE_KW["shutdown"],
                    UTILITIES_BASE_KW["normal"])
    return compressed_air + cooling + ventilation + base


def office_kw(open_: np.ndarray, temp_air_c: np.ndarray) -> np.ndarray:
    """Office building load [kW]."""
    hvac = (OFFICE_COOLING_KW_PER_K * np.maximum(temp_air_c - OFFICE_COOLING_BASE_C, 0)
            + OFFICE_HEATING_KW_PER_K * np.maximum(OFFICE_HEATING_BASE_C - temp_air_c, 0))
    return OFFICE_KW["base"] + open_ * (OFFICE_KW["hours"] + hvac)


def submeter_energy_kwh(weather: pd.DataFrame, year: int, seed: int = 20250102) -> pd.DataFrame:
    """Energy per interval of the four workshop sub-meters.

    Parameters
    ----------
    weather : pandas.DataFrame
        Output of `lingtan.demo.weather.typical_year` (for ``temp_air_c``).
    year : int
        Calendar year (selects the holiday calendar).
    seed : int
        Seed of the production and noise draws.

    Returns
    -------
    pandas.DataFrame
        Columns ``extrusion``, ``stranding``, ``utilities``, ``office`` [kWh
        per interval], indexed by naive local interval end.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, year, 2]))
    ends = pd.DatetimeIndex(weather.index)
    dates = timeline.interval_dates(ends)
    types = workdays.interval_day_types(dates, year)
    hours = timeline.hour_of_day(ends).to_numpy()
    temp_air_c = weather["temp_air_c"].to_numpy()
    handover = handover_factor(hours)
    extrusion_on = shift_mask(hours, types, EXTRUSION_WINDOWS)
    stranding_on = shift_mask(hours, types, STRANDING_WINDOWS)
    extrusion = production_line_kw(extrusion_on, types, EXTRUSION_KW,
                                   daily_factor(dates, rng) * handover)
    stranding = production_line_kw(stranding_on, types, STRANDING_KW,
                                   daily_factor(dates, rng) * handover)
    running_kw = extrusion * extrusion_on + stranding * stranding_on
    power_kw = {
        "extrusion": extrusion,
        "stranding": stranding,
        "utilities": utilities_kw(extrusion_on, extrusion_on | stranding_on, running_kw,
                                  temp_air_c, types),
        "office": office_kw(shift_mask(hours, types, OFFICE_WINDOWS), temp_air_c),
    }
    energy = {
        name: np.maximum(kw * ar1_noise(len(ends), rng), 0.0) * timeline.HOURS_PER_INTERVAL
        for name, kw in power_kw.items()
    }
    return pd.DataFrame(energy, index=ends)
