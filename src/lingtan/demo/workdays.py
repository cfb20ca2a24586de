"""The demo plant's working calendar: public holidays, make-up days, shutdown.

Day types
---------
``full``
    Monday to Friday, and official make-up working days (调休上班): all
    shifts run.
``saturday``
    Saturdays: production runs two shifts, offices are closed.
``off``
    Sundays and public holidays: no production; base load only.
``shutdown``
    The plant's Spring Festival shutdown (停产放假), which starts before and
    ends after the official holiday as is usual for manufacturers whose staff
    travel home: base load only, reduced further.

Public holidays are hard-coded for 2025 only, from the State Council
General Office notice 国办发明电〔2024〕12号 《国务院办公厅关于2025年部分节假日安排的通知》
(2024-11-12, published by Xinhua; reproduced at
https://m.gmw.cn/2024-11/12/content_1303894933.htm). For any other year the
calendar uses weekends only (no holidays, no make-up days, no shutdown).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

FULL = "full"
SATURDAY = "saturday"
OFF = "off"
SHUTDOWN = "shutdown"

HOLIDAY_NOTICE = "国办发明电〔2024〕12号"

# 国办发明电〔2024〕12号: official days off in 2025 (放假), inclusive ranges.
PUBLIC_HOLIDAYS_2025: tuple[tuple[dt.date, dt.date, str], ...] = (
    (dt.date(2025, 1, 1), dt.date(2025, 1, 1), "元旦"),
    (dt.date(2025, 1, 28), dt.date(2025, 2, 4), "春节"),
    (dt.date(2025, 4, 4), dt.date(2025, 4, 6), "清明节"),
    (dt.date(2025, 5, 1), dt.date(2025, 5, 5), "劳动节"),
    (dt.date(2025, 5, 31), dt.date(2025, 6, 2), "端午节"),
    (dt.date(2025, 10, 1), dt.date(2025, 10, 8), "国庆节、中秋节"),
)

# 国办发明电〔2024〕12号: weekend days that are working days (调休上班).
MAKE_UP_WORKDAYS_2025: tuple[dt.date, ...] = (
    dt.date(2025, 1, 26),
    dt.date(2025, 2, 8),
    dt.date(2025, 4, 27),
    dt.date(2025, 9, 28),
    dt.date(2025, 10, 11),
)

# The plant's own decision (a modelling assumption, not an official date):
# production stops from the Friday before the Spring Festival holiday and
# restarts two days after it ends.
SPRING_FESTIVAL_SHUTDOWN_2025: tuple[dt.date, dt.date] = (
    dt.date(2025, 1, 24),
    dt.date(2025, 2, 6),
)


def _date_range(first: dt.date, last: dt.date) -> list[dt.date]:
    return [d.date() for d in pd.date_range(first, last, freq="D")]


def public_holidays(year: int) -> dict[dt.date, str]:
    """Official public holidays (days off) of ``year``.

    Parameters
    ----------
    year : int
        Calendar year.

    Returns
    -------
    dict
        Date -> holiday name. Empty for any year other than 2025.
    """
    if year != 2025:
        return {}
    return {
        day: name
        for first, last, name in PUBLIC_HOLIDAYS_2025
        for day in _date_range(first, last)
    }


def make_up_workdays(year: int) -> frozenset[dt.date]:
    """Weekend days declared working days (调休上班) in ``year`` (2025 only)."""
    return frozenset(MAKE_UP_WORKDAYS_2025) if year == 2025 else frozenset()


def shutdown_days(year: int) -> frozenset[dt.date]:
    """Days of the plant's Spring Festival shutdown in ``year`` (2025 only)."""
    if year != 2025:
        return frozenset()
    return frozenset(_date_range(*SPRING_FESTIVAL_SHUTDOWN_2025))


def day_type(day: dt.date) -> str:
    """Day type of one date (see the module docstring).

    Parameters
    ----------
    day : datetime.date
        Local calendar date.

    Returns
    -------
    str
        One of ``full``, ``saturday``, ``off``, ``shutdown``.
    """
    if day in shutdown_days(day.year):
        return SHUTDOWN
    if day in public_holidays(day.year):
        return OFF
    if day in make_up_workdays(day.year):
        return FULL
    weekday = day.weekday()
    if weekday < 5:
        return FULL
    return SATURDAY if weekday == 5 else OFF


def day_types(year: int) -> pd.Series:
    """Day type of every date in ``year``.

    Parameters
    ----------
    year : int
        Calendar year.

    Returns
    -------
    pandas.Series
        Indexed by naive local midnight, values as returned by `day_type`.
    """
    days = pd.date_range(dt.date(year, 1, 1), dt.date(year, 12, 31), freq="D")
    return pd.Series([day_type(d.date()) for d in days], index=days, name="day_type")


def production_days_per_month(year: int) -> pd.Series:
    """Equivalent full production days per month (a Saturday counts 2/3).

    Parameters
    ----------
    year : int
        Calendar year.

    Returns
    -------
    pandas.Series
        Indexed by month number 1-12 [d].
    """
    weights = {FULL: 1.0, SATURDAY: 2 / 3, OFF: 0.0, SHUTDOWN: 0.0}
    types = day_types(year)
    equivalent_days = types.map(weights).astype(float)
    return equivalent_days.groupby(pd.DatetimeIndex(types.index).month).sum()


def interval_day_types(dates: pd.DatetimeIndex, year: int) -> np.ndarray:
    """Day type of each interval, given each interval's calendar date.

    Parameters
    ----------
    dates : pandas.DatetimeIndex
        Naive local date of every interval (see `timeline.interval_dates`).
    year : int
        Calendar year of the package.

    Returns
    -------
    numpy.ndarray
        Array of day-type strings, one per interval.
    """
    types = day_types(year)
    return types.reindex(dates).to_numpy(dtype=object)
