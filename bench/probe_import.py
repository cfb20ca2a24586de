"""Evidence for the import optimisations proposed in ``bench/RESULTS.md``: a leaner SQL pipeline.

Usage::

    python bench/probe_import.py --meters 2000 --format csv

Runs, in one transaction on a fresh workspace file, a rewrite of the readings pipeline of
``lingtan.ingest.readings`` + ``importer._write_readings`` that keeps the same checks
(unknown meter, unparseable timestamp or number, negative interval value, unknown flag,
duplicates with different values, gaps) but

1. materialises **one** narrow typed table (no text copies, no ``rd_candidates`` /
   ``rd_good`` / ``rd_final`` / ``rd_cmp`` copies of every row);
2. converts to UTC with ``make_timestamp(epoch_us(CAST(text AS TIMESTAMPTZ)))`` instead
   of ``… AT TIME ZONE 'UTC'`` (one ICU call per value instead of two) and, when the
   site's zone has one UTC offset over the years of the data (all of China since 1991),
   parses text without an offset as ``TIMESTAMP`` minus that offset — no ICU at all
   (``--icu-time`` measures without this fast path);
3. finds duplicates and gaps in **one** window pass ordered per meter (duplicates are
   adjacent), then runs the exact duplicate logic only on the duplicated keys;
0. creates its scratch temp tables **outside** the import transaction and opens the
   transaction only for the writes to the workspace: scans of temp tables created in an
   open transaction (transaction-local storage) run on ~1 core instead of 2
   (``--one-transaction`` measures the pipeline as lingtan runs it today). Temp tables
   never reach the database file, so atomicity is unchanged;
4. skips the compare-with-store join when the store holds no reading of these meters in
   the batch's time range (a first import), and the counter step when no meter is
   cumulative.

It prints the seconds of each statement and rows/s end to end, and asserts that the
stored rows equal what ``lingtan import`` stored (``bench/data/n<m>/ws-<format>.duckdb``).
It is a measurement, not an implementation: no lenient mode, no problem texts.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import _common as cm

SCRIPT = Path(__file__).resolve()


def _timed(con: Any, log: list[tuple[str, float]], label: str, sql: str, params: Any = None) -> Any:
    t0 = time.perf_counter()
    out = con.execute(sql, params) if params is not None else con.execute(sql)
    log.append((label, time.perf_counter() - t0))
    return out


#: A timestamp written without any zone information (the fast path can read it as local).
LOCAL_TS_RE = r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$"


def _typed_select(i: int, st: Any, types: dict[str, str], shift: str | None) -> str:
    """One staged file → typed columns (UTC timestamps).

    ``shift`` is the site's constant UTC offset as an SQL interval when it has one over
    the years of the data (then local text is parsed without ICU); ``None`` = use ICU.
    """
    ts_type = types["timestamp"].upper()
    icu = "make_timestamp(epoch_us(TRY_CAST(timestamp AS TIMESTAMPTZ)))"
    if ts_type == "TIMESTAMP WITH TIME ZONE":
        ts = "make_timestamp(epoch_us(timestamp))"
    elif ts_type == "TIMESTAMP":
        ts = f"timestamp - {shift}" if shift else icu
    elif shift:
        ts = (f"CASE WHEN regexp_full_match(timestamp, '{LOCAL_TS_RE}')"
              f" THEN TRY_CAST(timestamp AS TIMESTAMP) - {shift} ELSE {icu} END")
    else:
        ts = icu
    flag = "CAST(flag AS VARCHAR)" if "flag" in st.columns else "CAST(NULL AS VARCHAR)"
    return (f"SELECT CAST({i} AS SMALLINT) AS file_idx, CAST(_row AS INTEGER) AS _row,"
            f" CAST(meter_id AS VARCHAR) AS meter_id, {ts} AS ts_given,"
            f" TRY_CAST(value AS DOUBLE) AS raw_value, {flag} AS flag FROM {st.table}")


def constant_shift(timezone: str, first_year: int, last_year: int) -> str | None:
    """The zone's UTC offset as an SQL interval if it is the same all through the years."""
    import datetime as dt
    import zoneinfo

    tz = zoneinfo.ZoneInfo(timezone)
    start = dt.datetime(first_year - 1, 12, 1)
    hours = int((dt.datetime(last_year + 1, 2, 1) - start).total_seconds() // 3600)
    offsets = {(start + dt.timedelta(hours=h)).replace(tzinfo=tz).utcoffset()
               for h in range(0, hours, 1)}
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    assert offset is not None
    return f"INTERVAL {int(offset.total_seconds())} SECOND"


PROBLEM_COUNT_SQL = """
SELECT count(*) FROM rd_typed r LEFT JOIN batch_meters m USING (meter_id)
WHERE m.meter_id IS NULL OR ts_given IS NULL OR raw_value IS NULL OR NOT isfinite(raw_value)
   OR (m.reading = 'interval' AND raw_value < 0) OR (flag IS NOT NULL AND flag <> 'reset')
"""

SEQUENCE_SQL = """
CREATE TEMP TABLE rd_seq AS
WITH v AS (
  SELECT r.file_idx, r._row, r.meter_id, r.raw_value, m.interval_minutes,
         CASE WHEN m.timestamp_marks = 'start' THEN r.ts_given + to_minutes(m.interval_minutes)
              ELSE r.ts_given END AS ts_utc
  FROM rd_typed r JOIN batch_meters m USING (meter_id)
), w AS (
  SELECT *, lag(ts_utc) OVER (PARTITION BY meter_id ORDER BY ts_utc, file_idx, _row) AS prev_ts
  FROM v
)
SELECT meter_id, ts_utc, prev_ts, interval_minutes FROM w
WHERE ts_utc = prev_ts
   OR (interval_minutes IS NOT NULL AND ts_utc - prev_ts > to_minutes(interval_minutes))
"""

INSERT_SQL = """
INSERT INTO readings
SELECT $site, r.meter_id,
       CASE WHEN m.timestamp_marks = 'start' THEN r.ts_given + to_minutes(m.interval_minutes)
            ELSE r.ts_given END,
       r.raw_value * m.to_canonical, r.raw_value, 1, $batch
FROM rd_typed r JOIN batch_meters m ON m.meter_id = r.meter_id AND m.reading = 'interval'
"""


def run_probe(package: Path, db: Path, fast_time: bool, one_txn: bool) -> dict[str, Any]:
    import lingtan
    from lingtan.ingest.importer import find_package
    from lingtan.ingest.tables import stage_file

    cm.remove_db(db)
    log: list[tuple[str, float]] = []
    t_all = time.perf_counter()
    ws = lingtan.open(db)
    con = ws.con
    pkg = find_package(package)
    if one_txn:  # as lingtan does today: scratch tables are transaction-local
        con.execute("BEGIN TRANSACTION")
    _timed(con, log, "batch_meters from meters.csv (simplified)", f"""
        CREATE TEMP TABLE batch_meters AS SELECT meter_id, reading, interval_minutes,
          'end' AS timestamp_marks, 1.0 AS to_canonical, CAST(NULL AS DOUBLE) AS rollover
        FROM read_csv('{package / "meters.csv"}', all_varchar = false)""")
    t0 = time.perf_counter()
    files = [stage_file(con, p, p.relative_to(package).as_posix(), f"stg_rd_{i}")
             for i, p in enumerate(pkg.readings)]
    log.append(("stage files (lingtan stage_file, unchanged)", time.perf_counter() - t0))
    con.execute(f"SET TimeZone = '{pkg.site.timezone}'")
    types = [dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {st.table})")
                  .fetchall()) for st in files]
    shift = None
    if fast_time:
        years = " UNION ALL ".join(
            f"SELECT year(TRY_CAST(timestamp AS TIMESTAMP)) AS y FROM {st.table}" for st in files)
        lo, hi = _timed(con, log, "years of the data (for the constant-offset check)",
                        f"SELECT min(y), max(y) FROM ({years})").fetchone()
        shift = constant_shift(pkg.site.timezone, lo, hi)
    selects = [_typed_select(i, st, types[i], shift) for i, st in enumerate(files)]
    _timed(con, log, f"rd_typed: one narrow typed table ({'constant offset' if shift else 'ICU'})",
           "CREATE TEMP TABLE rd_typed AS " + " UNION ALL ".join(selects))
    con.execute("SET TimeZone = 'UTC'")
    for st in files:
        con.execute(f"DROP VIEW {st.table}")
        con.execute(f"DROP TABLE {st.table}_raw")
    problems = _timed(con, log, "problem count (one scan)", PROBLEM_COUNT_SQL).fetchone()[0]
    cumulative = con.execute(
        "SELECT count(*) FROM batch_meters WHERE reading = 'cumulative'").fetchone()[0]
    _timed(con, log, "rd_seq: duplicates + gaps in one window pass", SEQUENCE_SQL)
    dups, gaps = con.execute("SELECT count(*) FILTER (WHERE ts_utc = prev_ts),"
                             " count(*) FILTER (WHERE ts_utc <> prev_ts) FROM rd_seq").fetchone()
    if not one_txn:  # scratch temp tables were committed (they never reach the file)
        con.execute("BEGIN TRANSACTION")
    stored = _timed(con, log, "store overlap check", """
        SELECT count(*) FROM readings r JOIN batch_meters m USING (meter_id)
        WHERE r.site_id = ? AND r.ts_utc BETWEEN (SELECT min(ts_given) FROM rd_typed)
                                 AND (SELECT max(ts_given) FROM rd_typed)""",
                    [pkg.site.id]).fetchone()[0]
    assert problems == 0 and dups == 0 and stored == 0 and cumulative == 0, (
        "the probe only implements the fast path (clean first import of interval meters)")
    _timed(con, log, "INSERT INTO readings", INSERT_SQL, {"site": pkg.site.id, "batch": 1})
    _timed(con, log, "COMMIT", "COMMIT")
    t0 = time.perf_counter()
    rows = con.execute("SELECT count(*) FROM readings").fetchone()[0]
    ws.close()
    log.append(("close (checkpoint)", time.perf_counter() - t0))
    seconds = time.perf_counter() - t_all
    return {"rows": rows, "seconds": seconds, "steps": log, "gaps": gaps,
            "db_bytes": db.stat().st_size}


def step_compare(probe_db: Path, ws_db: Path) -> dict[str, Any]:
    """The probe stored exactly what lingtan stored (meter, time, value, raw value)."""
    import duckdb

    con = duckdb.connect(str(probe_db), read_only=True)
    con.execute(f"ATTACH '{ws_db}' AS ws (READ_ONLY)")
    diff = con.execute("""
        SELECT count(*) FROM (
          (SELECT meter_id, ts_utc, value, raw_value FROM readings
           EXCEPT ALL SELECT meter_id, ts_utc, value, raw_value FROM ws.readings)
          UNION ALL
          (SELECT meter_id, ts_utc, value, raw_value FROM ws.readings
           EXCEPT ALL SELECT meter_id, ts_utc, value, raw_value FROM readings))""").fetchone()
    return {"differing_rows": int(diff[0]) if diff else -1}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--meters", type=int, default=2000)
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv")
    ap.add_argument("--icu-time", action="store_true",
                    help="parse local timestamps with ICU only (no constant-offset fast path)")
    ap.add_argument("--one-transaction", action="store_true",
                    help="create the scratch tables inside the import transaction, as lingtan"
                         " does today (default: outside it, only the writes inside)")
    ap.add_argument("--step", choices=("probe", "compare"), help=argparse.SUPPRESS)
    ap.add_argument("--package", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--ws", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step == "probe":
        cm.emit(run_probe(args.package, args.db, not args.icu_time, args.one_transaction))
        return
    if args.step == "compare":
        cm.emit(step_compare(args.db, args.ws))
        return
    package = cm.write_package(args.meters, args.format)
    cm.warm_page_cache(package)
    db = package.parent / f"probe-{args.format}.duckdb"
    ws_db = package.parent / f"ws-{args.format}.duckdb"
    cm.print_machine(cm.machine())
    extra = ["--icu-time"] if args.icu_time else []
    extra += ["--one-transaction"] if args.one_transaction else []
    variant = "".join(f"-{e.strip('-')}" for e in extra)
    r = cm.run_step(SCRIPT, ["--step", "probe", "--package", str(package), "--db", str(db),
                             *extra])
    for label, seconds in r["steps"]:
        print(f"  {seconds:8.2f} s  {label}")
    print(f"probe pipeline: {r['rows']:,d} rows in {r['seconds']:.2f} s ="
          f" {r['rows'] / r['seconds']:,.0f} rows/s, peak RSS {cm.mib(r['peak_rss_bytes'])},"
          f" other load {r['other_load']:.2f} cores, gaps found {r['gaps']}")
    if ws_db.is_file():
        c = cm.run_step(SCRIPT, ["--step", "compare", "--db", str(db), "--ws", str(ws_db)],
                        attempts=1)
        assert c["differing_rows"] == 0, c
        print(f"stored rows identical to lingtan's workspace {ws_db.name}")
    cm.remove_db(db)
    cm.save(f"probe-n{args.meters}-{args.format}{variant}.json", r)


if __name__ == "__main__":
    main()
