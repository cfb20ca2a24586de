"""Hourly energy profiles: interval readings bucketed into hours, monthly volumes shaped.

Matching is done per hour (EnergyTag granular certificates cover ≤ 1 hour [1]_), so
interval meter data and monthly contract volumes are first put on one grid of hours.
As everywhere in lingtan (docs/conventions.md), a timestamp marks the **end** of its
interval and is UTC (naive ``datetime64``): the reading stamped 00:15 belongs to the
hour 00:00–01:00, and so does the one stamped 01:00; the reading stamped 00:00 belongs
to the previous day's last hour. Hours are labelled by their end as well.

China's GECs have monthly vintages and green-power trades are often settled per month
(domain.md §8), so :func:`shape_monthly_to_hours` spreads a month's volume over its
hours, flat or in proportion to a given profile (e.g. a PV shape).

References
----------
.. [1] EnergyTag, Granular Certificate Scheme Standard (2022); domain.md §8.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from lingtan.errors import InputError
from lingtan.matching._checks import (
    HOUR_NS,
    DatetimeArray,
    FloatArray,
    check_energy_kwh,
    check_hours,
    check_timestamps,
)

DEFAULT_TIMEZONE = "Asia/Shanghai"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def to_hourly_kwh(
    ts_utc: npt.ArrayLike,
    energy_kwh: npt.ArrayLike,
    hours_utc: npt.ArrayLike | None = None,
) -> tuple[DatetimeArray, FloatArray]:
    """Sum interval-end readings into the hours that contain their intervals.

    Parameters
    ----------
    ts_utc : array_like of datetime64, shape (readings,)
        End of each reading's interval, UTC. Intervals must not straddle an hour
        boundary (any interval of 1, 5, 15, 30 or 60 minutes aligned to the clock).
    energy_kwh : array_like, shape (readings,) or (meters, readings)
        Energy of each interval [kWh].
    hours_utc : array_like of datetime64, optional
        The hours to bucket into (end of each hour, UTC). Every reading must fall in one
        of them; an hour without readings gets 0 kWh. Default: the hours that have
        readings, sorted.

    Returns
    -------
    hours_utc : ndarray of datetime64[ns], shape (hours,)
        End of each hour, UTC.
    kwh_per_hour : ndarray, shape (hours,) or (meters, hours)
        Energy per hour [kWh].
    """
    ts = check_timestamps("ts_utc", ts_utc)
    energy = check_energy_kwh("energy_kwh", energy_kwh)
    if energy.shape[-1] != ts.shape[0]:
        raise InputError(f"energy_kwh has {energy.shape[-1]} readings, ts_utc {ts.shape[0]}")
    hour_end = ((ts.view(np.int64) - 1) // HOUR_NS + 1) * HOUR_NS
    if hours_utc is None:
        grid, idx = np.unique(hour_end, return_inverse=True)
        hours = grid.view("datetime64[ns]")
    else:
        hours = check_hours(hours_utc)
        idx = _index_in(hours.view(np.int64), hour_end, ts)
    return hours, _sum_by_index(energy, idx, hours.shape[0])


def _index_in(grid: npt.NDArray[np.int64], hour_end: npt.NDArray[np.int64],
              ts: DatetimeArray) -> npt.NDArray[np.intp]:
    idx = np.minimum(np.searchsorted(grid, hour_end), grid.shape[0] - 1)
    outside = grid[idx] != hour_end
    if outside.any():
        i = int(np.argmax(outside))
        raise InputError(f"ts_utc[{i}] = {ts[i]} falls in no hour of hours_utc")
    return idx


def _sum_by_index(energy: FloatArray, idx: npt.NDArray[np.intp], n_hours: int) -> FloatArray:
    """Sum ``energy`` along its last axis into ``n_hours`` buckets given by ``idx``."""
    if idx.shape[0] > 1 and bool((np.diff(idx) >= 0).all()):  # sorted: contiguous runs
        starts = np.flatnonzero(np.r_[True, np.diff(idx) != 0])
        out = np.zeros((*energy.shape[:-1], n_hours))
        out[..., idx[starts]] = np.add.reduceat(energy, starts, axis=-1)
        return out
    if energy.ndim == 1:
        return np.asarray(np.bincount(idx, weights=energy, minlength=n_hours), dtype=np.float64)
    meters = energy.shape[0]
    flat = (idx[None, :] + n_hours * np.arange(meters)[:, None]).ravel()
    summed = np.bincount(flat, weights=energy.ravel(), minlength=meters * n_hours)
    return np.asarray(summed, dtype=np.float64).reshape(meters, n_hours)


def local_month_hour(hours_utc: DatetimeArray, timezone: str = DEFAULT_TIMEZONE
                     ) -> npt.NDArray[np.intp]:
    """Cell ``(month − 1) × 24 + hour`` of each hour, in the site's local time.

    The hour ending 01:00 local is hour 0 of the day; month and hour are those of the
    hour's start.
    """
    local = _local_starts(hours_utc, timezone)
    return np.asarray((local.month - 1) * 24 + local.hour, dtype=np.intp)


def _local_starts(hours_utc: DatetimeArray, timezone: str) -> pd.DatetimeIndex:
    starts = pd.DatetimeIndex(hours_utc - np.timedelta64(1, "h"))
    return starts.tz_localize("UTC").tz_convert(timezone)


def shape_monthly_to_hours(
    monthly_mwh: Mapping[str, float],
    hours_utc: npt.ArrayLike,
    profile: npt.ArrayLike | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> FloatArray:
    """Spread monthly volumes over the hours of each month, flat or by a profile.

    ``E_h = 1000 × V_m × w_h / Σ_{h∈m} w_h`` for every hour ``h`` of local month ``m``,
    with ``w = 1`` (flat) or the given profile.

    Parameters
    ----------
    monthly_mwh : mapping of "YYYY-MM" to float
        Volume delivered in each local calendar month [MWh].
    hours_utc : array_like of datetime64, shape (hours,)
        End of each hour, UTC; must cover every hour of every month given.
    profile : array_like, shape (hours,), optional
        Non-negative weights per hour (any unit, e.g. a PV output shape). Default: flat.
    timezone : str
        IANA time zone in which months are reckoned.

    Returns
    -------
    ndarray, shape (hours,)
        Delivered energy per hour [kWh]; 0 in hours of months not given.
    """
    hours = check_hours(hours_utc)
    weights = np.ones(hours.shape[0])
    if profile is not None:
        weights = check_energy_kwh("profile", profile)
        if weights.shape != hours.shape:
            raise InputError(f"profile has shape {weights.shape}, hours_utc {hours.shape}")
    local = _local_starts(hours, timezone)
    codes = np.asarray(local.year * 12 + local.month - 1)
    out = np.zeros(hours.shape[0])
    for label, volume_mwh in monthly_mwh.items():
        year, month = _parse_month(label)
        if not volume_mwh >= 0.0 or volume_mwh == np.inf:
            raise InputError(f"monthly_mwh[{label!r}] is {volume_mwh}: must be finite and ≥ 0")
        mask = codes == year * 12 + month - 1
        expected = _hours_in_month(year, month, timezone)
        if int(mask.sum()) != expected:
            raise InputError(f"hours_utc covers {int(mask.sum())} of the {expected} hours of "
                             f"{label} ({timezone}); cannot shape its volume")
        w = weights[mask]
        if volume_mwh > 0 and w.sum() == 0:
            raise InputError(f"profile is 0 in every hour of {label}; cannot shape its volume")
        if volume_mwh > 0:
            out[mask] = 1000.0 * volume_mwh * w / w.sum()
    return out


def _parse_month(label: str) -> tuple[int, int]:
    m = _MONTH.match(label)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError(f"month {label!r} is not YYYY-MM")
    return int(m.group(1)), int(m.group(2))


def _hours_in_month(year: int, month: int, timezone: str) -> int:
    start = pd.Timestamp(year=year, month=month, day=1).tz_localize(timezone)
    end = (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthBegin(1)
           ).tz_localize(timezone)
    return int((end - start) / pd.Timedelta(hours=1))
