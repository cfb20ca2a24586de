"""The demo year's time axis: 15-minute intervals in naive local time.

Every series in the demo package is indexed by the **end** of its interval
(the data-package default, ``timestamp_marks = end``): the first interval of
the year ends at ``YYYY-01-01 00:15`` and the last at ``YYYY+1-01-01 00:00``.
Physical models (sun position, temperature) are evaluated at the interval
midpoint, 7.5 minutes before the end.

The site's time zone is Asia/Shanghai (UTC+8 all year, no daylight saving
since 1991), so naive local time and the time-zone-aware midpoint differ only
by the offset.
"""

from __future__ import annotations

import pandas as pd

TIMEZONE = "Asia/Shanghai"
INTERVAL_MINUTES = 15
INTERVALS_PER_HOUR = 60 // INTERVAL_MINUTES
HOURS_PER_INTERVAL = INTERVAL_MINUTES / 60


def interval_ends(year: int, minutes: int = INTERVAL_MINUTES) -> pd.DatetimeIndex:
    """Naive local interval-end timestamps covering exactly one calendar year.

    Parameters
    ----------
    year : int
        Calendar year.
    minutes : int
        Interval length [min].

    Returns
    -------
    pandas.DatetimeIndex
        From ``year-01-01 00:MM`` to ``year+1-01-01 00:00`` inclusive
        (35,040 entries for 15 minutes in a non-leap year).
    """
    step = pd.Timedelta(minutes=minutes)
    start = pd.Timestamp(year=year, month=1, day=1) + step
    end = pd.Timestamp(year=year + 1, month=1, day=1)
    return pd.date_range(start, end, freq=step)


def interval_midpoints(ends: pd.DatetimeIndex, tz: str = TIMEZONE) -> pd.DatetimeIndex:
    """Time-zone-aware midpoints of the intervals that end at ``ends``.

    Parameters
    ----------
    ends : pandas.DatetimeIndex
        Naive local interval ends, evenly spaced.
    tz : str
        IANA time zone of the site.

    Returns
    -------
    pandas.DatetimeIndex
        ``ends - interval / 2`` localised to ``tz``.
    """
    half_step = (ends[1] - ends[0]) / 2
    return (ends - half_step).tz_localize(tz)


def interval_dates(ends: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Calendar date (local midnight) that each interval belongs to.

    The interval ending at ``00:00`` belongs to the previous day.

    Parameters
    ----------
    ends : pandas.DatetimeIndex
        Naive local interval ends.

    Returns
    -------
    pandas.DatetimeIndex
        Naive dates, one per interval.
    """
    return (ends - pd.Timedelta(seconds=1)).normalize()


def hour_of_day(ends: pd.DatetimeIndex) -> pd.Index:
    """Local clock hour at the interval midpoint, as a float in [0, 24).

    Parameters
    ----------
    ends : pandas.DatetimeIndex
        Naive local interval ends.

    Returns
    -------
    pandas.Index
        Fractional hour of day [h].
    """
    mid = ends - (ends[1] - ends[0]) / 2
    return pd.Index(mid.hour + mid.minute / 60 + mid.second / 3600)
