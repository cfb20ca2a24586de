"""Counter readings against the store: a declared reset is stored with its reading, and a
later import is sequenced with the stored readings and their resets.

Packages are copies of ``examples/minimal``, where GRID-IMP is a counter in MWh reading
1000, 1100, 1250, 1400 at 00:00 … 03:00 local time (stored in kWh: the first reading
anchors, then 100 000, 150 000, 150 000). Expected values are worked out by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lingtan
from lingtan.errors import PackageError

from .test_importer import utc, values

RESET = ("meter_id,timestamp,value,flag\n"
         "GRID-IMP,2025-01-01 04:00,30,reset\n"     # the counter restarted from zero
         "GRID-IMP,2025-01-01 05:00,90,\n")


def _later(pkg: Path, *rows: str) -> Path:
    """Another package: ``pkg``'s factory.yaml and meters.csv, one readings file of ``rows``."""
    later = pkg.parent / "later"
    (later / "readings").mkdir(parents=True)
    for name in ("factory.yaml", "meters.csv"):
        shutil.copy(pkg / name, later)
    (later / "readings" / "later.csv").write_text(
        "meter_id,timestamp,value,flag\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return later


def _flags(ws: lingtan.Workspace) -> list[tuple[object, ...]]:
    return ws.con.execute("SELECT ts_utc, flag FROM readings WHERE meter_id = 'GRID-IMP'"
                          " AND flag IS NOT NULL ORDER BY ts_utc").fetchall()


def test_declared_reset_is_stored_with_its_reading(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    (minimal_pkg / "readings" / "reset.csv").write_text(RESET, encoding="utf-8")
    ws.import_package(minimal_pkg)
    assert _flags(ws) == [(utc("2025-01-01 04:00"), "reset")]
    # restart from 0 → 30: 30 MWh; 30 → 90: 60 MWh
    assert [v for _, v in values(ws.con, "GRID-IMP")][-2:] == [30_000.0, 60_000.0]


def test_later_package_around_a_stored_reset(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    (minimal_pkg / "readings" / "reset.csv").write_text(RESET, encoding="utf-8")
    ws.import_package(minimal_pkg)
    summary = ws.import_package(_later(minimal_pkg,
                                       "GRID-IMP,2025-01-01 03:30,1480,",   # before the reset
                                       "GRID-IMP,2025-01-01 06:00,150,"))   # after 05:00 (90)
    assert summary.readings["new"] == 2
    # 03:30: 1480 − 1400 = 80 MWh. 04:00 keeps 30 MWh: after a restart the interval is the
    # new reading, whatever came before. 06:00: 150 − 90 (the stored 05:00) = 60 MWh, in
    # the segment the stored reset started — not a counter going back from 1480.
    assert values(ws.con, "GRID-IMP") == [
        (utc("2025-01-01 00:00"), None), (utc("2025-01-01 01:00"), 100_000.0),
        (utc("2025-01-01 02:00"), 150_000.0), (utc("2025-01-01 03:00"), 150_000.0),
        (utc("2025-01-01 03:30"), 80_000.0), (utc("2025-01-01 04:00"), 30_000.0),
        (utc("2025-01-01 05:00"), 60_000.0), (utc("2025-01-01 06:00"), 60_000.0)]
    assert _flags(ws) == [(utc("2025-01-01 04:00"), "reset")]


def test_backfilling_before_a_stored_reset_anchor_is_refused(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    # stored alone, the reset is the anchor (no interval yet); readings before it would
    # give it one (30 MWh), so the package must include it
    ws.import_package(_later(minimal_pkg, "GRID-IMP,2025-01-01 04:00,30,reset"))
    with pytest.raises(PackageError, match=r"readings/grid\.csv, row 5, field 'value': .*"
                                           r"GRID-IMP ending 2024-12-31 20:00 UTC"):
        ws.import_package(minimal_pkg)


def test_a_new_counter_reading_between_stored_ones_is_refused(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(minimal_pkg)
    # 01:30 would change the stored interval ending 02:00 (1250 − 1100); without this check
    # 04:00 was differenced against 01:30 (1500 − 1160 = 340 MWh) while 02:00 and 03:00 kept
    # theirs: 1000 → 1500 would have stored 800 MWh
    later = _later(minimal_pkg, "GRID-IMP,2025-01-01 01:30,1160,",
                   "GRID-IMP,2025-01-01 04:00,1500,")
    with pytest.raises(PackageError, match=r"readings/later\.csv, row 2, field 'value': .*"
                                           r"GRID-IMP ending 2024-12-31 18:00 UTC"):
        ws.import_package(later)


def test_a_later_reading_is_differenced_against_the_stored_one_before_it(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(minimal_pkg)
    # 01:00 as stored, then 04:00: the stored 02:00 and 03:00 lie between them
    ws.import_package(_later(minimal_pkg, "GRID-IMP,2025-01-01 01:00,1100,",
                             "GRID-IMP,2025-01-01 04:00,1500,"))
    grid = [v for _, v in values(ws.con, "GRID-IMP")]
    assert grid == [None, 100_000.0, 150_000.0, 150_000.0, 100_000.0]   # 1500 − 1400 MWh
    assert sum(grid[1:]) == (1500 - 1000) * 1000.0                      # energy conserved


def test_reimport_records_a_reset_the_store_lacks(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    (minimal_pkg / "readings" / "reset.csv").write_text(RESET, encoding="utf-8")
    ws.import_package(minimal_pkg)
    # as in a workspace upgraded from schema 3, which did not keep flags
    ws.con.execute("UPDATE readings SET flag = NULL")
    summary = ws.import_package(minimal_pkg)
    assert summary.status == "imported" and summary.readings["changed"] == 1
    assert _flags(ws) == [(utc("2025-01-01 04:00"), "reset")]
    old = ws.con.execute("SELECT ts_utc, value, raw_value, flag, version, superseded_by_batch"
                         " FROM reading_versions").fetchall()
    assert old == [(utc("2025-01-01 04:00"), 30_000.0, 30.0, None, 1, 2)]
