"""Evidence for the import optimisations proposed in ``bench/RESULTS.md``.

Usage::

    python bench/probe_import.py --meters 2000 --format csv             # lean pipeline
    python bench/probe_import.py --meters 2000 --format csv --one-transaction
    python bench/probe_import.py --meters 2000 --format parquet --dups 1000
    python bench/probe_import.py --meters 2000 --format csv --patched
    python bench/probe_import.py --meters 2000 --widths

Default mode: on a fresh workspace file, a lean rewrite of the readings pipeline of
``lingtan.ingest.readings`` and ``importer._write_readings``. It keeps the checks
(unknown meter, unparseable timestamp or number, negative interval value, unknown flag,
duplicates, gaps) but implements only the fast path (a clean first import of interval
meters; it asserts that). It

0. creates its scratch temp tables **outside** the import transaction and opens the
   transaction only for the writes. Scans of temp tables created in an open transaction
   (transaction-local storage) run on about 1 core instead of 2; ``--one-transaction``
   measures it the v0.1 way;
1. materialises **one** narrow typed table;
2. converts to UTC with ``make_timestamp(epoch_us(CAST(text AS TIMESTAMPTZ)))``. When
   the zone has a single UTC offset over the years of the data, text without an offset
   is read as ``TIMESTAMP`` minus that offset (``--icu-time`` turns this off);
3. finds duplicates and gaps in **one** window pass ordered per meter (duplicates are
   adjacent);
4. skips the compare-with-store join when the store holds no reading of these meters.

It asserts that the stored rows equal what ``lingtan import`` stored
(``bench/data/n<m>/ws-<format>.duckdb``).

``--dups N`` runs lingtan's own ``_prepare`` (stage, parse, validate). It then injects
N duplicate rows (half with a different value) and times lingtan's duplicate check
against the proposed window form on the same ``rd_parsed``, asserting the same result.
``--patched`` runs ``lingtan import`` end to end with only that statement swapped.
``--widths`` times writing the readings table's column sets.
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
INSERT INTO readings (site_id, meter_id, ts_utc, value, raw_value, version, batch_id)
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


CURRENT_DUPS_SQL = """
CREATE OR REPLACE TEMP TABLE rd_dups_current AS
SELECT meter_id, ts_utc, min(raw_value) AS lo, max(raw_value) AS hi,
       arg_min(_row, file_idx * 1e12 + _row) AS first_row,
       arg_min(file_idx, file_idx * 1e12 + _row) AS first_file
FROM rd_parsed WHERE problem IS NULL GROUP BY ALL HAVING count(*) > 1
"""

#: Proposed: duplicates are adjacent once sorted per meter, so one window pass finds the
#: keys; the exact aggregate then runs on the (usually zero) duplicated keys only.
PROPOSED_DUPS_SQL = """
CREATE OR REPLACE TEMP TABLE rd_dup_keys AS
SELECT DISTINCT meter_id, ts_utc FROM (
  SELECT meter_id, ts_utc, lag(ts_utc) OVER (PARTITION BY meter_id ORDER BY ts_utc) AS prev_ts
  FROM rd_parsed WHERE problem IS NULL)
WHERE ts_utc = prev_ts;
CREATE OR REPLACE TEMP TABLE rd_dups_proposed AS
SELECT meter_id, ts_utc, min(raw_value) AS lo, max(raw_value) AS hi,
       arg_min(_row, file_idx * 1e12 + _row) AS first_row,
       arg_min(file_idx, file_idx * 1e12 + _row) AS first_file
FROM rd_parsed SEMI JOIN rd_dup_keys USING (meter_id, ts_utc)
WHERE problem IS NULL GROUP BY ALL HAVING count(*) > 1;
"""


def step_dups(package: Path, db: Path, duplicates: int) -> dict[str, Any]:
    """Run lingtan's own ``_prepare`` (stage, parse, validate), then time both duplicate checks.

    With ``duplicates`` > 0, that many valid rows are first copied into ``rd_parsed``
    (half with a different value) so both forms have work to agree on.
    """
    import lingtan
    from lingtan.ingest import importer

    cm.remove_db(db)
    ws = lingtan.open(db)
    con = ws.con
    t0 = time.perf_counter()
    importer._prepare(con, importer.find_package(package), False)
    prepare = time.perf_counter() - t0
    if duplicates:
        con.execute(f"INSERT INTO rd_parsed SELECT * REPLACE (_row + 10000000000 AS _row,"
                    f" CASE WHEN _row % 2 = 0 THEN raw_value + 1 ELSE raw_value END AS raw_value)"
                    f" FROM rd_parsed USING SAMPLE {duplicates} ROWS")
    out: dict[str, Any] = {"prepare_seconds": prepare}
    for label, sql in (("current", CURRENT_DUPS_SQL), ("proposed", PROPOSED_DUPS_SQL)):
        with cm.stopwatch() as sw:
            con.execute(sql)
        out[label] = sw
    same = con.execute("SELECT count(*) FROM (SELECT * FROM rd_dups_current"
                       " EXCEPT ALL SELECT * FROM rd_dups_proposed)").fetchone()
    n = con.execute("SELECT count(*) FROM rd_dups_current").fetchone()
    out["differing"], out["duplicate_keys"] = int(same[0]), int(n[0])
    ws.close()
    cm.remove_db(db)
    return out


class _Rewriting:
    """Connection proxy that swaps one statement of lingtan's pipeline for its proposed form."""

    def __init__(self, con: Any, prefix: str, replacement: str) -> None:
        self._con, self.prefix, self.replacement, self.applied = con, prefix, replacement, 0

    def execute(self, sql: str, *args: Any) -> Any:
        if " ".join(sql.split()).startswith(self.prefix):
            sql, self.applied = self.replacement, self.applied + 1
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def step_patched(package: Path, db: Path) -> dict[str, Any]:
    """``lingtan import`` end to end with only the duplicate check replaced (proposal 1)."""
    import lingtan

    cm.remove_db(db)
    with cm.stopwatch() as sw:
        ws = lingtan.open(db)
        proxy = _Rewriting(ws.con, "CREATE OR REPLACE TEMP TABLE rd_dups AS",
                           PROPOSED_DUPS_SQL.replace("rd_dups_proposed", "rd_dups"))
        ws.con = proxy  # type: ignore[assignment]
        summary = ws.import_package(package)
        ws.con = proxy._con
        ws.close()
    assert proxy.applied == 1, "the duplicate statement was not found: lingtan changed"
    return {**sw, "rows": summary.readings.get("new", 0), "readings": summary.readings}


WIDTHS = {
    "meter_id, ts_utc, value, raw_value": "meter_id, ts_utc, value, raw_value",
    "+ site_id VARCHAR (constant)": "'bench' AS site_id, meter_id, ts_utc, value, raw_value",
    "+ version, batch_id INTEGER (constants)":
        "meter_id, ts_utc, value, raw_value, 1 AS version, 1 AS batch_id",
    "all 7 columns of readings": "'bench' AS site_id, meter_id, ts_utc, value, raw_value,"
                                 " 1 AS version, 1 AS batch_id",
    "all 7, site as INTEGER key": "1 AS site_key, meter_id, ts_utc, value, raw_value,"
                                  " 1 AS version, 1 AS batch_id",
}


def step_widths(db: Path, ws_db: Path) -> dict[str, Any]:
    """Cost of writing the readings columns: CREATE TABLE AS + CHECKPOINT per column set."""
    import duckdb

    cm.remove_db(db)
    con = duckdb.connect(str(db))
    con.execute(f"ATTACH '{ws_db}' AS ws (READ_ONLY)")
    con.execute("CREATE TEMP TABLE src AS SELECT meter_id, ts_utc, value, raw_value"
                " FROM ws.readings")
    out = {}
    for label, columns in WIDTHS.items():
        con.execute("DROP TABLE IF EXISTS t")
        con.execute("CHECKPOINT")
        with cm.stopwatch() as sw:
            con.execute(f"CREATE TABLE t AS SELECT {columns} FROM src")
            con.execute("CHECKPOINT")
        out[label] = sw["seconds"]
    con.close()
    cm.remove_db(db)
    return {"widths": out}


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
    ap.add_argument("--dups", type=int, metavar="N", default=None,
                    help="instead: run lingtan's own stage/parse/validate, then time its"
                         " duplicate check against the proposed one (N injected duplicates)")
    ap.add_argument("--patched", action="store_true",
                    help="instead: run lingtan import end to end with the proposed duplicate"
                         " check swapped in (time, peak RSS, same stored rows)")
    ap.add_argument("--widths", action="store_true",
                    help="instead: time writing the readings table's column sets")
    ap.add_argument("--step", choices=("probe", "compare", "dups", "patched", "widths"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--package", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--ws", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step == "probe":
        cm.emit(run_probe(args.package, args.db, not args.icu_time, args.one_transaction))
        return
    if args.step == "widths":
        cm.emit(step_widths(args.db, args.ws))
        return
    if args.step == "patched":
        cm.emit(step_patched(args.package, args.db))
        return
    if args.step == "dups":
        cm.emit(step_dups(args.package, args.db, args.dups or 0))
        return
    if args.step == "compare":
        cm.emit(step_compare(args.db, args.ws))
        return
    package = cm.write_package(args.meters, args.format)
    cm.warm_page_cache(package)
    db = package.parent / f"probe-{args.format}.duckdb"
    ws_db = package.parent / f"ws-{args.format}.duckdb"
    cm.print_machine(cm.machine())
    if args.widths:
        r = cm.run_step(SCRIPT, ["--step", "widths", "--db", str(db), "--ws", str(ws_db)])
        print(f"writing {args.meters * cm.intervals_per_year():,d} readings"
              f" (CREATE TABLE AS + CHECKPOINT), other load {r['other_load']:.2f} cores:")
        for label, seconds in r["widths"].items():
            print(f"  {seconds:7.2f} s  {label}")
        cm.save(f"widths-n{args.meters}.json", r)
        return
    if args.patched:
        r = cm.run_step(SCRIPT, ["--step", "patched", "--package", str(package), "--db", str(db)])
        print(f"lingtan import with the proposed duplicate check: {r['rows']:,d} rows in"
              f" {r['seconds']:.2f} s = {r['rows'] / r['seconds']:,.0f} rows/s, peak RSS"
              f" {cm.mib(r['peak_rss_bytes'])}, other load {r['other_load']:.2f} cores")
        if ws_db.is_file():
            c = cm.run_step(SCRIPT, ["--step", "compare", "--db", str(db), "--ws", str(ws_db)],
                            attempts=1)
            assert c["differing_rows"] == 0, c
            print(f"stored rows identical to lingtan's workspace {ws_db.name}")
        cm.remove_db(db)
        cm.save(f"patched-n{args.meters}-{args.format}.json", r)
        return
    if args.dups is not None:
        d = cm.run_step(SCRIPT, ["--step", "dups", "--package", str(package), "--db", str(db),
                                 "--dups", str(args.dups)])
        assert d["differing"] == 0, d
        for label in ("current", "proposed"):
            print(f"  {label:9s} duplicate check {d[label]['seconds']:7.2f} s"
                  f"  cpu/wall {d[label]['cpu_seconds'] / d[label]['seconds']:.2f}")
        print(f"same rd_dups ({d['duplicate_keys']} duplicated keys) after lingtan's own"
              f" _prepare ({d['prepare_seconds']:.1f} s); other load {d['other_load']:.2f} cores")
        cm.save(f"dups-n{args.meters}-{args.format}.json", d)
        return
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
