"""Meter readings: parse, validate, convert counters to interval energy — all in DuckDB SQL.

Readings are the one table that grows to tens of millions of rows, so the whole
pipeline is set-based SQL over the staging tables; no Python loop touches a row.

Pipeline (each step a table in the import's transaction):

1. ``rd_parsed``   text → meter, UTC interval-end timestamp, number, flag.
2. problems        unknown meter, bad timestamp, bad number, negative interval
                   value, counter reading beyond its rollover, unknown flag,
                   conflicting duplicates.
3. ``rd_good``     valid rows, equal duplicates merged.
4. counters        for cumulative meters: anchor on the last stored reading, a
                   row below the running maximum (no reset, no rollover) is a
                   counter going backwards; interval energy = difference, plus
                   the modulus for a rollover, or the new reading after a reset.
5. ``rd_final``    interval quantity in the meter's canonical unit.

Timestamps without an offset are in the site's time zone: the import sets the
session time zone to it, so ``CAST(text AS TIMESTAMPTZ)`` reads local time and
honours an explicit offset.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from lingtan.errors import Problem
from lingtan.ingest.tables import StagedFile

REQUIRED = ("meter_id", "timestamp", "value")
OPTIONAL = ("flag",)
FLAGS = ("reset",)


@dataclass(frozen=True)
class ReadingsResult:
    """Outcome of the readings pipeline for one batch (before writing)."""

    rows_in: int
    rows_valid: int
    duplicates_merged: int
    problems_total: int
    gaps: list[dict[str, object]]


def header_problems(staged: StagedFile) -> list[Problem]:
    """Missing or unknown columns of one readings file."""
    problems = [Problem(staged.name, 1, c, "required column is missing")
                for c in REQUIRED if c not in staged.columns]
    problems += [Problem(staged.name, 1, c, "unknown column")
                 for c in staged.columns if c not in REQUIRED + OPTIONAL]
    return problems


def stage_union(con: duckdb.DuckDBPyConnection, files: list[StagedFile]) -> None:
    """``rd_parsed``: every readings file parsed into typed columns (NULL where unparseable)."""
    selects = []
    for i, st in enumerate(files):
        flag = "CAST(flag AS VARCHAR)" if "flag" in st.columns else "CAST(NULL AS VARCHAR)"
        selects.append(
            f"SELECT {i} AS file_idx, _row, CAST(meter_id AS VARCHAR) AS meter_id,"
            f" CAST(timestamp AS VARCHAR) AS ts_text, CAST(value AS VARCHAR) AS value_text,"
            f" TRY_CAST(timestamp AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS ts_given,"
            f" TRY_CAST(value AS DOUBLE) AS raw_value, {flag} AS flag FROM {st.table}"
        )
    con.execute("CREATE OR REPLACE TEMP TABLE rd_parsed AS " + " UNION ALL ".join(selects))


_PROBLEMS_SQL = """
CREATE OR REPLACE TEMP TABLE rd_problems AS
WITH p AS (
  SELECT r.*, m.meter_id AS known, m.reading, m.interval_minutes, m.rollover
  FROM rd_parsed r LEFT JOIN batch_meters m USING (meter_id)
)
SELECT file_idx, _row, 'meter_id' AS field,
       CASE WHEN meter_id IS NULL THEN 'missing meter id'
            ELSE 'unknown meter id ' || meter_id || ' (not in meters.csv)' END AS reason
  FROM p WHERE known IS NULL
UNION ALL
SELECT file_idx, _row, 'timestamp',
       CASE WHEN ts_text IS NULL THEN 'missing timestamp'
            ELSE 'unparseable or impossible timestamp ''' || ts_text || '''' END
  FROM p WHERE known IS NOT NULL AND ts_given IS NULL
UNION ALL
SELECT file_idx, _row, 'value',
       CASE WHEN value_text IS NULL THEN 'missing value'
            WHEN raw_value IS NULL OR NOT isfinite(raw_value)
                 THEN 'not a number: ''' || value_text || ''''
            WHEN reading = 'interval' THEN 'negative interval value ' || value_text
            ELSE 'counter reading ' || value_text || ' is outside 0 … rollover ' || rollover END
  FROM p WHERE known IS NOT NULL AND ts_given IS NOT NULL
   AND (raw_value IS NULL OR NOT isfinite(raw_value) OR (reading = 'interval' AND raw_value < 0)
        OR (rollover IS NOT NULL AND (raw_value < 0 OR raw_value >= rollover)))
UNION ALL
SELECT file_idx, _row, 'flag', 'unknown flag ''' || flag || ''' (allowed: reset)'
  FROM p WHERE known IS NOT NULL AND flag IS NOT NULL AND flag NOT IN ('reset')
"""

_GOOD_SQL = """
CREATE OR REPLACE TEMP TABLE rd_candidates AS
SELECT r.file_idx, r._row, r.meter_id, r.raw_value, r.flag,
       CASE WHEN m.timestamp_marks = 'start'
            THEN r.ts_given + to_minutes(m.interval_minutes) ELSE r.ts_given END AS ts_utc
FROM rd_parsed r JOIN batch_meters m USING (meter_id)
ANTI JOIN rd_problems p ON p.file_idx = r.file_idx AND p._row = r._row
"""

_DUPLICATES_SQL = """
CREATE OR REPLACE TEMP TABLE rd_dups AS
SELECT meter_id, ts_utc, count(*) AS n, min(raw_value) AS lo, max(raw_value) AS hi,
       arg_min(_row, file_idx * 1e12 + _row) AS first_row,
       arg_min(file_idx, file_idx * 1e12 + _row) AS first_file
FROM rd_candidates GROUP BY ALL HAVING count(*) > 1
"""


def validate(con: duckdb.DuckDBPyConnection) -> None:
    """Fill ``rd_problems`` and ``rd_good`` from ``rd_parsed`` and ``batch_meters``."""
    con.execute(_PROBLEMS_SQL)
    con.execute(_GOOD_SQL)
    con.execute(_DUPLICATES_SQL)
    con.execute(
        """
        INSERT INTO rd_problems
        SELECT c.file_idx, c._row, 'value',
               'duplicate reading for ' || c.meter_id || ' at ' ||
               strftime(c.ts_utc, '%Y-%m-%d %H:%M') ||
               ' UTC with a different value (' || d.lo || ' vs ' || d.hi || ')'
        FROM rd_candidates c JOIN rd_dups d USING (meter_id, ts_utc) WHERE d.lo <> d.hi
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE rd_good AS
        SELECT c.* FROM rd_candidates c
        LEFT JOIN rd_dups d USING (meter_id, ts_utc)
        WHERE d.meter_id IS NULL
           OR (d.lo = d.hi AND c._row = d.first_row AND c.file_idx = d.first_file)
        """
    )


_COUNTERS_SQL = """
CREATE OR REPLACE TEMP TABLE rd_counter_rows AS
WITH anchors AS (
  SELECT r.meter_id, arg_max(r.ts_utc, r.ts_utc) AS ts_utc,
         arg_max(r.raw_value, r.ts_utc) AS raw_value
  FROM readings r JOIN batch_meters m ON m.meter_id = r.meter_id AND m.reading = 'cumulative'
  JOIN (SELECT meter_id, min(ts_utc) AS first_ts FROM rd_good GROUP BY ALL) f
       ON f.meter_id = r.meter_id AND r.ts_utc < f.first_ts
  WHERE r.site_id = $site
  GROUP BY ALL
),
rows AS (
  SELECT -1 AS file_idx, -1 AS _row, meter_id, raw_value, CAST(NULL AS VARCHAR) AS flag, ts_utc,
         TRUE AS from_store FROM anchors
  UNION ALL
  SELECT g.file_idx, g._row, g.meter_id, g.raw_value, g.flag, g.ts_utc, FALSE
  FROM rd_good g JOIN batch_meters m ON m.meter_id = g.meter_id AND m.reading = 'cumulative'
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
  SELECT meter_id, max(ts_utc) AS ts_utc, arg_max(file_idx, ts_utc) AS file_idx,
         arg_max(_row, ts_utc) AS _row, arg_max(raw_value, ts_utc) AS raw_value
  FROM rd_counter_values GROUP BY meter_id
), later AS (
  SELECT l.file_idx, l._row, l.meter_id, l.ts_utc, l.raw_value, min(r.ts_utc) AS next_ts
  FROM last l JOIN readings r
    ON r.site_id = $site AND r.meter_id = l.meter_id AND r.ts_utc > l.ts_utc
  GROUP BY ALL
)
SELECT n.file_idx, n._row, 'value',
       'this counter reading is new or changed, which would change the stored interval of '
       || n.meter_id || ' ending ' || strftime(n.next_ts, '%Y-%m-%d %H:%M') ||
       ' UTC; include the later readings of this meter in the package'
FROM later n LEFT JOIN readings s
  ON s.site_id = $site AND s.meter_id = n.meter_id AND s.ts_utc = n.ts_utc
WHERE s.raw_value IS DISTINCT FROM n.raw_value
"""


def convert_counters(con: duckdb.DuckDBPyConnection, site_id: str) -> None:
    """Counter readings → interval quantities; backwards counters become problems.

    A cumulative reading below the running maximum of its reset segment, on a meter
    without ``rollover``, is a counter going backwards without a declared reset. It is
    rejected and the next good reading is differenced against the last good one, so no
    energy is lost or invented (conservation: Σ intervals = last − first + Σ rollovers
    + Σ readings at resets).

    The interval of a stored reading is the difference to the reading before it. When
    a batch's last reading of a counter is new or changed and the store holds later
    readings of that meter, the first of those would be left with a stale interval;
    that last reading is a problem until the package includes the later readings.
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
          SELECT *, lag(raw_value) OVER (PARTITION BY meter_id ORDER BY ts_utc) AS prev_ok FROM ok
        )
        SELECT file_idx, _row, meter_id, ts_utc, raw_value,
               CASE WHEN prev_ok IS NULL THEN NULL
                    WHEN flag = 'reset' THEN raw_value
                    WHEN raw_value >= prev_ok THEN raw_value - prev_ok
                    ELSE raw_value + rollover - prev_ok END AS delta
        FROM d WHERE NOT from_store
        """
    )
    con.execute(_SUCCESSORS_SQL, {"site": site_id})


def finalise(con: duckdb.DuckDBPyConnection) -> None:
    """``rd_final``: every accepted reading with its interval quantity in canonical units."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE rd_final AS
        SELECT g.meter_id, g.ts_utc, g.raw_value * m.to_canonical AS value, g.raw_value,
               g.file_idx, g._row
        FROM rd_good g JOIN batch_meters m ON m.meter_id = g.meter_id AND m.reading = 'interval'
        UNION ALL
        SELECT c.meter_id, c.ts_utc, c.delta * m.to_canonical, c.raw_value, c.file_idx, c._row
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
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0
