"""Bad inputs found by an independent hostile review of the import (issue 9), one test each."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

import lingtan
from lingtan.errors import PackageError, StoreError
from lingtan.store.workspace import connect
from pkgedit import edit

from .test_importer import MINIMAL, counts, find


@pytest.mark.parametrize(("change", "file", "row", "field", "reason"), [
    (lambda p: edit(p, "meters.csv", "electricity,MWh,interval,grid_export,,60",
                    "electricity,MWh,interval,grid_export,,2147483648"),
     "meters.csv", 3, "interval_minutes", r"must be ≤ 527040, got 2147483648"),
    (lambda p: edit(p, "meters.csv", "electricity,MWh,interval,grid_export,,60",
                    "electricity,MWh,interval,grid_export,," + "9" * 5000),
     "meters.csv", 3, "interval_minutes", r"999999999999… \(5000 digits\)"),
    (lambda p: edit(p, "instruments.csv", "tCO2e,,2024,", "tCO2e,,99999999999,"),
     "instruments.csv", 3, "vintage", r"must be ≤ 9999"),
    (lambda p: edit(p, "instruments.csv", "2026-01-15,2025", "2026-01-15,99999999999"),
     "instruments.csv", 2, "claimed_year", r"must be ≤ 9999"),
    (lambda p: edit(p, "activities.csv", "diesel,10,吨", "diesel,1e300,吨"),
     "activities.csv", 2, "quantity", r"beyond ±2\^53"),
])
def test_out_of_range_numbers_are_refused_not_a_traceback(
    tmp_path: Path, change, file: str, row: int, field: str, reason: str,  # type: ignore[no-untyped-def]
) -> None:
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    change(pkg)
    with lingtan.open(tmp_path / "w.duckdb") as ws:
        with pytest.raises(PackageError) as err:
            ws.import_package(pkg)
        assert set(counts(ws.con).values()) == {0}
    assert re.search(reason, find(err.value.problems, file, row, field).reason)


def test_a_parquet_list_value_column_is_refused(tmp_path: Path) -> None:
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    con = duckdb.connect()
    con.execute("COPY (SELECT 'PV' AS meter_id, '2025-01-01 12:00' AS timestamp,"
                f" [1.0] AS value) TO '{pkg / 'readings' / 'list.parquet'}'")
    con.close()
    with lingtan.open(tmp_path / "w.duckdb") as ws, pytest.raises(PackageError) as err:
        ws.import_package(pkg)
    problem = find(err.value.problems, "readings/list.parquet", 1, "value")
    assert "DECIMAL(2,1)[]" in problem.reason


def test_changing_a_stored_counters_rollover_is_refused(tmp_path: Path) -> None:
    """The stored 99000 → 7000 step was a wrap of 100,000 (8,000 m3); with a rollover of
    1,000,000 it would read as 908,000 m3 (found by the review: 900,000 m3 invented)."""
    db = tmp_path / "w.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(MINIMAL)
        before = counts(ws.con)
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    edit(pkg, "meters.csv", ",fuel,,,,100000", ",fuel,,,,1000000")
    with lingtan.open(db) as ws:
        with pytest.raises(PackageError) as err:
            ws.import_package(pkg)
        assert counts(ws.con) == before
    problem = find(err.value.problems, "meters.csv", 5, "rollover")
    assert "stored rollover 100000" in problem.reason and "rollover 1000000" in problem.reason


def test_a_corrupt_workspace_is_named_at_once_not_taken_for_a_lock(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(MINIMAL)
    with db.open("r+b") as fh:  # DuckDB: "Corrupt database file … in block at …"
        fh.seek(20_000)
        fh.write(b"\xff" * 5_000)
    with pytest.raises(StoreError) as err:
        connect(db, lock_wait_s=30)
    assert "in use by another" not in str(err.value)


def test_verify_sees_a_value_moved_between_hours_of_one_meter_month(tmp_path: Path) -> None:
    """Found by the review: sums per meter-month kept 10, 20, 0 → 0, 30, 0 invisible."""
    from lingtan.store.integrity import verify

    db = tmp_path / "w.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(MINIMAL)
        assert verify(ws.con).ok
        rows = ws.con.execute("SELECT ts_utc, value, raw_value FROM readings WHERE meter_id ="
                              " 'GRID-EXP' ORDER BY ts_utc").fetchall()
        (t1, v1, r1), (t2, v2, r2) = rows[0], rows[1]
        ws.con.execute("UPDATE readings SET value = ?, raw_value = ? WHERE meter_id ="
                       " 'GRID-EXP' AND ts_utc = ?", [v1 + v2, r1 + r2, t2])
        ws.con.execute("UPDATE readings SET value = 0, raw_value = 0 WHERE meter_id ="
                       " 'GRID-EXP' AND ts_utc = ?", [t1])
        report = verify(ws.con)
    assert not report.ok
    assert any("GRID-EXP" in p and "2024-12" in p for p in report.problems), report.problems


@pytest.mark.parametrize("twin", ["grid-exp", "GRID\u2010EXP", "GRID-EXP\u200b", "ＧＲＩＤ-EXP"])
def test_lookalike_meter_ids_are_a_warning(tmp_path: Path, twin: str) -> None:
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    with (pkg / "meters.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"{twin},twin,electricity,MWh,interval,submeter,,60,,\n")
    with lingtan.open(tmp_path / "w.duckdb") as ws:
        summary = ws.import_package(pkg)
    assert any("'GRID-EXP'" in w and repr(twin) in w and "separate meters" in w
               for w in summary.warnings), summary.warnings


def test_distinct_meter_ids_give_no_lookalike_warning(tmp_path: Path) -> None:
    with lingtan.open(tmp_path / "w.duckdb") as ws:
        assert not [w for w in ws.import_package(MINIMAL).warnings if "separate meters" in w]


def test_mixed_line_endings_are_read_row_by_row(tmp_path: Path) -> None:
    """Found by the review: CRLF then LF lines gave DuckDB's 'state machine reached an
    invalid state' with no row; Python's csv module reads them, with true line numbers."""
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    grid = pkg / "readings" / "grid.csv"
    lines = grid.read_text(encoding="utf-8").splitlines()
    grid.write_bytes(("\r\n".join(lines[:3]) + "\n" + "\n".join(lines[3:]) + "\n").encode())
    with lingtan.open(tmp_path / "a.duckdb") as ws:
        mixed = ws.import_package(pkg).readings
    with lingtan.open(tmp_path / "b.duckdb") as ws:
        plain = ws.import_package(MINIMAL).readings
    assert mixed == plain
    grid.write_bytes(grid.read_bytes() + b"GRID-EXP,2025-01-01 09:00,x\r\n")
    with lingtan.open(tmp_path / "c.duckdb") as ws, pytest.raises(PackageError) as err:
        ws.import_package(pkg)
    assert find(err.value.problems, "readings/grid.csv", len(lines) + 1, "value")


def test_lenient_quarantines_a_ragged_row_and_keeps_the_rest(tmp_path: Path) -> None:
    """Found by the review: with --lenient one row of 4 fields under a 3-column header
    refused the whole import; now only that row is quarantined (strict still refuses)."""
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    grid = pkg / "readings" / "grid.csv"
    n_lines = len(grid.read_text(encoding="utf-8").splitlines())
    with grid.open("a", encoding="utf-8") as fh:
        fh.write("GRID-EXP,2025-01-01 05:00,1,2\nGRID-EXP,2025-01-01 06:00,3\n")
    with lingtan.open(tmp_path / "strict.duckdb") as ws, pytest.raises(PackageError) as err:
        ws.import_package(pkg)
    assert find(err.value.problems, "readings/grid.csv", n_lines + 1, None)
    with lingtan.open(tmp_path / "lenient.duckdb") as ws:
        summary = ws.import_package(pkg, lenient=True)
        assert summary.quarantined == 1
        assert ws.con.execute("SELECT file, row, reason FROM quarantine").fetchall() == [
            ("readings/grid.csv", n_lines + 1, "4 fields, header has 3")]
        assert ws.con.execute("SELECT count(*) FROM readings WHERE meter_id = 'GRID-EXP'"
                              " AND ts_utc = TIMESTAMP '2024-12-31 22:00'").fetchone() == (1,)
        with lingtan.open(tmp_path / "plain.duckdb") as plain:
            assert summary.readings["new"] == plain.import_package(MINIMAL).readings["new"] + 1
