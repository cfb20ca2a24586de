"""Inventory speed: ``lingtan.open(db).inventory(year)`` against one hand-written DuckDB query.

Usage (after ``bench/bench_import.py`` has built the workspace)::

    python bench/bench_inventory.py --meters 2000                 # workspace from the csv import
    python bench/bench_inventory.py --meters 2000 --format parquet --repeat 5

Both contenders run in fresh subprocesses on the same workspace file
``bench/data/n<meters>/ws-<format>.duckdb``:

- lingtan:  ``lingtan.open(db)``, then ``inventory(year)`` ``--repeat`` times (the Ibis
  per-meter-per-month query is also timed on its own);
- baseline: one SQL query — exact sums of the year's readings per meter, then per meter
  role, then the grid import / export / generation totals × the location, market and
  ETS factors (the same query written naively — join every reading to its meter first —
  is timed too, for reference).

The script asserts that both give the same grid import, export and generation totals and
the same scope-2 total in each view, and prints seconds, the ratio lingtan/baseline
(target ≤ 1.5, and < 10 s on 2 cores) and the peak RSS of each process.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path
from typing import Any

import _common as cm

TARGET_RATIO = 1.5
TARGET_SECONDS = 10.0
SCRIPT = Path(__file__).resolve()
SITE = "bench"

_BOUNDS = """
  r.site_id = $site
  AND r.ts_utc > timezone('UTC', timezone($tz, make_timestamp($year, 1, 1, 0, 0, 0)))
  AND r.ts_utc <= timezone('UTC', timezone($tz, make_timestamp($year + 1, 1, 1, 0, 0, 0)))"""

_TOTALS = """
, t AS (
  SELECT coalesce(sum(kwh) FILTER (WHERE role = 'grid_import'), 0) AS import_kwh,
         coalesce(sum(kwh) FILTER (WHERE role = 'grid_export'), 0) AS export_kwh,
         coalesce(sum(kwh) FILTER (WHERE role = 'generation'), 0) AS generation_kwh
  FROM by_role
)
SELECT CAST(import_kwh AS DOUBLE), CAST(export_kwh AS DOUBLE), CAST(generation_kwh AS DOUBLE),
       CAST(import_kwh - export_kwh AS DOUBLE) / 1000 * $f_location,
       CAST(import_kwh AS DOUBLE) / 1000 * $f_market,
       CAST(import_kwh - export_kwh AS DOUBLE) / 1000 * $f_ets
FROM t
"""

#: The baseline: exact sums per meter first (70 M rows → one per meter), then per role.
BASELINE_SQL = f"""
WITH per_meter AS (
  SELECT r.meter_id, sum(CAST(r.value AS DECIMAL(38, 3))) AS kwh
  FROM readings r WHERE {_BOUNDS}
  GROUP BY r.meter_id
), by_role AS (
  SELECT m.role, sum(p.kwh) AS kwh
  FROM per_meter p JOIN meters m ON m.site_id = $site AND m.meter_id = p.meter_id AND m.is_current
  GROUP BY m.role
){_TOTALS}"""

#: The same written naively: join every reading to its meter, then group by role.
NAIVE_SQL = f"""
WITH by_role AS (
  SELECT m.role, sum(CAST(r.value AS DECIMAL(38, 3))) AS kwh
  FROM readings r
  JOIN meters m ON m.site_id = r.site_id AND m.meter_id = r.meter_id AND m.is_current
  WHERE {_BOUNDS}
  GROUP BY m.role
){_TOTALS}"""


# -- child steps -------------------------------------------------------------------------
def _factors(year: int) -> dict[str, float]:
    """The three grid factors the benchmark factory's settings select (factory.yaml)."""
    from lingtan.factors import FactorLibrary

    lib = FactorLibrary.packaged()
    return {
        "f_location": lib.get("grid_average", "electricity", geography="CN-JS",
                              data_year=2023).value,
        "f_market": lib.get("grid_residual", "electricity", data_year=2023).value,
        "f_ets": lib.get("ets_grid", "electricity", data_year=2022).value,
    }


def step_baseline(db: Path, year: int, repeat: int) -> dict[str, Any]:
    import duckdb

    params = {"site": SITE, "year": year, "tz": cm.TIMEZONE, **_factors(year)}
    con = duckdb.connect(str(db))
    times, naive_times, row = [], [], None
    for _ in range(repeat):
        with cm.stopwatch() as sw:
            row = con.execute(BASELINE_SQL, params).fetchone()
        times.append(sw["seconds"])
        with cm.stopwatch() as sw:
            naive = con.execute(NAIVE_SQL, params).fetchone()
        naive_times.append(sw["seconds"])
        assert naive == row, (naive, row)
    con.close()
    assert row is not None
    keys = ("grid_import", "grid_export", "generation", "location", "market", "ets")
    return {"times": times, "naive_times": naive_times, "totals": dict(zip(keys, row, strict=True))}


def step_lingtan(db: Path, year: int, repeat: int) -> dict[str, Any]:
    import lingtan
    from lingtan.accounting import inventory as inv_mod

    ibis_times: list[float] = []
    query = inv_mod.monthly_by_meter

    def timed_query(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return query(*args, **kwargs)
        finally:
            ibis_times.append(time.perf_counter() - t0)

    inv_mod.monthly_by_meter = timed_query  # type: ignore[assignment]
    t0 = time.perf_counter()
    ws = lingtan.open(db)
    open_seconds = time.perf_counter() - t0
    times, inv = [], None
    for _ in range(repeat):
        with cm.stopwatch() as sw:
            inv = ws.inventory(year)
        times.append(sw["seconds"])
    ws.close()
    assert inv is not None
    totals = {**{k: inv.electricity_kwh[k] for k in ("grid_import", "grid_export", "generation")},
              **{v: inv.views[v].scope2_tco2e for v in ("location", "market", "ets")}}
    return {"times": times, "ibis_query_times": ibis_times, "open_seconds": open_seconds,
            "totals": totals, "lines": len(inv.lines), "warnings": len(inv.warnings)}


# -- parent ------------------------------------------------------------------------------
def check_same(ours: dict[str, float], base: dict[str, float]) -> None:
    """Assert equal totals (kWh sums are exact decimals; tCO2e within float rounding)."""
    for key, value in base.items():
        assert math.isclose(ours[key], value, rel_tol=1e-9, abs_tol=1e-6), (
            f"{key}: lingtan {ours[key]!r} vs SQL {value!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--meters", type=int, default=2000)
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv",
                    help="which imported workspace to use (default csv)")
    ap.add_argument("--year", type=int, default=cm.YEAR)
    ap.add_argument("--repeat", type=int, default=5, help="calls per process (default 5)")
    ap.add_argument("--step", choices=("baseline", "lingtan"), help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        step = step_baseline if args.step == "baseline" else step_lingtan
        cm.emit(step(args.db, args.year, args.repeat))
        return
    db = cm.package_dir(args.meters, args.format).parent / f"ws-{args.format}.duckdb"
    if not db.is_file():
        raise SystemExit(f"{db} missing: run bench/bench_import.py --meters {args.meters}"
                         f" --format {args.format} first")
    info = cm.machine()
    cm.print_machine(info)
    print(f"workspace {db} ({cm.gib(db.stat().st_size)}), {args.meters} meters, year {args.year}")
    common = ["--db", str(db), "--year", str(args.year), "--repeat", str(args.repeat)]
    base = cm.run_step(SCRIPT, ["--step", "baseline", *common])
    ours = cm.run_step(SCRIPT, ["--step", "lingtan", *common])
    check_same(ours["totals"], base["totals"])
    print("totals agree: " + ", ".join(f"{k}={v:,.3f}" for k, v in base["totals"].items()))
    result = summarise(base, ours)
    path = cm.save(f"inventory-n{args.meters}-{args.format}.json",
                   {"machine": info, "meters": args.meters, "format": args.format, **result})
    print(f"results saved to {path}")


def summarise(base: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    rows = (("baseline SQL", base["times"], base),
            ("(naive join-first SQL)", base["naive_times"], base),
            ("lingtan inventory", ours["times"], ours))
    for name, times, r in rows:
        print(f"{name:24s} first {times[0]:6.2f} s  median {statistics.median(times):6.2f} s"
              f"  all " + " ".join(f"{t:.2f}" for t in times)
              + f"  peak RSS {cm.mib(r['peak_rss_bytes'])}  other load {r['other_load']:.2f} cores")
    print("  lingtan's Ibis monthly query alone: "
          + " ".join(f"{t:.2f}" for t in ours["ibis_query_times"]) + " s"
          + f"; lingtan.open: {ours['open_seconds']:.2f} s (not in the inventory time)")
    first = ours["times"][0] / base["times"][0]
    median = statistics.median(ours["times"]) / statistics.median(base["times"])
    ok = median <= TARGET_RATIO and max(ours["times"]) < TARGET_SECONDS
    print(f"ratio lingtan/baseline: first call {first:.2f}, median {median:.2f}"
          f"  ({'meets' if ok else 'MISSES'} ≤ {TARGET_RATIO}× and < {TARGET_SECONDS:g} s)")
    return {"baseline": base, "lingtan": ours, "ratio_first": first, "ratio_median": median}


if __name__ == "__main__":
    main()
