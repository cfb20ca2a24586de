"""A full disk during an import is a clear error, and nothing of the import is stored.

Real where the machine allows it: the workspace lives on a small tmpfs (needs root and
``mount``; skipped otherwise) and the import fills it. Always: the same failure injected
at the readings insert.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

import lingtan
from lingtan.errors import StoreError

from .test_importer import MINIMAL, counts
from .test_kill import _big_package


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(mnt)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.slow
def test_a_full_disk_is_named_and_nothing_is_imported(tmp_path: Path, small_disk: Path
                                                      ) -> None:
    db = small_disk / "ws.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(MINIMAL)
        before = counts(ws.con)
    pkg = _big_package(tmp_path, 2_000_000)  # several MB stored: more than the disk holds
    with lingtan.open(db) as ws, pytest.raises(StoreError, match="disk is full") as failed:
        ws.import_package(pkg)
    assert "nothing was imported" in str(failed.value)
    for f in small_disk.glob("ws.duckdb.tmp*"):  # DuckDB's spill files, if any are left
        shutil.rmtree(f, ignore_errors=True)
    with lingtan.open(db, read_only=True) as ws:
        after = counts(ws.con)
    assert {k: v for k, v in after.items() if k not in ("import_batches", "audit_log")} \
        == {k: v for k, v in before.items() if k not in ("import_batches", "audit_log")}


class _FullDisk:
    """A connection whose readings insert fails as DuckDB does on a full disk."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith("INSERT INTO readings"):
            raise duckdb.IOException(
                'IO Error: Could not write file "ws.duckdb": No space left on device')
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def test_a_full_disk_at_the_readings_insert_leaves_the_store_as_it_was(tmp_path: Path
                                                                       ) -> None:
    db = tmp_path / "ws.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(MINIMAL)
        before = counts(ws.con)
    pkg = _big_package(tmp_path, 1_000)
    with lingtan.open(db) as ws:
        real = ws.con
        ws.con = _FullDisk(real)  # type: ignore[assignment]
        with pytest.raises(StoreError, match="No space left on device — the disk is full"):
            ws.import_package(pkg)
        ws.con = real
        assert counts(ws.con) == before  # the pending batch row was dropped too
