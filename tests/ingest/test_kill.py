"""A process killed in the middle of an import leaves the store exactly as it was.

The import runs in one DuckDB transaction; DuckDB writes nothing to the WAL before
COMMIT, so a SIGKILL before the commit must leave no trace.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import lingtan
from lingtan.store.workspace import connect, verify_audit_chain

from .test_importer import MINIMAL, counts

READINGS = 2_000_000
METERS = 20
CHILD = (
    "import sys, lingtan\n"
    "ws = lingtan.open(sys.argv[1])\n"
    "print('ready', flush=True)\n"
    "ws.import_package(sys.argv[2])\n"
    "print('done', flush=True)\n"
)


def _big_package(root: Path) -> Path:
    """The minimal package plus 2 million interval readings of 20 sub-meters."""
    pkg = Path(shutil.copytree(MINIMAL, root / "big"))
    with (pkg / "meters.csv").open("a", encoding="utf-8") as fh:
        for i in range(METERS):
            fh.write(f"S{i},sub {i},electricity,kWh,interval,submeter,,15,,\n")
    con = duckdb.connect(":memory:")
    con.execute(
        "COPY (SELECT 'S' || (i % $m) AS meter_id,"
        " strftime(TIMESTAMP '2020-01-01' + to_minutes(15 * (i // $m)), '%Y-%m-%d %H:%M')"
        " AS timestamp, CAST(i % 97 AS VARCHAR) AS value FROM range($n) t(i))"
        " TO '" + str(pkg / "readings" / "big.csv") + "' (HEADER)",
        {"m": METERS, "n": READINGS},
    )
    con.close()
    return pkg


def _import_and_kill(db: Path, pkg: Path, delay_s: float) -> int:
    """Start an import in a child process, SIGKILL it ``delay_s`` after it began; returncode."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(pkg)],
                             stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(delay_s)
        child.send_signal(signal.SIGKILL)
        return child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()


def _snapshot(db: Path) -> tuple[dict[str, int], list[tuple[object, ...]]]:
    con = connect(db)
    try:
        readings = con.execute(
            "SELECT meter_id, ts_utc, value, version, batch_id FROM readings ORDER BY ALL"
        ).fetchall()
        assert verify_audit_chain(con) == []
        return counts(con), readings
    finally:
        con.close()


@pytest.mark.slow
def test_killed_import_leaves_store_unchanged(tmp_path: Path) -> None:
    pkg = _big_package(tmp_path)
    for attempt, delay_s in enumerate((1.5, 0.8, 0.4)):
        db = tmp_path / f"ws{attempt}.duckdb"
        with lingtan.open(db) as ws:
            ws.import_package(MINIMAL)
        before = _snapshot(db)
        returncode = _import_and_kill(db, pkg, delay_s)
        if returncode == -signal.SIGKILL:
            break
    # the import must really have been killed, not have finished first
    assert returncode == -signal.SIGKILL, f"import finished before the kill (rc={returncode})"
    after = _snapshot(db)
    assert after == before
    assert after[0]["readings"] == 13 and after[0]["import_batches"] == 1
    with lingtan.open(db) as ws:  # the store is usable: the old package is still in it
        assert ws.import_package(MINIMAL).status == "unchanged"
