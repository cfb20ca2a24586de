"""Natural gas use of the demo plant's boiler, and its mechanical counter.

A 1 t/h gas-fired steam boiler serves

- **process steam** for the warm-water / steam curing rooms of silane
  cross-linked (XLPE) insulation (硅烷交联电缆温水/蒸汽交联) and for drying
  compound: 4.5 m³/h whenever the extrusion lines run;
- **workshop heating** (warm-air units) in working hours (07:00-18:00 on
  full days and Saturdays): 1.5 m³/h per K of air temperature below 12 °C;
- **keep-warm / standby**: 0.3 m³/h, 0.1 m³/h during the Spring Festival
  shutdown.

A seeded multiplicative noise (σ = 5 %, AR(1) 0.9) is added. The result is
about 4 × 10⁴ m³ a year (about 49 tce with the gas-field coefficient of
1.2143 kgce/m³).

The gas meter (``GAS-BOILER``) is a diaphragm meter with a 5-digit
mechanical counter read hourly; it is declared with ``rollover = 100000``
(the counter modulus: 00000 follows 99999, as the data-package format defines it), and its
start reading is chosen so that it rolls over once during the year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lingtan.demo import load, timeline, workdays

PROCESS_M3_PER_H = 4.5
HEATING_M3_PER_H_PER_K, HEATING_BASE_C = 1.5, 12.0
HEATING_WINDOWS: load.Windows = {workdays.FULL: ((7, 18),), workdays.SATURDAY: ((7, 18),)}
STANDBY_M3_PER_H = {"normal": 0.3, "shutdown": 0.1}
NOISE_SIGMA = 0.05

COUNTER_MODULUS_M3 = 100000.0
COUNTER_START_M3 = 71234.567


def boiler_gas_m3(weather: pd.DataFrame, year: int, seed: int = 20250103) -> pd.Series:
    """Gas burnt by the boiler in each 15-minute interval.

    Parameters
    ----------
    weather : pandas.DataFrame
        Output of `lingtan.demo.weather.typical_year` (for ``temp_air_c``).
    year : int
        Calendar year (selects the holiday calendar).
    seed : int
        Seed of the noise.

    Returns
    -------
    pandas.Series
        Gas volume per interval [m³], indexed by naive local interval end.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, year, 3]))
    ends = pd.DatetimeIndex(weather.index)
    types = workdays.interval_day_types(timeline.interval_dates(ends), year)
    hours = timeline.hour_of_day(ends).to_numpy()
    process = load.shift_mask(hours, types, load.EXTRUSION_WINDOWS) * PROCESS_M3_PER_H
    heating_degrees_k = np.maximum(HEATING_BASE_C - weather["temp_air_c"].to_numpy(), 0)
    heating = (load.shift_mask(hours, types, HEATING_WINDOWS)
               * HEATING_M3_PER_H_PER_K * heating_degrees_k)
    standby = np.where(types == workdays.SHUTDOWN, STANDBY_M3_PER_H["shutdown"],
                       STANDBY_M3_PER_H["normal"])
    noise = load.ar1_noise(len(ends), rng, sigma=NOISE_SIGMA)
    flow_m3_per_h = np.maximum((process + heating + standby) * noise, 0.0)
    return pd.Series(flow_m3_per_h * timeline.HOURS_PER_INTERVAL, index=ends, name="gas_m3")


def hourly_totals(interval_values: pd.Series) -> pd.Series:
    """Sum 15-minute values into hours, keeping the interval-end convention.

    Parameters
    ----------
    interval_values : pandas.Series
        Values indexed by naive 15-minute interval ends.

    Returns
    -------
    pandas.Series
        Hourly sums indexed by the hour's end (``01:00`` covers 00:00-01:00).
    """
    return interval_values.groupby(pd.DatetimeIndex(interval_values.index).ceil("h")).sum()
