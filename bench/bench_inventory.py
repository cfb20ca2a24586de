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
  SELECT r.meter_id, sum(CAST(r.value AS {{sum_type}})) AS kwh
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
  SELECT m.role, sum(CAST(r.value AS {{sum_type}})) AS kwh
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

    from lingtan.accounting.metered import SUM_TYPE  # the same exactness as lingtan

    params = {"site": SITE, "year": year, "tz": cm.TIMEZONE, **_factors(year)}
    baseline_sql = BASELINE_SQL.format(sum_type=SUM_TYPE)
    naive_sql = NAIVE_SQL.format(sum_type=SUM_TYPE)
    con = duckdb.connect(str(db))
    times, naive_times, row = [], [], None
    for _ in range(repeat):
        with cm.stopwatch() as sw:
            row = con.execute(baseline_sql, params).fetchone()
        times.append(sw["seconds"])
        with cm.stopwatch() as sw:
            naive = con.execute(naive_sql, params).fetchone()
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


def proposed_monthly_expr(con: Any, site_id: str, months: list[Any]) -> Any:
    """Proposed rewrite of ``lingtan.accounting.metered.monthly_expr`` (same output).

    The month comes from a CASE over the 12 month ends instead of a range join to a
    12-row table (no join for the planner to get wrong), and values are cast to a
    64-bit ``decimal(18, s)`` instead of the 128-bit ``SUM_TYPE`` (``decimal(38, s)``)
    before the sum, whose result DuckDB widens to ``decimal(38, s)`` anyway. Same scale
    ``s``, so the same rounding; a single reading must then stay below 10^(18 − s)
    canonical units (DuckDB raises an error otherwise, it never truncates silently).
    """
    import ibis
    from ibis import _

    from lingtan.accounting.metered import SUM_TYPE

    scale = ibis.dtype(SUM_TYPE).scale

    readings = con.table("readings")
    meters = con.table("meters").filter((_.site_id == site_id) & _.is_current)
    r = readings.filter((readings.site_id == site_id) & (readings.ts_utc > months[0].start_utc)
                        & (readings.ts_utc <= months[-1].end_utc) & readings.value.notnull())
    month = ibis.cases(*[(r.ts_utc <= m.end_utc, m.label) for m in months])
    agg = r.mutate(month=month).group_by(["meter_id", "month"]).aggregate(
        quantity=_.value.cast(f"decimal(18, {scale})").sum().cast(SUM_TYPE),
        n_readings=_.count(), first_utc=_.ts_utc.min(), last_utc=_.ts_utc.max(),
        min_batch=_.batch_id.min(), max_batch=_.batch_id.max(), max_version=_.version.max(),
    )
    return agg.join(
        meters.select("meter_id", "carrier", "role", "unit_canonical", "interval_minutes"),
        "meter_id",
    ).order_by(["meter_id", "month"])


def step_variants(db: Path, year: int, repeat: int) -> dict[str, Any]:
    """Time the monthly query as shipped, as proposed, and as shipped with a planned range join."""
    import re

    import duckdb
    import ibis

    from lingtan.accounting.metered import monthly_expr, months_of_year

    con = duckdb.connect(str(db), read_only=True)
    backend = ibis.duckdb.from_connection(con)
    months = months_of_year(year, cm.TIMEZONE)
    shipped, proposed = monthly_expr(backend, SITE, months), proposed_monthly_expr(
        backend, SITE, months)
    assert backend.to_pyarrow(shipped).equals(backend.to_pyarrow(proposed)), "outputs differ"
    sql = ibis.to_sql(shipped, dialect="duckdb")
    memtable = re.search(r'"(ibis_\w*memtable_\w+)"', sql)
    assert memtable is not None
    values = ", ".join(f"('{m.label}', TIMESTAMP '{m.start_utc}', TIMESTAMP '{m.end_utc}')"
                       for m in months)
    con.execute(f"CREATE TEMP TABLE periods AS SELECT * FROM (VALUES {values})"
                " v(month, start_utc, end_utc)")
    planned = sql.replace(memtable.group(0), "periods")
    out: dict[str, list[float]] = {"shipped (Ibis, range join to memtable)": [],
                                   "proposed (Ibis, CASE month, decimal(18, s))": [],
                                   "shipped SQL, periods as a temp table": []}
    for _ in range(repeat):
        for label, run in zip(out, (lambda: backend.to_pyarrow(shipped),
                                    lambda: backend.to_pyarrow(proposed),
                                    lambda: con.execute(planned).fetchall()), strict=True):
            with cm.stopwatch() as sw:
                run()
            out[label].append(sw["seconds"])
    plan = con.execute("EXPLAIN " + planned).fetchall()[0][1]
    joins = sorted(set(re.findall(r"(\w+_JOIN)", plan)))
    return {"variants": out, "temp_table_plan_joins": joins}


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
    ap.add_argument("--variants", action="store_true",
                    help="also time the proposed rewrite of lingtan's monthly query")
    ap.add_argument("--step", choices=("baseline", "lingtan", "variants"), help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        step = {"baseline": step_baseline, "lingtan": step_lingtan,
                "variants": step_variants}[args.step]
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
    if args.variants:
        var = cm.run_step(SCRIPT, ["--step", "variants", *common])
        print("monthly query variants (s per call):")
        for label, times in var["variants"].items():
            print(f"  median {statistics.median(times):6.2f}  all "
                  + " ".join(f"{t:.2f}" for t in times) + f"  {label}")
        joins = ", ".join(var["temp_table_plan_joins"])
        print(f"  (joins planned for the temp-table form: {joins};"
              f" other load {var['other_load']:.2f} cores)")
        result["variants"] = var
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
