"""Two processes on one workspace: the second waits for the first, or says who holds it.

DuckDB lets one process write a database file and refuses every other process while it
does (readers too). lingtan waits ``LINGTAN_LOCK_WAIT_S`` seconds for the lock, then
refuses with :class:`~lingtan.errors.WorkspaceBusyError` naming the holder's PID; a
reader that gets in after the import sees the whole import, never a part of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import lingtan
from ingest.test_importer import MINIMAL
from ingest.test_kill import _big_package

HOLD = (
    "import sys, time, lingtan\n"
    "ws = lingtan.open(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "ws.import_package(sys.argv[2])\n"
    "print('imported', flush=True)\n"
    "time.sleep(float(sys.argv[3]))\n"
)

READ = (
    "import json, sys, lingtan\n"
    "with lingtan.open(sys.argv[1], read_only=True, create=False) as ws:\n"
    "    q = lambda sql: ws.con.execute(sql).fetchone()[0]\n"
    "    print(json.dumps({'readings': q('SELECT count(*) FROM readings'),\n"
    "                      'complete_batches': q(\"SELECT count(*) FROM import_batches\"\n"
    "                                            \" WHERE state = 'complete'\")}))\n"
)


def _lingtan(args: list[str], wait_s: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LINGTAN_LOCK_WAIT_S": str(wait_s)}
    return subprocess.run([sys.executable, "-m", "lingtan.cli", *args], env=env,
                          capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture
def holder(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A process importing a 400,000-reading package into a workspace, then holding it."""
    db = tmp_path / "ws.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(MINIMAL)
    pkg = _big_package(tmp_path, 400_000)

    def start(hold_s: float) -> subprocess.Popen[str]:
        child = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(pkg), str(hold_s)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "holding"
        return child

    yield db, pkg, start


@pytest.mark.slow
def test_second_import_is_refused_clearly(holder) -> None:  # type: ignore[no-untyped-def]
    db, _pkg, start = holder
    child = start(hold_s=30)
    try:
        second = _lingtan(["import", str(MINIMAL), "--db", str(db)], wait_s=0.5)
    finally:
        child.kill()
        child.wait()
        assert child.stdout is not None
        child.stdout.close()
    assert second.returncode == 1
    assert "Traceback" not in second.stderr
    assert f"in use by another lingtan process (PID {child.pid})" in second.stderr


@pytest.mark.slow
def test_reader_waits_and_sees_the_whole_import(holder) -> None:  # type: ignore[no-untyped-def]
    db, _pkg, start = holder
    child = start(hold_s=0)
    t0 = time.monotonic()
    reader = subprocess.run(
        [sys.executable, "-c", READ, str(db)], capture_output=True, text=True, timeout=180,
        env={**os.environ, "LINGTAN_LOCK_WAIT_S": "120"}, check=False)
    waited_s = time.monotonic() - t0
    child.wait(timeout=120)
    assert child.stdout is not None
    child.stdout.close()
    assert reader.returncode == 0, reader.stderr
    assert json.loads(reader.stdout) == {"readings": 400_013, "complete_batches": 2}
    assert waited_s > 0.5  # it really had to wait for the import


@pytest.mark.parametrize("text", ["abc", "-1", "nan", "inf"])
def test_a_bad_lock_wait_is_a_clear_error(tmp_path: Path, text: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from lingtan.errors import StoreError

    monkeypatch.setenv("LINGTAN_LOCK_WAIT_S", text)
    with pytest.raises(StoreError, match="LINGTAN_LOCK_WAIT_S"):
        lingtan.open(tmp_path / "ws.duckdb")
