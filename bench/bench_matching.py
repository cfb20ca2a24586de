"""Benchmark: hourly (24/7) matching for many meters over a year.

Usage::

    python bench/bench_matching.py                 # 1,000 meters × 8,760 hours
    python bench/bench_matching.py --meters 200 --repeat 3

lingtan: ``lingtan.matching.match_hourly`` on a (meters × hours) array (input checks,
annual / hourly / CFE shares, kWh totals and the 12 × 24 month-hour table per meter), and
the three measure functions ``annual_matching`` + ``hourly_matching`` + ``cfe_score``.
Baseline: the same three measures written as plain numpy in this script, no checks.
Both run in this process on the same arrays; the best of ``--repeat`` runs is reported.
Target: ``match_hourly`` under 1 s for 1,000 meters. The script asserts equal results.

Data (seeded): load = per-meter base × (day/night shape + noise) [kWh]; clean supply =
a PV-shaped profile (sun from 06:00 to 18:00 local, UTC+8) × a per-meter size, so some
hours have a surplus; grid carbon-free share per hour in [0.15, 0.45].
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import _common as cm
import numpy as np

from lingtan.matching import annual_matching, cfe_score, hourly_matching, match_hourly

HOURS = 8760


def make_data(meters: int, seed: int = 2025) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    hours_utc = np.datetime64("2024-12-31T17", "h") + np.arange(HOURS)  # local year 2025
    local_hour = (np.arange(HOURS) + 8) % 24
    day = np.where((local_hour >= 8) & (local_hour < 20), 1.0, 0.6)
    base = rng.uniform(50, 500, (meters, 1))
    load = base * day * rng.uniform(0.8, 1.2, (meters, HOURS))
    sun = np.clip(np.sin((local_hour - 6) / 12 * np.pi), 0, None)
    season = 1 + 0.3 * np.sin(2 * np.pi * (np.arange(HOURS) / HOURS - 0.25))
    clean = rng.uniform(0.2, 2.5, (meters, 1)) * base * sun * season
    share = rng.uniform(0.15, 0.45, HOURS)
    return {"hours_utc": hours_utc, "load": load, "clean": clean, "share": share}


def baseline(load: np.ndarray, clean: np.ndarray, share: np.ndarray) -> tuple[np.ndarray, ...]:
    """The three measures in plain numpy (domain.md §8), one value per meter."""
    total = load.sum(axis=1)
    matched = np.minimum(load, clean)
    annual = np.minimum(1.0, clean.sum(axis=1) / total)
    hourly = matched.sum(axis=1) / total
    cfe = (matched + share * np.maximum(0.0, load - clean)).sum(axis=1) / total
    return annual, hourly, cfe


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meters", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    cm.print_machine(cm.machine())
    d = make_data(args.meters)
    load, clean, share = d["load"], d["clean"], d["share"]
    print(f"data: {args.meters:,} meters × {HOURS:,} hours "
          f"({load.nbytes / 2**20:.0f} MiB per array)")

    t_base, (annual, hourly, cfe) = best_of(args.repeat, lambda: baseline(load, clean, share))
    t_full, res = best_of(args.repeat, lambda: match_hourly(
        load, d["hours_utc"], contracted_kwh=clean, grid_cfe_share=share))
    t_three, three = best_of(args.repeat, lambda: (
        annual_matching(load, clean), hourly_matching(load, clean),
        cfe_score(load, clean, share)))

    for name, mine in (("match_hourly", (res.annual, res.hourly, res.cfe)),
                       ("three functions", three)):
        for label, a, b in zip(("annual", "hourly", "cfe"), mine, (annual, hourly, cfe),
                               strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12, err_msg=f"{name}: {label}")
    assert (res.annual >= res.hourly).all() and (res.cfe >= res.hourly).all()

    print(f"mean shares: annual {annual.mean():.3f}, hourly {hourly.mean():.3f}, "
          f"CFE {cfe.mean():.3f}")
    print(f"baseline (plain numpy, 3 measures):      {t_base:.3f} s")
    print(f"lingtan match_hourly (full result):      {t_full:.3f} s  "
          f"ratio {t_full / t_base:.2f} × baseline")
    print(f"lingtan annual+hourly+cfe functions:     {t_three:.3f} s  "
          f"ratio {t_three / t_base:.2f} × baseline")
    target = "met" if t_full < 1.0 else "MISSED"
    print(f"target match_hourly < 1 s for {args.meters:,} meters: {target}")


if __name__ == "__main__":
    main()
