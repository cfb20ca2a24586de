"""Shared pieces of the benchmarks: the synthetic data package, step runner, machine facts.

Every measured step runs in a fresh Python subprocess (``--step ...`` of the calling
script) so that its peak RSS (``getrusage(RUSAGE_SELF).ru_maxrss``) belongs to that
step alone; the child prints one JSON line that the parent reads back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
YEAR = 2025
INTERVAL_MINUTES = 15
TIMEZONE = "Asia/Shanghai"
#: Roles of the first meters; every other meter is a ``submeter``.
SPECIAL_ROLES = ("grid_import", "grid_import", "grid_export", "generation", "generation")

FACTORY_YAML = f"""\
# Synthetic benchmark factory (bench/_common.py); values are deterministic, not realistic.
id: bench
name: 基准测试工厂 (benchmark factory)
province: CN-JS
grid_region: east
timezone: {TIMEZONE}
accounting:
  gwp: AR5
  location_factor: provincial
  electricity_factor_year: 2023
  ets_factor_year: 2022
"""


# -- the synthetic package ---------------------------------------------------------------
def intervals_per_year(year: int = YEAR) -> int:
    days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    return days * 24 * 60 // INTERVAL_MINUTES


def role_of(meter_idx: int) -> str:
    return SPECIAL_ROLES[meter_idx] if meter_idx < len(SPECIAL_ROLES) else "submeter"


def package_dir(meters: int, fmt: str) -> Path:
    return DATA_DIR / f"n{meters}" / fmt


def _readings_select(meters: int, first: int, last: int, year: int) -> str:
    """Rows for intervals ``first ≤ i < last`` of every meter, meter-major, no sort needed.

    Reading ``i`` is stamped at the end of its interval (local time, no offset) and its
    value in kWh is a deterministic function of (meter, interval) with 3 decimals.
    """
    span = last - first
    return f"""
        SELECT printf('M%05d', x // {span}) AS meter_id,
               TIMESTAMP '{year}-01-01 00:00:00'
                 + to_minutes({INTERVAL_MINUTES} * (x % {span} + {first} + 1)) AS timestamp,
               round((((x // {span}) * 7919 + (x % {span} + {first}) * 104729) % 100003)
                     / 1000.0, 3) AS value
        FROM range({meters} * {span}) t(x)"""


def month_bounds(year: int = YEAR) -> list[tuple[str, int, int]]:
    """(label, first interval, end interval) per local month of interval-end timestamps."""
    out = []
    start = dt.datetime(year, 1, 1)
    for m in range(1, 13):
        a = dt.datetime(year, m, 1)
        b = dt.datetime(year + 1, 1, 1) if m == 12 else dt.datetime(year, m + 1, 1)
        step = INTERVAL_MINUTES * 60
        first = int((a - start).total_seconds()) // step
        last = int((b - start).total_seconds()) // step
        out.append((f"{year}-{m:02d}", first, last))
    return out


def write_package(meters: int, fmt: str, *, year: int = YEAR) -> Path:
    """Write (once) the package for ``meters`` meters: ``csv`` (12 monthly files) or ``parquet``."""
    root = package_dir(meters, fmt)
    done = root / ".complete"
    if done.is_file():
        return root
    (root / "readings").mkdir(parents=True, exist_ok=True)
    (root / "factory.yaml").write_text(FACTORY_YAML, encoding="utf-8")
    lines = ["meter_id,name,carrier,unit,reading,role,parent_id,interval_minutes"]
    lines += [f"M{i:05d},meter {i},electricity,kWh,interval,{role_of(i)},,{INTERVAL_MINUTES}"
              for i in range(meters)]
    (root / "meters.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    if fmt == "csv":
        for label, first, last in month_bounds(year):
            path = root / "readings" / f"{label}.csv"
            con.execute(f"COPY ({_readings_select(meters, first, last, year)}) TO '{path}'"
                        " (FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%d %H:%M')")
    else:
        path = root / "readings" / "readings.parquet"
        con.execute(f"COPY ({_readings_select(meters, 0, intervals_per_year(year), year)})"
                    f" TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
    con.close()
    done.write_text(dt.datetime.now(dt.UTC).isoformat() + "\n")
    return root


def readings_glob(root: Path) -> str:
    files = sorted((root / "readings").iterdir())
    suffix = files[0].suffix
    return str(root / "readings" / f"*{suffix}")


def dir_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def warm_page_cache(root: Path) -> None:
    """Read every file once so both contenders start from the same (warm) OS cache."""
    for p in sorted(root.rglob("*")):
        if p.is_file():
            with p.open("rb") as fh:
                while fh.read(1 << 24):
                    pass


def remove_db(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


# -- measuring ---------------------------------------------------------------------------
def peak_rss_bytes() -> int:
    """Peak resident set size of this process so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@contextmanager
def stopwatch() -> Iterator[dict[str, float]]:
    """Wall and CPU seconds of the block (CPU/wall ≈ cores kept busy)."""
    out: dict[str, float] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        yield out
    finally:
        out["seconds"] = time.perf_counter() - t0
        out["cpu_seconds"] = time.process_time() - c0


def emit(result: dict[str, Any]) -> None:
    """Child side: print the step's result as the last line of stdout."""
    result["peak_rss_bytes"] = peak_rss_bytes()
    print(json.dumps(result, default=str), flush=True)


def _busy_cpu_seconds() -> float:
    """CPU seconds spent by the whole machine (all processes, all cores) since boot."""
    import psutil

    t = psutil.cpu_times()
    return float(t.user + t.nice + t.system + getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0))


def wait_for_quiet(max_wait: float = 300.0, threshold: float = 0.15) -> float:
    """Wait (at most ``max_wait`` s) until other processes use < ``threshold`` cores."""
    deadline = time.monotonic() + max_wait
    while True:
        busy0 = _busy_cpu_seconds()
        time.sleep(3.0)
        load = (_busy_cpu_seconds() - busy0) / 3.0
        if load < threshold or time.monotonic() > deadline:
            return load


def run_step(script: Path, args: list[str], attempts: int = 3) -> dict[str, Any]:
    """Run a step after the machine is quiet; retry (up to ``attempts``) if disturbed.

    Each result carries ``other_load``: the average number of cores that *other*
    processes kept busy while the step ran (machine CPU time minus the child's, over
    wall time). The least disturbed attempt is returned, with ``attempts`` made.
    """
    best: dict[str, Any] | None = None
    for n in range(1, attempts + 1):
        wait_for_quiet()
        result = _run_once(script, args)
        result["attempts"] = n
        if best is None or result["other_load"] < best["other_load"]:
            best = result
        if best["other_load"] < 0.25:
            break
        print(f"  (step disturbed: other processes used {result['other_load']:.2f} cores;"
              " running it again)", flush=True)
    assert best is not None
    return best


def _run_once(script: Path, args: list[str]) -> dict[str, Any]:
    """Parent side: run ``script --step ...`` in a fresh interpreter, return its JSON line."""
    busy0, wall0 = _busy_cpu_seconds(), time.perf_counter()
    child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                          check=False)
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, busy = time.perf_counter() - wall0, _busy_cpu_seconds() - busy0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"step {args} failed with exit code {proc.returncode}")
    result = dict(json.loads(proc.stdout.strip().splitlines()[-1]))
    child = (child1.ru_utime + child1.ru_stime) - (child0.ru_utime + child0.ru_stime)
    result["other_load"] = max(busy - child, 0.0) / wall
    return result


def machine() -> dict[str, Any]:
    import ibis

    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
            "nproc": os.cpu_count(), "mem_total": gib(mem), "cpu": cpu,
            "python": platform.python_version(), "duckdb": duckdb.__version__,
            "ibis": ibis.__version__, **code_version()}


def code_version() -> dict[str, str]:
    """Which lingtan source was measured: SHA-256 over ``src/lingtan/**/*.py`` and newest mtime.

    The source changes while benchmarks run (no VCS access here), so every result
    carries this fingerprint.
    """
    import hashlib

    src = BENCH_DIR.parent / "src" / "lingtan"
    digest, newest = hashlib.sha256(), 0.0
    for path in sorted(src.rglob("*.py")):
        digest.update(path.relative_to(src).as_posix().encode() + b"\0" + path.read_bytes())
        newest = max(newest, path.stat().st_mtime)
    stamp = dt.datetime.fromtimestamp(newest, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return {"src_sha256": digest.hexdigest()[:12], "src_newest_mtime_utc": stamp}


def gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


def mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def print_machine(info: dict[str, Any]) -> None:
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))


def save(name: str, payload: dict[str, Any]) -> Path:
    path = DATA_DIR / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return path
