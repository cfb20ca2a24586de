"""Meter readings: parse, validate, convert counters to interval energy — all in DuckDB SQL.

Readings are the one table that grows to tens of millions of rows, so the whole
pipeline is set-based SQL over the staging tables; no Python loop touches a row, and
the rows are materialised once (``rd_parsed``).

Pipeline (in the import's transaction):

1. ``rd_parsed``   one pass over the staged files: meter, UTC interval-end
                   timestamp, number, flag, interval quantity in canonical units
                   for interval meters, and a problem bit mask (NULL = valid): unknown
                   meter, bad or refused timestamp (:mod:`~lingtan.ingest.timeparse`),
                   bad number (:func:`number_sql`), negative interval value, interval
                   quantity beyond the stored decimal, value beyond ±2^53, counter
                   reading beyond its rollover, unknown flag. A Parquet column of a
                   refused type is a file problem first (:func:`header_problems`).
2. ``rd_problems`` the reasons, written with the text as given — only the problem
                   rows are joined back to the staged text.
3. ``rd_dups``     same meter and timestamp more than once: equal values are
                   merged (first row kept), different values are problems.
4. counters        for cumulative meters, sequenced with the stored readings
                   (anchor and any in between, with their stored reset flags): a
                   row below the running maximum (no reset, no rollover) is a
                   counter going backwards; interval energy = difference, plus
                   the modulus for a rollover, or the new reading after a reset.
5. ``rd_final``    a view: every accepted reading with its interval quantity and
                   its flag as given (stored with it, so a reset stays declared).

Timestamps without an offset are in the site's time zone (see
:mod:`lingtan.ingest.timeparse`).
"""

from __future__ import annotations

import re

import duckdb

from lingtan.errors import Problem
from lingtan.ingest import fields
from lingtan.ingest.tables import StagedFile
from lingtan.ingest.timeparse import FixedOffset, fixed_offset, reasons_select, utc_select

REQUIRED = ("meter_id", "timestamp", "value")
OPTIONAL = ("flag",)

#: Largest interval quantity of one reading in canonical units (kWh, t, m3): the
#: inventory sums readings as ``decimal(18, 9)`` (``accounting.metered.READING_TYPE``).
MAX_INTERVAL_CANONICAL = 1e9
#: Largest magnitude of a value as given: beyond 2^53 a 64-bit float (the stored type)
#: no longer holds every integer (IEEE 754 binary64 has a 53-bit significand).
MAX_RAW = fields.MAX_EXACT

#: Parquet value column types read as numbers (``FLOAT`` through its shortest text, so a
#: float32 0.1 is 0.1, not 0.10000000149).
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
            "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
#: A number with thousands grouping, white space around it allowed (as the cast allows).
GROUPED_NUMBER = r"\s*" + fields.GROUPED_NUMBER + r"\s*"

_VALUE_REASON = """CASE
  WHEN t.value_text IS NULL OR trim(t.value_text) = '' THEN 'missing value'
  WHEN lower(trim(t.value_text)) IN ('true', 'false')
    THEN 'a boolean is not a number: ''' || t.value_text || ''''
  WHEN contains(t.value_text, '_')
    THEN 'digit separators (_) are not accepted: ''' || t.value_text || ''''
  WHEN contains(t.value_text, ',') THEN 'ambiguous number ''' || t.value_text
    || ''': a comma is accepted only as a thousands separator (1,500 or 12,345.6);'
    || ' write decimals with a point'
  WHEN TRY_CAST(t.value_text AS DOUBLE) IS NOT NULL
    THEN 'not a finite number: ''' || t.value_text || ''''
  ELSE 'not a number: ''' || t.value_text || '''' END"""

#: Problem bit of ``rd_parsed.problem`` → (field, SQL reason; ``t`` = the row as text,
#: ``m`` its meter). The reasons of bit 2 (timestamp) come from :func:`reasons_select`.
_REASONS: dict[int, tuple[str, str]] = {
    1: ("meter_id", "CASE WHEN t.meter_id IS NULL THEN 'missing meter id' ELSE"
                    " 'unknown meter id ''' || t.meter_id || ''' (not in meters.csv)' END"),
    4: ("value", _VALUE_REASON),
    8: ("value", "'negative interval value ' || t.value_text"),
    16: ("value", "'counter reading ' || t.value_text || ' is outside 0 … rollover '"
                  " || m.rollover"),
    32: ("flag", "'unknown flag ''' || t.flag || ''' (allowed: reset)'"),
    64: ("value", f"'value ' || t.value_text || ' is beyond ±2^53 ({MAX_RAW:.0f}), where"
                  " a stored number (64-bit float) stops being exact'"),
    128: ("value", "'interval value ' || t.value_text || ' is beyond what lingtan stores"
                   " exactly: below 1e9 in the canonical unit (kWh, t or m3) per reading,"
                   f" that is ' || printf('%g', {MAX_INTERVAL_CANONICAL} / m.to_canonical)"
                   " || ' in the meter''s unit'"),
}

#: One bit per problem, so a row with a bad value and a bad flag reports both;
#: a row of an unknown meter is not checked further.
_PROBLEM_BITS = f"""
NULLIF(CASE WHEN m.meter_id IS NULL THEN 1 ELSE
  (CASE WHEN s.ts_given IS NULL THEN 2 ELSE 0 END)
  + (CASE WHEN s.raw_value IS NULL OR NOT isfinite(s.raw_value) THEN 4
          WHEN m.reading = 'interval' AND s.raw_value < 0 THEN 8
          WHEN m.reading = 'interval'
               AND abs(s.raw_value * m.to_canonical) >= {MAX_INTERVAL_CANONICAL} THEN 128
          WHEN abs(s.raw_value) >= {MAX_RAW} THEN 64
          WHEN m.rollover IS NOT NULL AND (s.raw_value < 0 OR s.raw_value >= m.rollover) THEN 16
          ELSE 0 END)
  + (CASE WHEN s.flag IS NOT NULL AND s.flag NOT IN ('reset') THEN 32 ELSE 0 END)
END, 0)"""


def header_problems(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> list[Problem]:
    """Missing or unknown columns of one readings file, and columns of a refused type.

    A Parquet file keeps its column types: a ``value`` column that is neither numeric
    nor text (BOOLEAN, BLOB, DATE …) and a ``timestamp`` column of type DATE are
    refused as a whole, even with ``--lenient``.
    """
    problems = [Problem(staged.name, 1, c, "required column is missing")
                for c in REQUIRED if c not in staged.columns]
    problems += [Problem(staged.name, 1, c, "unknown column")
                 for c in staged.columns if c not in REQUIRED + OPTIONAL]
    types = _column_types(con, staged)
    value, stamp = types.get("value", "VARCHAR"), types.get("timestamp", "VARCHAR")
    if value != "VARCHAR" and not _numeric_type(value):
        note = " (true/false is not a reading)" if value == "BOOLEAN" else ""
        problems.append(Problem(staged.name, 1, "value", (
            f"the column is of type {value}{note}; numbers, or text holding numbers,"
            " are expected")))
    if stamp == "DATE":
        problems.append(Problem(staged.name, 1, "timestamp", (
            "the column is of type DATE: a reading needs the time of day its interval ends"
            " (or starts, with timestamp_marks start)")))
    return problems


_SCALAR_NUMERIC = re.compile("(?:" + "|".join(_NUMERIC) + r")(?:\(\d+,\s*\d+\))?")


def _numeric_type(column_type: str) -> bool:
    """A scalar numeric type (``DECIMAL(9,3)`` yes; ``DECIMAL(2,1)[]``, a list, no)."""
    return bool(_SCALAR_NUMERIC.fullmatch(column_type))


def _column_types(con: duckdb.DuckDBPyConnection, st: StagedFile) -> dict[str, str]:
    return dict(
        con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {st.table})").fetchall()
    )


def _flag(st: StagedFile) -> str:
    return "CAST(flag AS VARCHAR)" if "flag" in st.columns else "CAST(NULL AS VARCHAR)"


def number_sql(text: str) -> str:
    """SQL: the DOUBLE of a number text, NULL where it is not a plain or grouped number.

    DuckDB's cast accepts white space, a sign, an exponent, ``nan``/``inf`` (refused
    afterwards as not finite) and ``_`` between digits (``1_5`` = 15: refused here).
    Thousands grouping (``1,500``) is tried only where the cast fails, so ``1,5`` is
    never 15 and plain numbers never pay for the regular expression. ``-0`` becomes 0.
    """
    grouped = (f"CASE WHEN regexp_full_match({text}, '{GROUPED_NUMBER}')"
               f" THEN CAST(replace({text}, ',', '') AS DOUBLE) END")
    return (f"(CASE WHEN NOT contains({text}, '_')"
            f" THEN coalesce(TRY_CAST({text} AS DOUBLE), {grouped}) END + 0.0)")


def _value(column_type: str) -> str:
    """The value as DOUBLE (``header_problems`` has refused the other types)."""
    if column_type == "VARCHAR":
        return number_sql("value")
    if column_type == "FLOAT":
        return "(CAST(CAST(value AS VARCHAR) AS DOUBLE) + 0.0)"
    return "(CAST(value AS DOUBLE) + 0.0)"


def _typed_select(
    con: duckdb.DuckDBPyConnection, idx: int, st: StagedFile, fixed: FixedOffset | None,
    timezone: str,
) -> str:
    types = _column_types(con, st)
    source, ts = utc_select(st.table, "timestamp", types["timestamp"], fixed, timezone)
    return (
        f"SELECT {idx} AS file_idx, _row, CAST(meter_id AS VARCHAR) AS meter_id,"
        f" {ts} AS ts_given, {_value(types['value'])} AS raw_value, {_flag(st)} AS flag"
        f" FROM {source}"
    )


def _text_select(idx: int, st: StagedFile) -> str:
    return (
        f"SELECT {idx} AS file_idx, _row, CAST(meter_id AS VARCHAR) AS meter_id,"
        f" CAST(timestamp AS VARCHAR) AS ts_text, CAST(value AS VARCHAR) AS value_text,"
        f" {_flag(st)} AS flag FROM {st.table}"
    )


def parse(con: duckdb.DuckDBPyConnection, files: list[StagedFile], timezone: str) -> None:
    """``rd_parsed`` and ``rd_problems`` from the staged readings files.

    The session time zone must be the site's (the importer sets it).
    """
    fixed = fixed_offset(timezone)
    _parse_with(con, files, fixed, timezone)
    if fixed is not None and not _inside(con, fixed):
        _parse_with(con, files, None, timezone)
    con.execute("CREATE OR REPLACE TEMP VIEW rd_text AS "
                + " UNION ALL ".join(_text_select(i, st) for i, st in enumerate(files)))
    con.execute("CREATE OR REPLACE TEMP TABLE rd_problems (file_idx INTEGER, _row BIGINT,"
                " field VARCHAR, reason VARCHAR)")
    if not count(con, "rd_parsed WHERE problem IS NOT NULL"):
        return
    for code, (field, reason) in _REASONS.items():
        con.execute(
            f"INSERT INTO rd_problems SELECT p.file_idx, p._row, '{field}', {reason}"
            " FROM rd_parsed p JOIN rd_text t USING (file_idx, _row)"
            f" LEFT JOIN batch_meters m ON m.meter_id = t.meter_id WHERE p.problem & {code} <> 0"
        )
    rows = ("SELECT p.file_idx, p._row, t.ts_text FROM rd_parsed p"
            " JOIN rd_text t USING (file_idx, _row) WHERE p.problem & 2 <> 0")
    con.execute("INSERT INTO rd_problems SELECT file_idx, _row, 'timestamp', reason FROM ("
                + reasons_select(rows, timezone) + ")")


def _parse_with(
    con: duckdb.DuckDBPyConnection, files: list[StagedFile], fixed: FixedOffset | None,
    timezone: str,
) -> None:
    union = " UNION ALL ".join(_typed_select(con, i, st, fixed, timezone)
                               for i, st in enumerate(files))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rd_parsed AS
        SELECT s.file_idx, s._row, s.meter_id, m.reading, s.raw_value, s.flag,
               CASE WHEN m.timestamp_marks = 'start'
                    THEN s.ts_given + to_minutes(m.interval_minutes)
                    ELSE s.ts_given END AS ts_utc,
               CASE WHEN m.reading = 'interval' THEN s.raw_value * m.to_canonical END AS value,
               {_PROBLEM_BITS} AS problem
        FROM ({union}) s LEFT JOIN batch_meters m USING (meter_id)
        """
    )


def _inside(con: duckdb.DuckDBPyConnection, fixed: FixedOffset) -> bool:
    row = con.execute("SELECT min(ts_utc), max(ts_utc) FROM rd_parsed").fetchone()
    if row is None or row[0] is None:
        return True
    return bool(fixed.start_utc <= row[0] and row[1] <= fixed.end_utc)


def validate(con: duckdb.DuckDBPyConnection) -> None:
    """Duplicates: equal values merged (first row kept), different values are problems."""
    # One sort per meter finds the repeated keys (faster and leaner than hashing every
    # (meter, timestamp)); the exact aggregate then runs on those keys only.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE rd_dups AS
        WITH keys AS (
          SELECT DISTINCT meter_id, ts_utc FROM (
            SELECT meter_id, ts_utc,
                   lag(ts_utc) OVER (PARTITION BY meter_id ORDER BY ts_utc) AS prev_ts
            FROM rd_parsed WHERE problem IS NULL)
          WHERE ts_utc = prev_ts
        )
        SELECT meter_id, ts_utc, min(raw_value) AS lo, max(raw_value) AS hi,
               arg_min(_row, file_idx * 1e12 + _row) AS first_row,
               arg_min(file_idx, file_idx * 1e12 + _row) AS first_file
        FROM rd_parsed SEMI JOIN keys USING (meter_id, ts_utc)
        WHERE problem IS NULL GROUP BY ALL HAVING count(*) > 1
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE rd_dropped AS
        SELECT p.file_idx, p._row, p.meter_id, p.ts_utc, d.lo <> d.hi AS conflict, d.lo, d.hi
        FROM rd_parsed p JOIN rd_dups d USING (meter_id, ts_utc)
        WHERE p.problem IS NULL
          AND (d.lo <> d.hi OR p._row <> d.first_row OR p.file_idx <> d.first_file)
        """
    )
    con.execute(
        """
        INSERT INTO rd_problems
        SELECT file_idx, _row, 'value',
               'duplicate reading for ' || meter_id || ' at ' ||
               strftime(ts_utc, '%Y-%m-%d %H:%M') ||
               ' UTC with a different value (' || lo || ' vs ' || hi || ')'
        FROM rd_dropped WHERE conflict
        """
    )
    good = "SELECT * FROM rd_parsed WHERE problem IS NULL"
    if count(con, "rd_dropped"):
        good = ("SELECT p.* FROM rd_parsed p ANTI JOIN rd_dropped d"
                " USING (file_idx, _row) WHERE p.problem IS NULL")
    con.execute(f"CREATE OR REPLACE TEMP VIEW rd_good AS {good}")


_COUNTERS_SQL = """
CREATE OR REPLACE TEMP TABLE rd_counter_rows AS
WITH span AS (
  SELECT meter_id, min(ts_utc) AS first_ts, max(ts_utc) AS last_ts
  FROM rd_good WHERE reading = 'cumulative' GROUP BY ALL
),
anchors AS (
  SELECT r.meter_id, max(r.ts_utc) AS ts_utc
  FROM readings r JOIN span p ON p.meter_id = r.meter_id AND r.ts_utc < p.first_ts
  WHERE r.site_id = $site GROUP BY ALL
),
stored AS (  -- the anchor and the stored readings inside the batch's span it does not give
  SELECT r.meter_id, r.raw_value, r.flag, r.ts_utc
  FROM readings r JOIN span p ON p.meter_id = r.meter_id
  LEFT JOIN anchors a ON a.meter_id = r.meter_id
  ANTI JOIN rd_good g ON g.meter_id = r.meter_id AND g.ts_utc = r.ts_utc
  WHERE r.site_id = $site AND r.ts_utc >= coalesce(a.ts_utc, p.first_ts)
    AND r.ts_utc <= p.last_ts
),
rows AS (
  SELECT -1 AS file_idx, -1 AS _row, meter_id, raw_value, flag, ts_utc, TRUE AS from_store
  FROM stored
  UNION ALL
  SELECT g.file_idx, g._row, g.meter_id, g.raw_value, g.flag, g.ts_utc, FALSE
  FROM rd_good g WHERE g.reading = 'cumulative'
),
seg AS (
  SELECT *, sum(CASE WHEN flag = 'reset' THEN 1 ELSE 0 END)
            OVER (PARTITION BY meter_id ORDER BY ts_utc ROWS UNBOUNDED PRECEDING) AS segment
  FROM rows
)
SELECT s.*, m.rollover,
       max(raw_value) OVER (PARTITION BY s.meter_id, segment ORDER BY ts_utc
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS running_max,
       lag(raw_value) OVER (PARTITION BY s.meter_id ORDER BY ts_utc) AS prev_raw
FROM seg s JOIN batch_meters m USING (meter_id)
"""


_SUCCESSORS_SQL = """
INSERT INTO rd_problems
WITH last AS (
  SELECT meter_id, max(ts_utc) AS ts_utc FROM rd_counter_values GROUP BY meter_id
), after_last AS (
  SELECT l.meter_id, l.ts_utc, min(r.ts_utc) AS next_ts
  FROM last l JOIN readings r
    ON r.site_id = $site AND r.meter_id = l.meter_id AND r.ts_utc > l.ts_utc
  GROUP BY ALL
), followed AS (  -- accepted batch readings whose next reading is a stored one
  SELECT c.file_idx, c._row, c.meter_id, c.ts_utc, c.raw_value,
         CASE WHEN c.next_stored THEN c.next_ts ELSE a.next_ts END AS next_ts
  FROM rd_counter_values c LEFT JOIN after_last a USING (meter_id, ts_utc)
  WHERE c.next_stored OR a.next_ts IS NOT NULL
)
SELECT n.file_idx, n._row, 'value',
       'this counter reading is new or changed, which would change the stored interval of '
       || n.meter_id || ' ending ' || strftime(n.next_ts, '%Y-%m-%d %H:%M') ||
       ' UTC; include the later readings of this meter in the package'
FROM followed n LEFT JOIN readings s
  ON s.site_id = $site AND s.meter_id = n.meter_id AND s.ts_utc = n.ts_utc
JOIN readings x ON x.site_id = $site AND x.meter_id = n.meter_id AND x.ts_utc = n.next_ts
WHERE s.raw_value IS DISTINCT FROM n.raw_value
  AND (x.flag IS DISTINCT FROM 'reset' OR x.value IS NULL)  -- a reset's interval is its own
"""


def convert_counters(con: duckdb.DuckDBPyConnection, site_id: str) -> None:
    """Counter readings → interval quantities; backwards counters become problems.

    The batch's readings of a counter are sequenced with the stored ones it does not
    give: the last stored reading before the batch (the anchor) and every stored reading
    between the batch's first and last, each with its stored flag, so a declared reset
    in the store still starts a new segment. A cumulative reading below the running
    maximum of its reset segment, on a meter without ``rollover``, is a counter going
    backwards without a declared reset. It is rejected and the next good reading is
    differenced against the last good one, stored or new, so no energy is lost or
    invented (conservation: Σ intervals = last − first + Σ rollovers + Σ readings at
    resets).

    The interval of a stored reading is the difference to the reading before it. When
    a new or changed reading of the batch is followed by a stored reading, that stored
    reading would be left with a stale interval; the batch reading is a problem until
    the package includes the later readings — unless the stored reading is a reset,
    whose interval is its own reading whatever came before (a stored anchor, with no
    interval yet, is not).
    """
    con.execute(_COUNTERS_SQL, {"site": site_id})
    con.execute(
        """
        INSERT INTO rd_problems
        SELECT file_idx, _row, 'value',
               'counter goes backwards from ' || prev_raw || ' to ' || raw_value ||
               ' without a declared reset (flag=reset) or rollover'
        FROM rd_counter_rows
        WHERE NOT from_store AND rollover IS NULL AND flag IS DISTINCT FROM 'reset'
          AND running_max IS NOT NULL AND raw_value < running_max
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE rd_counter_values AS
        WITH ok AS (
          SELECT * FROM rd_counter_rows
          WHERE from_store OR rollover IS NOT NULL OR flag = 'reset' OR running_max IS NULL
             OR raw_value >= running_max
        ), d AS (
          SELECT *, lag(raw_value) OVER w AS prev_ok, lead(from_store) OVER w AS next_stored,
                 lead(ts_utc) OVER w AS next_ts
          FROM ok WINDOW w AS (PARTITION BY meter_id ORDER BY ts_utc)
        )
        SELECT file_idx, _row, meter_id, ts_utc, raw_value, flag, next_stored, next_ts,
               CASE WHEN prev_ok IS NULL THEN NULL
                    WHEN flag = 'reset' THEN raw_value
                    WHEN raw_value >= prev_ok THEN raw_value - prev_ok
                    ELSE raw_value + rollover - prev_ok END AS delta
        FROM d WHERE NOT from_store
        """
    )
    con.execute(_SUCCESSORS_SQL, {"site": site_id})
    con.execute(
        f"""
        INSERT INTO rd_problems
        SELECT c.file_idx, c._row, 'value',
               'the counter advances by ' || c.delta || ' to ' || c.raw_value ||
               ' in one interval, beyond what lingtan stores exactly: below 1e9 in the'
               || ' canonical unit (kWh, t or m3) per reading, that is '
               || printf('%g', {MAX_INTERVAL_CANONICAL} / m.to_canonical) || ' in the meter''s unit'
        FROM rd_counter_values c JOIN batch_meters m USING (meter_id)
        WHERE abs(c.delta * m.to_canonical) >= {MAX_INTERVAL_CANONICAL}
        """
    )


def finalise(con: duckdb.DuckDBPyConnection) -> None:
    """``rd_final`` (a view): every accepted reading with its interval quantity and flag."""
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW rd_final AS
        SELECT meter_id, ts_utc, value, raw_value, flag, file_idx, _row
        FROM rd_good WHERE reading = 'interval'
        UNION ALL
        SELECT c.meter_id, c.ts_utc, c.delta * m.to_canonical, c.raw_value, c.flag, c.file_idx,
               c._row
        FROM rd_counter_values c JOIN batch_meters m USING (meter_id)
        ANTI JOIN rd_problems p ON p.file_idx = c.file_idx AND p._row = c._row
        """
    )


def gaps(con: duckdb.DuckDBPyConnection, limit: int = 50) -> list[dict[str, object]]:
    """Missing intervals of meters that declare ``interval_minutes`` (reported, never filled)."""
    rows = con.execute(
        """
        WITH s AS (
          SELECT f.meter_id, f.ts_utc, m.interval_minutes,
                 lag(f.ts_utc) OVER (PARTITION BY f.meter_id ORDER BY f.ts_utc) AS prev_ts
          FROM rd_final f JOIN batch_meters m USING (meter_id)
          WHERE m.interval_minutes IS NOT NULL
            AND f.meter_id IN (
              SELECT f2.meter_id FROM rd_final f2 JOIN batch_meters m2 USING (meter_id)
              WHERE m2.interval_minutes IS NOT NULL GROUP BY f2.meter_id, m2.interval_minutes
              HAVING count(*) - 1
                     < epoch(max(f2.ts_utc) - min(f2.ts_utc)) / 60 / m2.interval_minutes)
        )
        SELECT meter_id, prev_ts AS after_utc, ts_utc AS before_utc,
               CAST(epoch(ts_utc - prev_ts) / 60 / interval_minutes AS BIGINT) - 1
                 AS missing_intervals
        FROM s WHERE prev_ts IS NOT NULL AND ts_utc - prev_ts > to_minutes(interval_minutes)
        ORDER BY meter_id, after_utc
        """
    ).fetchall()
    return [
        {"meter_id": m, "after_utc": a.isoformat(), "before_utc": b.isoformat(),
         "missing_intervals": int(n)}
        for m, a, b, n in rows[:limit]
    ]


def problem_rows(
    con: duckdb.DuckDBPyConnection, files: list[StagedFile], limit: int | None = None
) -> list[Problem]:
    """Problems in file and row order (all of them, or the first ``limit``)."""
    sql = "SELECT file_idx, _row, field, reason FROM rd_problems ORDER BY file_idx, _row, field"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [Problem(files[i].name, int(r), fld, reason)
            for i, r, fld, reason in con.execute(sql).fetchall()]


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows of ``table`` (a name, or ``name WHERE …``)."""
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0
