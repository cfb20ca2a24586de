"""Import throughput: ``lingtan import`` against DuckDB's own bulk load of the same files.

Usage::

    python bench/bench_import.py --meters 2000            # csv and parquet, 70,080,000 rows each
    python bench/bench_import.py --meters 200 --format parquet

For each format the package is generated once under ``bench/data/n<meters>/<format>/``
(deterministic, with DuckDB ``COPY``). Then, each in a fresh subprocess and a fresh
database file:

- baseline: ``CREATE TABLE t AS SELECT * FROM read_csv('readings/*.csv')`` (or
  ``read_parquet``), then close (checkpoint);
- lingtan:  ``lingtan.open(db).import_package(dir)``, then close.

Printed: rows/s of both, the ratio lingtan/baseline (target ≥ 0.5), peak RSS of each
step, and where lingtan's time goes (per pipeline function and per SQL statement).
The lingtan workspace is kept for ``bench/bench_inventory.py``.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import _common as cm

TARGET_RATIO = 0.5
SCRIPT = Path(__file__).resolve()


# -- child steps -------------------------------------------------------------------------
def step_baseline(package: Path, db: Path) -> dict[str, Any]:
    import duckdb

    cm.remove_db(db)
    glob = cm.readings_glob(package)
    reader = "read_parquet" if glob.endswith(".parquet") else "read_csv"
    with cm.stopwatch() as sw:
        con = duckdb.connect(str(db))
        con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}(?)", [glob])
        rows = con.execute("SELECT count(*) FROM t").fetchone()
        con.close()
    return {**sw, "rows": int(rows[0]) if rows else 0, "db_bytes": db.stat().st_size}


class _TimedConnection:
    """Pass-through DuckDB connection that times every ``execute``/``executemany``."""

    def __init__(self, con: Any) -> None:
        self._con = con
        self.statements: dict[str, list[float]] = defaultdict(list)

    def _timed(self, method: str, sql: str, *args: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return getattr(self._con, method)(sql, *args)
        finally:
            label = re.sub(r"\s+", " ", sql).strip()[:90]
            self.statements[label].append(time.perf_counter() - t0)

    def execute(self, sql: str, *args: Any) -> Any:
        return self._timed("execute", sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        return self._timed("executemany", sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


#: Modules whose functions are timed (inclusive seconds and calls per function).
PROFILED_MODULES = ("lingtan.ingest.importer", "lingtan.ingest.readings",
                    "lingtan.ingest.tables", "lingtan.ingest.timeparse",
                    "lingtan.store.versioned", "lingtan.store.workspace")


def _wrap_stages(timings: dict[str, list[float]]) -> None:
    """Time every lingtan function the import pipeline looks up in these modules.

    Functions are wrapped in each module namespace where they are found (also names
    imported from another lingtan module), so the timing survives refactoring of the
    pipeline; times are inclusive (a function's time includes the functions it calls).
    """
    import importlib
    import inspect

    def timer(fn: Any, label: str) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                entry = timings.setdefault(label, [0.0, 0])
                entry[0] += time.perf_counter() - t0
                entry[1] += 1
        return wrapper

    for name in PROFILED_MODULES:
        module = importlib.import_module(name)
        for attr, fn in list(vars(module).items()):
            if (inspect.isfunction(fn) and fn.__module__.startswith("lingtan.")
                    and attr not in ("import_package", "connect", "migrate")):
                label = f"{fn.__module__.removeprefix('lingtan.')}.{fn.__name__}"
                setattr(module, attr, timer(fn, label))


def step_lingtan(package: Path, db: Path) -> dict[str, Any]:
    import lingtan

    cm.remove_db(db)
    stages: dict[str, list[float]] = {}
    _wrap_stages(stages)
    with cm.stopwatch() as sw:
        t0 = time.perf_counter()
        ws = lingtan.open(db)
        stages["lingtan.open (connect + migrate)"] = [time.perf_counter() - t0, 1]
        timed_con = _TimedConnection(ws.con)
        ws.con = timed_con  # type: ignore[assignment]
        t0 = time.perf_counter()
        summary = ws.import_package(package)
        stages["import_package (total)"] = [time.perf_counter() - t0, 1]
        t0 = time.perf_counter()
        ws.con = timed_con._con
        ws.close()
        stages["close (checkpoint)"] = [time.perf_counter() - t0, 1]
    statements = sorted(((sum(v), len(v), k) for k, v in timed_con.statements.items()),
                        reverse=True)
    return {**sw, "rows": summary.readings.get("new", 0), "readings": summary.readings,
            "status": summary.status, "gaps": len(summary.gaps), "stages": stages,
            "statements": statements[:25], "db_bytes": db.stat().st_size}


# -- parent ------------------------------------------------------------------------------
def measure(meters: int, fmt: str, keep_baseline: bool) -> dict[str, Any]:
    t0 = time.perf_counter()
    package = cm.write_package(meters, fmt)
    print(f"\n== {fmt}: {meters} meters, package {cm.gib(cm.dir_bytes(package))}"
          f" at {package} (ready in {time.perf_counter() - t0:.1f} s)", flush=True)
    cm.warm_page_cache(package)
    base_db = package.parent / f"baseline-{fmt}.duckdb"
    ws_db = package.parent / f"ws-{fmt}.duckdb"
    base = cm.run_step(SCRIPT, ["--step", "baseline", "--package", str(package),
                                "--db", str(base_db)])
    _report("baseline (DuckDB bulk load)", base)
    ours = cm.run_step(SCRIPT, ["--step", "lingtan", "--package", str(package), "--db", str(ws_db)])
    _report("lingtan import", ours)
    if not keep_baseline:
        cm.remove_db(base_db)
    if ours["rows"] != base["rows"]:
        raise SystemExit(f"row counts differ: lingtan {ours['rows']} vs baseline {base['rows']}")
    ratio = (ours["rows"] / ours["seconds"]) / (base["rows"] / base["seconds"])
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(f"ratio lingtan/baseline throughput: {ratio:.3f}"
          f"  ({verdict} the ≥ {TARGET_RATIO} target)")
    print("lingtan functions (inclusive s, calls):")
    for name, (seconds, calls) in sorted(ours["stages"].items(), key=lambda kv: -kv[1][0])[:18]:
        print(f"  {seconds:9.2f} {calls:5d}  {name}")
    print("lingtan slowest SQL statements (total s, calls, statement):")
    for seconds, calls, label in ours["statements"][:14]:
        print(f"  {seconds:9.2f} {calls:5d}  {label}")
    return {"format": fmt, "meters": meters, "package_bytes": cm.dir_bytes(package),
            "baseline": base, "lingtan": ours, "ratio": ratio}


def _report(name: str, r: dict[str, Any]) -> None:
    print(f"{name:30s} {r['rows']:>12,d} rows  {r['seconds']:8.2f} s  "
          f"{r['rows'] / r['seconds']:>12,.0f} rows/s"
          f"  cpu/wall {r['cpu_seconds'] / r['seconds']:.2f}"
          f"  peak RSS {cm.mib(r['peak_rss_bytes'])}  db {cm.mib(r['db_bytes'])}"
          f"  other load {r['other_load']:.2f} cores", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--meters", type=int, default=2000,
                    help="number of 15-minute meters (default 2000)")
    ap.add_argument("--format", choices=("csv", "parquet", "both"), default="both")
    ap.add_argument("--keep-baseline", action="store_true", help="keep the baseline database file")
    ap.add_argument("--step", choices=("baseline", "lingtan"), help=argparse.SUPPRESS)
    ap.add_argument("--package", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        step = step_baseline if args.step == "baseline" else step_lingtan
        cm.emit(step(args.package, args.db))
        return
    if args.meters < len(cm.SPECIAL_ROLES) + 1:
        ap.error(f"--meters must be at least {len(cm.SPECIAL_ROLES) + 1}")
    info = cm.machine()
    cm.print_machine(info)
    rows = args.meters * cm.intervals_per_year()
    print(f"scale: {args.meters} meters x {cm.intervals_per_year()} intervals = {rows:,d} readings")
    formats = ("csv", "parquet") if args.format == "both" else (args.format,)
    results = [measure(args.meters, fmt, args.keep_baseline) for fmt in formats]
    path = cm.save(f"import-n{args.meters}-{args.format}.json",
                   {"machine": info, "results": results})
    print(f"\nresults saved to {path}")


if __name__ == "__main__":
    main()
