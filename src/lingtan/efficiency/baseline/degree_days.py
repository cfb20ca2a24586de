"""Heating and cooling degree-days from a site's temperatures.

For each day with mean outdoor temperature ``T`` [°C] and a base temperature
``T_b`` [°C]::

    HDD = max(0, T_b − T)        CDD = max(0, T − T_b)

and the degree-days of a period are the sum over its days. This is the daily
mean-temperature method (CIBSE TM41:2006 "Degree-days: theory and application"
discusses it and its limits). Hourly readings are first averaged to a daily mean
(:func:`daily_mean_temperature`).

No base temperature is built in. Conventions differ between standards, countries
and buildings (and a factory's balance point is its own), so ``base_c`` is always a
required argument; state in the report which base was used and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from lingtan.errors import InputError

__all__ = [
    "DegreeDays",
    "cooling_degree_days",
    "daily_mean_temperature",
    "degree_days_by_month",
    "heating_degree_days",
]

FloatArray = npt.NDArray[np.float64]


def _days(dates: Sequence[Any] | npt.NDArray[Any]) -> npt.NDArray[np.datetime64]:
    try:
        return np.asarray(dates, dtype="datetime64[D]")
    except (ValueError, TypeError) as exc:
        raise InputError(f"dates must be ISO dates or timestamps: {exc}") from exc


def _temperatures(
    temperature_c: Sequence[float] | FloatArray, labels: npt.NDArray[Any]
) -> FloatArray:
    t = np.asarray(temperature_c, dtype=float)
    if t.shape != labels.shape:
        raise InputError(
            f"{labels.size} timestamps but {t.size} temperatures; they must pair up"
        )
    bad = ~np.isfinite(t)
    if bad.any():
        raise InputError(f"temperature is missing or not finite at {labels[bad][0]}")
    return t


def _base(base_c: float) -> float:
    if not np.isfinite(base_c):
        raise InputError(f"base temperature must be a finite number of °C, got {base_c}")
    return float(base_c)


def daily_mean_temperature(
    timestamps: Sequence[Any] | npt.NDArray[Any], temperature_c: Sequence[float] | FloatArray
) -> tuple[npt.NDArray[np.datetime64], FloatArray]:
    """Mean temperature of each calendar day present in hourly (or finer) readings.

    Parameters
    ----------
    timestamps : sequence of datetime-like
        Local time of each reading (numpy ``datetime64`` or ISO strings).
    temperature_c : sequence of float
        Outdoor dry-bulb temperature [°C].

    Returns
    -------
    (days, mean_c) : tuple of arrays
        Sorted days [datetime64[D]] and the arithmetic mean of that day's readings [°C].
    """
    stamps = np.asarray(timestamps, dtype="datetime64[s]")
    t = _temperatures(temperature_c, stamps)
    days = stamps.astype("datetime64[D]")
    unique, index = np.unique(days, return_inverse=True)
    sums = np.bincount(index, weights=t, minlength=unique.size)
    counts = np.bincount(index, minlength=unique.size)
    return unique, sums / counts


def heating_degree_days(daily_mean_c: Sequence[float] | FloatArray, base_c: float) -> FloatArray:
    """Heating degree-days of each day, ``max(0, base_c − T)`` [K·d].

    Parameters
    ----------
    daily_mean_c : sequence of float
        Daily mean outdoor temperature [°C].
    base_c : float
        Heating base temperature [°C]; required, no default (see module docstring).
    """
    t = np.asarray(daily_mean_c, dtype=float)
    _temperatures(t, np.arange(t.size))
    return np.maximum(0.0, _base(base_c) - t)


def cooling_degree_days(daily_mean_c: Sequence[float] | FloatArray, base_c: float) -> FloatArray:
    """Cooling degree-days of each day, ``max(0, T − base_c)`` [K·d].

    Parameters
    ----------
    daily_mean_c : sequence of float
        Daily mean outdoor temperature [°C].
    base_c : float
        Cooling base temperature [°C]; required, no default (see module docstring).
    """
    t = np.asarray(daily_mean_c, dtype=float)
    _temperatures(t, np.arange(t.size))
    return np.maximum(0.0, t - _base(base_c))


@dataclass(frozen=True)
class DegreeDays:
    """Degree-days per calendar month.

    Attributes
    ----------
    months : tuple[str, ...]
        ``YYYY-MM`` labels, in order.
    hdd : tuple[float, ...]
        Heating degree-days of each month [K·d], base ``heating_base_c``.
    cdd : tuple[float, ...]
        Cooling degree-days of each month [K·d], base ``cooling_base_c``.
    days_with_data : tuple[int, ...]
        Days with a temperature in each month; compare with the days of the month to
        see gaps (missing days are not filled).
    heating_base_c, cooling_base_c : float
        Base temperatures used [°C].
    """

    months: tuple[str, ...]
    hdd: tuple[float, ...]
    cdd: tuple[float, ...]
    days_with_data: tuple[int, ...]
    heating_base_c: float
    cooling_base_c: float

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form, one row per month."""
        rows = [
            {"month": m, "hdd": h, "cdd": c, "days_with_data": d}
            for m, h, c, d in zip(self.months, self.hdd, self.cdd, self.days_with_data,
                                  strict=True)
        ]
        return {"heating_base_c": self.heating_base_c, "cooling_base_c": self.cooling_base_c,
                "months": rows}


def degree_days_by_month(
    days: Sequence[Any] | npt.NDArray[Any],
    daily_mean_c: Sequence[float] | FloatArray,
    *,
    heating_base_c: float,
    cooling_base_c: float,
) -> DegreeDays:
    """Sum daily heating and cooling degree-days into calendar months.

    Parameters
    ----------
    days : sequence of date-like
        Local date of each daily mean (each day at most once).
    daily_mean_c : sequence of float
        Daily mean outdoor temperature [°C] (see :func:`daily_mean_temperature`).
    heating_base_c, cooling_base_c : float
        Base temperatures [°C]; required.

    Raises
    ------
    InputError
        A temperature is missing (naming the day), a day repeats, or a base is not finite.
    """
    d = _days(days)
    t = _temperatures(daily_mean_c, d)
    unique_days, counts = np.unique(d, return_counts=True)
    if (counts > 1).any():
        raise InputError(f"day {unique_days[counts > 1][0]} appears more than once")
    hdd = heating_degree_days(t, heating_base_c)
    cdd = cooling_degree_days(t, cooling_base_c)
    months = d.astype("datetime64[M]")
    labels, index = np.unique(months, return_inverse=True)
    n = labels.size
    return DegreeDays(
        months=tuple(str(m) for m in labels),
        hdd=tuple(float(x) for x in np.bincount(index, weights=hdd, minlength=n)),
        cdd=tuple(float(x) for x in np.bincount(index, weights=cdd, minlength=n)),
        days_with_data=tuple(int(x) for x in np.bincount(index, minlength=n)),
        heating_base_c=_base(heating_base_c),
        cooling_base_c=_base(cooling_base_c),
    )
