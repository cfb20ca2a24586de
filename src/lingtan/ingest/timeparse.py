"""SQL that turns a readings file's timestamp column into UTC interval ends, or NULL.

Correctness first: with the session time zone set to the site's zone,
``TRY_CAST(text AS TIMESTAMPTZ) AT TIME ZONE 'UTC'`` reads a timestamp without offset
as site-local time and honours an explicit offset. That cast goes through ICU for
every row, so for a zone whose UTC offset is constant over the data (Asia/Shanghai
since September 1991) a text that certainly carries no offset is parsed as a plain
``TIMESTAMP`` and shifted by the fixed offset — about twice as fast. The importer
checks afterwards that every parsed instant lies in the zone's fixed-offset window
and otherwise re-parses with the exact expression.

A timestamp is NULL (a problem of its row; :func:`reason_sql` says which) when it

- does not parse, names a time zone instead of giving an offset (``CST`` is China
  or US Central), or gives an offset outside −12:00 … +14:00 (the offsets in use in
  the IANA time zone database);
- has a local year outside 1900 … 2100 (``20250-03-01``, ``infinity``);
- has no time of day (``2025-03-01``: which interval it ends is a guess);
- on the exact path, is a local time without offset that the site's clocks skip
  (daylight saving starts) or show twice (it ends). ICU would move the first an
  hour and pick one of the second; both are refused. A local time is skipped when
  the instant ICU gives does not convert back to the same wall time; it is shown
  twice when the instant one backward clock step earlier or later does.

Before parsing, a text that does not parse as written is normalised (surrounding
white space, a space before the offset, ``HH:MM`` before an offset, lower-case
``z``); rows that parse as written never pay for it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

#: Timestamps are checked against the fixed-offset window only between these years.
_SCAN_FROM, _SCAN_TO = 1970, 2100
#: Local years a reading may have (outside: a typo such as ``20250``, or ``infinity``).
YEAR_MIN, YEAR_MAX = 1900, 2100
#: Explicit UTC offsets in use, in hours (IANA tz database: Etc/GMT+12 … Pacific/Kiritimati).
OFFSET_MIN_H, OFFSET_MAX_H = -12, 14

_IN_YEARS = (f"(({{w}}) >= TIMESTAMP '{YEAR_MIN}-01-01'"
             f" AND ({{w}}) < TIMESTAMP '{YEAR_MAX + 1}-01-01')")


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


@dataclass(frozen=True)
class ClockChanges:
    """Where a zone's local time is skipped or repeated, YEAR_MIN … YEAR_MAX.

    Attributes
    ----------
    dates : tuple[datetime.date, ...]
        Local dates holding a wall time that is skipped or occurs twice.
    backward_min : tuple[int, ...]
        Sizes [min] of the backward changes: a wall time within one such step after
        the change occurs twice.
    """

    dates: tuple[dt.date, ...]
    backward_min: tuple[int, ...]


@lru_cache(maxsize=64)
def clock_changes(timezone: str) -> ClockChanges:
    """The clock changes of ``timezone`` (IANA tz database as Python's ``zoneinfo`` has it).

    The offset is compared day by day (two changes within one day are not seen); a
    change is then found to the second by bisection.
    """
    tz = zoneinfo.ZoneInfo(timezone)
    start = dt.datetime(YEAR_MIN, 1, 1, tzinfo=dt.UTC)

    def offset(t: dt.datetime) -> dt.timedelta:
        return t.astimezone(tz).utcoffset() or dt.timedelta(0)

    dates: set[dt.date] = set()
    steps: set[int] = set()
    day = dt.timedelta(days=1)
    before = offset(start)
    for k in range(1, (YEAR_MAX - YEAR_MIN + 1) * 366):
        after = offset(start + k * day)
        if after != before:
            lo, hi = start + (k - 1) * day, start + k * day
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if offset(mid) == before else (lo, mid)
            first, last = hi + min(before, after), hi + max(before, after)
            local = first.replace(tzinfo=None)
            while local < last.replace(tzinfo=None):
                dates.add(local.date())
                local = dt.datetime.combine(local.date() + day, dt.time())
            if after < before:
                steps.add(int((before - after).total_seconds()) // 60)
        before = after
    return ClockChanges(tuple(sorted(dates)), tuple(sorted(steps)))


def _naive(col: str) -> str:
    """True when a text has no offset: no ``+``, ``Z`` or ``UTC``, no ``-`` after a ``:``.

    Only ``contains`` and one ``LIKE``: cheaper than looking at the text's last characters.
    """
    return (f"(NOT contains({col}, '+') AND NOT contains({col}, 'Z')"
            f" AND NOT contains({col}, 'z') AND NOT contains({col}, 'U')"
            f" AND NOT contains({col}, 'u') AND {col} NOT LIKE '%:%-%')")


def normalised(col: str) -> str:
    """``col`` trimmed, without a space before its offset, with seconds before it, ``Z``."""
    time = r"^([^:]*[0-9]:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)\s*([zZ]|[+-][0-9])"
    return (f"regexp_replace(regexp_replace(regexp_replace(trim({col}), '{time}', '\\1\\4'),"
            f" '^([^:]*[0-9]:[0-9]{{2}})([zZ+-])', '\\1:00\\2'), 'z$', 'Z')")


def _offset_ok(wall: str, utc: str) -> str:
    """The offset ``wall − utc`` lies within OFFSET_MIN_H … OFFSET_MAX_H."""
    return (f"({utc} BETWEEN {wall} - INTERVAL {OFFSET_MAX_H} HOUR"
            f" AND {wall} + INTERVAL {-OFFSET_MIN_H} HOUR)")


def _shown_twice(wall: str, instant: str, steps: tuple[int, ...]) -> str:
    """The wall time is also the local time one backward step before or after ``instant``."""
    terms = [f"CAST({instant} {sign} INTERVAL {step} MINUTE AS TIMESTAMP) = {wall}"
             for step in steps for sign in ("-", "+")]
    return "(" + " OR ".join(terms) + ")" if terms else "FALSE"


def _local_ok(wall: str, instant: str, timezone: str) -> str:
    """A local time that exists exactly once (session time zone = the site's).

    The round trip through ICU runs only on the dates of a clock change, so a zone with
    daylight saving time costs one date lookup per row more than one without.
    """
    changes = clock_changes(timezone)
    if not changes.dates:
        return "TRUE"
    dates = ", ".join(f"DATE '{d.isoformat()}'" for d in changes.dates)
    exact = (f"CAST({instant} AS TIMESTAMP) = {wall}"
             f" AND NOT {_shown_twice(wall, instant, changes.backward_min)}")
    return f"(CASE WHEN CAST({wall} AS DATE) IN ({dates}) THEN {exact} ELSE TRUE END)"


def utc_select(
    source: str, col: str, column_type: str, fixed: FixedOffset | None, timezone: str
) -> tuple[str, str]:
    """A subquery over ``source`` and the SQL of the UTC ``TIMESTAMP`` of ``col`` in it.

    Parameters
    ----------
    source : str
        The staging table (or a subquery) holding the column.
    col : str
        Quoted column reference.
    column_type : str
        DuckDB type of the column (``VARCHAR`` for CSV/XLSX; Parquet keeps its own).
    fixed : FixedOffset or None
        Use the fast path with this offset; ``None`` for the exact ICU path only.
    timezone : str
        The site's IANA zone (the session time zone while the SQL runs).

    Returns
    -------
    tuple[str, str]
        ``(subquery, expression)``: the expression, over the subquery's columns, is
        NULL where the timestamp is missing, unparseable or refused.
    """
    if column_type.startswith("TIMESTAMP WITH TIME ZONE"):
        utc = f"({col} AT TIME ZONE 'UTC')"
        return source, f"CASE WHEN {_IN_YEARS.format(w=utc)} THEN {utc} END"
    if column_type.startswith("TIMESTAMP"):
        return _typed_local(source, col, fixed, timezone)
    return _text(source, col, fixed, timezone)


def _typed_local(
    source: str, col: str, fixed: FixedOffset | None, timezone: str
) -> tuple[str, str]:
    """A Parquet ``TIMESTAMP`` (no zone): a local wall time, checked like naive text."""
    sub = f"(SELECT *, CAST({col} AS TIMESTAMP) AS _w FROM {source})"
    if fixed is not None:
        shifted = f"_w - to_minutes({fixed.minutes})"
        return sub, f"CASE WHEN {_IN_YEARS.format(w='_w')} THEN {shifted} END"
    sub = f"(SELECT *, CAST(_w AS TIMESTAMPTZ) AS _i FROM {sub})"
    ok = f"{_IN_YEARS.format(w='_w')} AND {_local_ok('_w', '_i', timezone)}"
    return sub, f"CASE WHEN {ok} THEN _i AT TIME ZONE 'UTC' END"


def _text(source: str, col: str, fixed: FixedOffset | None, timezone: str) -> tuple[str, str]:
    """Text: ``_s`` is the text to parse (normalised only if it does not parse as given),
    ``_w`` its wall time as written (the offset ignored)."""
    sub = (f"(SELECT *, CASE WHEN _w0 IS NULL THEN {normalised('_t')} ELSE _t END AS _s,"
           f" coalesce(_w0, TRY_CAST({normalised('_t')} AS TIMESTAMP)) AS _w FROM"
           f" (SELECT *, TRY_CAST(_t AS TIMESTAMP) AS _w0 FROM"
           f" (SELECT *, CAST({col} AS VARCHAR) AS _t FROM {source})))")
    shape = f"{_IN_YEARS.format(w='_w')} AND contains(_s, ':')"
    sub = f"(SELECT *, {_naive('_s')} AS _n FROM {sub})"
    if fixed is not None:
        sub = (f"(SELECT *, CASE WHEN NOT _n THEN TRY_CAST(_s AS TIMESTAMPTZ)"
               f" AT TIME ZONE 'UTC' END AS _u FROM {sub})")
        return sub, (f"CASE WHEN NOT ({shape}) THEN NULL"
                     f" WHEN _n THEN _w - to_minutes({fixed.minutes})"
                     f" WHEN {_offset_ok('_w', '_u')} THEN _u END")
    sub = (f"(SELECT *, _i AT TIME ZONE 'UTC' AS _u FROM"
           f" (SELECT *, TRY_CAST(_s AS TIMESTAMPTZ) AS _i FROM {sub}))")
    return sub, (f"CASE WHEN NOT ({shape}) OR _u IS NULL THEN NULL"
                 f" WHEN _n THEN CASE WHEN {_local_ok('_w', '_i', timezone)} THEN _u END"
                 f" WHEN {_offset_ok('_w', '_u')} THEN _u END")


def _offset_text(wall: str, instant: str) -> str:
    """``±HH:MM``: the UTC offset at which ``wall`` is the local time of ``instant``."""
    minutes = f"CAST(epoch({wall} - ({instant} AT TIME ZONE 'UTC')) // 60 AS INTEGER)"
    return (f"(CASE WHEN {minutes} < 0 THEN '-' ELSE '+' END"
            f" || printf('%02d:%02d', abs({minutes}) // 60, abs({minutes}) % 60))")


def reasons_select(rows: str, timezone: str) -> str:
    """Why each timestamp of ``rows`` (``file_idx, _row, ts_text``) was refused.

    Runs on the problem rows only, with the session time zone set to the site's (as
    during the parse). Returns a query of ``file_idx, _row, reason``.
    """
    zone = timezone.replace("'", "''")
    steps = clock_changes(timezone).backward_min
    earlier = " ".join(f"WHEN CAST(_i {sign} INTERVAL {step} MINUTE AS TIMESTAMP) = _w"
                       f" THEN _i {sign} INTERVAL {step} MINUTE"
                       for step in steps for sign in ("-", "+"))
    other = f"(CASE {earlier} END)" if steps else "_i"
    quoted = "'''' || ts_text || ''''"
    naive = _naive("_s")
    return f"""
    SELECT file_idx, _row, CASE
      WHEN ts_text IS NULL OR trim(ts_text) = '' THEN 'missing timestamp'
      WHEN _w IS NULL AND _i IS NOT NULL THEN 'time zone names are not accepted: ' || {quoted}
        || ' (give the UTC offset, e.g. +08:00, or none for the site''s time zone)'
      WHEN _w IS NULL OR _i IS NULL OR NOT regexp_matches(_s, '^[0-9]')
        THEN 'unparseable or impossible timestamp ' || {quoted}
      WHEN NOT isfinite(_w) OR NOT {_IN_YEARS.format(w='_w')}
        THEN 'the year of timestamp ' || {quoted} || ' is outside {YEAR_MIN}–{YEAR_MAX}'
      WHEN NOT contains(_s, ':') THEN 'no time of day in timestamp ' || {quoted}
        || ': give the time the interval ends (or starts, with timestamp_marks start)'
      WHEN NOT {naive} AND NOT {_offset_ok('_w', "(_i AT TIME ZONE 'UTC')")}
        THEN 'the UTC offset of ' || {quoted} || ' is outside −12:00 … +14:00'
      WHEN {naive} AND CAST(_i AS TIMESTAMP) <> _w
        THEN 'local time ' || {quoted} || ' does not exist in {zone} (the clocks skip it'
             || ' when daylight saving time starts); give the UTC offset with it'
      WHEN {naive} AND {_shown_twice('_w', '_i', steps)}
        THEN 'local time ' || {quoted} || ' occurs twice in {zone} (at UTC'
             || {_offset_text('_w', other)} || ' and UTC' || {_offset_text('_w', '_i')}
             || ', the clocks go back); give the UTC offset with it'
      ELSE 'unparseable or impossible timestamp ' || {quoted} END AS reason
    FROM (SELECT *, TRY_CAST(_s AS TIMESTAMP) AS _w, TRY_CAST(_s AS TIMESTAMPTZ) AS _i
          FROM (SELECT *, {normalised('ts_text')} AS _s FROM ({rows})))"""
