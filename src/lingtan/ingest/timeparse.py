"""SQL expressions that turn a readings file's timestamp column into UTC interval ends.

Correctness first: with the session time zone set to the site's zone,
``TRY_CAST(text AS TIMESTAMPTZ) AT TIME ZONE 'UTC'`` reads a timestamp without offset
as site-local time and honours an explicit offset. That cast goes through ICU for
every row, so for a zone whose UTC offset is constant over the data (Asia/Shanghai
since September 1991) a text that certainly carries no offset is parsed as a plain
``TIMESTAMP`` and shifted by the fixed offset — about twice as fast. The importer
checks afterwards that every parsed instant lies in the zone's fixed-offset window
and otherwise re-parses with the exact expression.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

#: Timestamps are checked against the fixed-offset window only between these years.
_SCAN_FROM, _SCAN_TO = 1970, 2100


@dataclass(frozen=True)
class FixedOffset:
    """A zone's constant UTC offset and the UTC window in which it holds."""

    minutes: int
    start_utc: dt.datetime
    end_utc: dt.datetime


@lru_cache(maxsize=64)
def fixed_offset(timezone: str, today: dt.date | None = None) -> FixedOffset | None:
    """The offset in force around ``today`` and the window where it does not change.

    Returns ``None`` when the offset changes within a year of ``today`` (daylight
    saving time), so the exact expression is always used for such zones.
    """
    tz = zoneinfo.ZoneInfo(timezone)
    day = today or dt.date(2025, 7, 1)

    def offset(d: dt.date) -> dt.timedelta | None:
        return dt.datetime(d.year, d.month, d.day, 12, tzinfo=tz).utcoffset()

    current = offset(day)
    if current is None:
        return None
    lo = hi = day
    while lo.year > _SCAN_FROM and offset(lo - dt.timedelta(days=1)) == current:
        lo -= dt.timedelta(days=1)
    while hi.year < _SCAN_TO and offset(hi + dt.timedelta(days=1)) == current:
        hi += dt.timedelta(days=1)
    if (hi - lo).days < 366:
        return None
    # a day's margin on both sides keeps the window inside the constant-offset span
    return FixedOffset(int(current.total_seconds() // 60),
                       dt.datetime(lo.year, lo.month, lo.day) + dt.timedelta(days=1),
                       dt.datetime(hi.year, hi.month, hi.day) - dt.timedelta(days=1))


def _certainly_naive(col: str) -> str:
    """True when a text ends in a digit and has no ``±HH``, ``±HHMM`` or ``±HH:MM`` suffix."""
    return (
        f"(right({col}, 1) BETWEEN '0' AND '9'"
        f" AND substr({col}, -3, 1) NOT IN ('+', '-')"
        f" AND substr({col}, -5, 1) NOT IN ('+', '-')"
        f" AND substr({col}, -6, 1) NOT IN ('+', '-'))"
    )


def utc_expression(col: str, column_type: str, fixed: FixedOffset | None) -> str:
    """SQL giving the UTC ``TIMESTAMP`` of ``col`` (NULL where unparseable or impossible).

    Parameters
    ----------
    col : str
        Quoted column reference.
    column_type : str
        DuckDB type of the column (``VARCHAR`` for CSV/XLSX; Parquet keeps its own).
    fixed : FixedOffset or None
        Use the fast path with this offset; ``None`` for the exact ICU path only.
    """
    if column_type.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"({col} AT TIME ZONE 'UTC')"
    if column_type.startswith("TIMESTAMP") or column_type == "DATE":
        exact = f"(CAST({col} AS TIMESTAMPTZ) AT TIME ZONE 'UTC')"
        if fixed is None:
            return exact
        return f"(CAST({col} AS TIMESTAMP) - to_minutes({fixed.minutes}))"
    text = f"CAST({col} AS VARCHAR)"
    if fixed is None:
        return f"(TRY_CAST({text} AS TIMESTAMPTZ) AT TIME ZONE 'UTC')"
    return (
        f"(CASE WHEN {_certainly_naive(text)}"
        f" THEN TRY_CAST({text} AS TIMESTAMP) - to_minutes({fixed.minutes})"
        f" ELSE TRY_CAST({text} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' END)"
    )
