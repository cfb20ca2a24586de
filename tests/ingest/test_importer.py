"""Importing data packages: validation, atomicity, lenient mode, versions, counters, time.

Packages are copies of ``examples/minimal`` edited by each test; expected values are
worked out by hand from the edited rows. Asia/Shanghai is UTC+8 (no DST), so the
local timestamp ``2025-01-01 01:00`` is ``2024-12-31 17:00`` UTC.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lingtan
from lingtan.errors import PackageError, Problem
from lingtan.ingest.importer import import_package
from lingtan.store.workspace import connect, verify_audit_chain
from pkgedit import append, edit

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"
STORE_TABLES = ("import_batches", "import_files", "sites", "meters", "readings",
                "reading_versions", "activities", "production", "instruments", "factors",
                "equipment", "quarantine", "audit_log")


def utc(local: str) -> dt.datetime:
    """Naive UTC of a naive Asia/Shanghai time (UTC+8, no DST)."""
    return dt.datetime.fromisoformat(local) - dt.timedelta(hours=8)


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    out = {}
    for table in STORE_TABLES:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        out[table] = int(row[0]) if row else -1
    return out


def reading(
    con: duckdb.DuckDBPyConnection, meter: str, local: str
) -> tuple[float | None, float, int]:
    row = con.execute(
        "SELECT value, raw_value, version FROM readings WHERE meter_id = ? AND ts_utc = ?",
        [meter, utc(local)],
    ).fetchone()
    assert row is not None, f"no reading {meter} {local}"
    return row


def values(con: duckdb.DuckDBPyConnection, meter: str) -> list[tuple[dt.datetime, float | None]]:
    return con.execute(
        "SELECT ts_utc, value FROM readings WHERE meter_id = ? ORDER BY ts_utc", [meter]
    ).fetchall()


def find(problems: list[Problem], file: str, row: int | None, field: str | None) -> Problem:
    for p in problems:
        if (p.file, p.row, p.field) == (file, row, field):
            return p
    raise AssertionError(f"no problem at {file} row {row} field {field}: {problems}")


# -- the example package --------------------------------------------------------------

def test_minimal_package_imports(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    summary = ws.import_package(minimal_pkg)
    assert summary.status == "imported"
    assert summary.batch_id == 1
    assert summary.site_id == "minimal"
    assert summary.tables["meters"] == {"new": 4, "changed": 0, "unchanged": 0}
    assert summary.tables["activities"]["new"] == 4
    assert summary.tables["instruments"]["new"] == 2
    assert summary.readings["rows_in"] == 13
    assert summary.readings["new"] == 13
    assert summary.gaps == []
    c = counts(ws.con)
    assert (c["readings"], c["import_batches"], c["audit_log"], c["quarantine"]) == (13, 1, 1, 0)
    assert c["import_files"] == 6  # 4 small tables + 2 readings files
    assert verify_audit_chain(ws.con) == []


def test_counter_and_interval_values_by_hand(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    ws.import_package(minimal_pkg)
    con = ws.con
    # GRID-IMP counter in MWh: 1000 (anchor) → 1100 → 1250 → 1400
    assert values(con, "GRID-IMP") == [
        (utc("2025-01-01 00:00"), None), (utc("2025-01-01 01:00"), 100_000.0),
        (utc("2025-01-01 02:00"), 150_000.0), (utc("2025-01-01 03:00"), 150_000.0)]
    # GRID-EXP interval MWh → kWh
    assert [v for _, v in values(con, "GRID-EXP")] == [10_000.0, 20_000.0, 0.0]
    # GAS counter in m3 rolling over at 100 000: 95 000 → 99 000 → 7 000
    assert [v for _, v in values(con, "GAS")] == [None, 4000.0, 8000.0]
    assert reading(con, "GAS", "2025-01-02 00:00") == (8000.0, 7000.0, 1)


# -- strict mode: every bad input names file, row, field and reason; nothing lands -----

BAD_INPUTS = {
    "unknown meter id": (
        lambda p: append(p, "readings/grid.csv", "NOPE,2025-01-01 04:00,5"),
        "readings/grid.csv", 9, "meter_id", r"unknown meter id 'NOPE'"),
    "unknown unit": (
        lambda p: edit(p, "meters.csv", "electricity,MWh,interval,generation",
                       "electricity,MWhh,interval,generation"),
        "meters.csv", 4, "unit", r"unknown unit 'MWhh'"),
    "unit of the wrong dimension": (
        lambda p: edit(p, "meters.csv", "natural_gas,m3", "natural_gas,kWh"),
        "meters.csv", 5, "unit", r"'kWh' is a unit of energy, expected volume"),
    "electricity role on a gas meter": (
        lambda p: edit(p, "meters.csv", "natural_gas,m3,cumulative,fuel",
                       "natural_gas,m3,cumulative,grid_import"),
        "meters.csv", 5, "role", r"'grid_import' is for electricity meters, not 'natural_gas'"),
    "steam in tonnes as heat import": (
        lambda p: append(p, "meters.csv", "STEAM,蒸汽表,steam,t,interval,heat_import,,60,,"),
        "meters.csv", 6, "unit", r"heat_import' needs carrier heat or steam in an energy unit"),
    "GEC retired after it expired": (
        lambda p: edit(p, "instruments.csv", "GEC-2025-A,gec,100,MWh,2025-03",
                       "GEC-2025-A,gec,100,MWh,2023-06"),
        "instruments.csv", 2, "retired_on", r"generated in 2023-06 expired after 2025-12-31"),
    "serials retired twice": (
        lambda p: append(p, "instruments.csv", "GEC-2025-B,gec,100,MWh,2025-03,,solar,CN-QH,"
                         "true,T0001,T0100,,,2026-01-16,2025"),
        "instruments.csv", 4, "serial_start", r"overlaps lot GEC-2025-A .* at serial T0001"),
    "overlapping production periods": (
        lambda p: append(p, "production.csv", "2025-06-01,2025-06-30,power_cable,100,km"),
        "production.csv", 3, "period_start", r"power_cable 2025-06-01…2025-06-30 overlaps row 2"),
    "negative interval value": (
        lambda p: edit(p, "readings/pv_gas.csv", "PV,2025-01-01 02:00,60",
                       "PV,2025-01-01 02:00,-60"),
        "readings/pv_gas.csv", 3, "value", r"negative interval value -60"),
    "counter goes backwards": (
        lambda p: edit(p, "readings/grid.csv", "GRID-IMP,2025-01-01 02:00,1250",
                       "GRID-IMP,2025-01-01 02:00,1050"),
        "readings/grid.csv", 4, "value", r"counter goes backwards from 1100.* to 1050"),
    "counter reading beyond its rollover": (
        lambda p: edit(p, "readings/pv_gas.csv", "GAS,2025-01-01 12:00,99000",
                       "GAS,2025-01-01 12:00,150000"),
        "readings/pv_gas.csv", 6, "value",
        r"counter reading 150000 is outside 0 … rollover 100000"),
    "unparseable timestamp": (
        lambda p: edit(p, "readings/grid.csv", "GRID-EXP,2025-01-01 02:00,20",
                       "GRID-EXP,yesterday 2pm,20"),
        "readings/grid.csv", 7, "timestamp", r"unparseable .*'yesterday 2pm'"),
    "impossible timestamp": (
        lambda p: edit(p, "readings/grid.csv", "GRID-EXP,2025-01-01 02:00,20",
                       "GRID-EXP,2025-02-30 02:00,20"),
        "readings/grid.csv", 7, "timestamp", r"impossible timestamp '2025-02-30 02:00'"),
    "value not a number": (
        lambda p: edit(p, "readings/pv_gas.csv", "PV,2025-01-01 03:00,70",
                       "PV,2025-01-01 03:00,seventy"),
        "readings/pv_gas.csv", 4, "value", r"not a number: 'seventy'"),
    "duplicate with a different value": (
        lambda p: append(p, "readings/pv_gas.csv", "PV,2025-01-01 03:00,71"),
        "readings/pv_gas.csv", 9, "value", r"duplicate reading for PV .* different value"),
    "unknown flag": (
        lambda p: (p / "readings" / "flags.csv").write_text(
            "meter_id,timestamp,value,flag\nGAS,2025-01-02 12:00,8000,\n"
            "GAS,2025-01-03 00:00,100,restart\n", encoding="utf-8"),
        "readings/flags.csv", 3, "flag", r"unknown flag 'restart'"),
    "ragged row": (
        lambda p: append(p, "readings/grid.csv", "GRID-EXP,2025-01-01 04:00,1,reset"),
        "readings/grid.csv", 9, None, r"4 fields, header has 3"),
    "missing required column in readings": (
        lambda p: (p / "readings" / "more.csv").write_text(
            "meter_id,timestamp\nPV,2025-01-01 05:00\n", encoding="utf-8"),
        "readings/more.csv", 1, "value", r"required column is missing"),
    "missing required column in activities": (
        lambda p: (p / "activities.csv").write_text(
            "period_start,period_end,category,source,unit\n"
            "2025-01-01,2025-12-31,mobile_combustion,diesel,t\n", encoding="utf-8"),
        "activities.csv", 1, "quantity", r"required column is missing"),
    "unknown column": (
        lambda p: (p / "production.csv").write_text(
            "period_start,period_end,product,quantity,unit,colour\n"
            "2025-01-01,2025-12-31,cable,1,km,red\n", encoding="utf-8"),
        "production.csv", 1, "colour", r"unknown column"),
    "empty readings file": (
        lambda p: (p / "readings" / "empty.csv").write_bytes(b""),
        "readings/empty.csv", None, None, r"empty"),
    "empty meters file": (
        lambda p: (p / "meters.csv").write_bytes(b""),
        "meters.csv", None, None, r"empty"),
    "activity unit of the wrong dimension": (
        lambda p: edit(p, "activities.csv", "diesel,10,吨", "diesel,10,kWh"),
        "activities.csv", 2, "unit", r"'kWh' is a unit of energy, expected mass"),
    "unknown gas": (
        lambda p: edit(p, "activities.csv", "fugitive,SF6,2,kg", "fugitive,R-999,2,kg"),
        "activities.csv", 3, "source", r"no GWP for gas 'R-999'"),
    "unknown carrier": (
        lambda p: edit(p, "meters.csv", "natural_gas,m3", "unobtainium,m3"),
        "meters.csv", 5, "carrier", r"unknown carrier 'unobtainium'"),
    "duplicate meter id": (
        lambda p: append(p, "meters.csv", "PV,again,electricity,kWh,interval,generation,,,,"),
        "meters.csv", 6, "meter_id", r"duplicate meter id \(first on row 4\)"),
    "negative activity quantity": (
        lambda p: edit(p, "activities.csv", "diesel,10,吨", "diesel,-10,吨"),
        "activities.csv", 2, "quantity", r"must be ≥ 0"),
    "impossible activity date": (
        lambda p: edit(p, "activities.csv", "2025-06-01,2025-06-30", "2025-06-01,2025-06-31"),
        "activities.csv", 3, "period_end", r"impossible date"),
    "start marks without an interval": (
        lambda p: edit(p, "meters.csv", "generation,,60,,", "generation,,,start,"),
        "meters.csv", 4, "timestamp_marks", r"interval_minutes"),
    "bad factory.yaml key": (
        lambda p: append(p, "factory.yaml", "colour: red"),
        "factory.yaml", 19, "colour", r"[Ee]xtra inputs"),         # the key's line
    "bad factory.yaml value": (
        lambda p: edit(p, "factory.yaml", "gwp: AR5", "gwp: AR9"),
        "factory.yaml", 13, "accounting.gwp", r"AR4.*AR5.*AR6"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_strict_import_rejects_and_lands_nothing(
    ws: lingtan.Workspace, minimal_pkg: Path, tmp_path: Path, case: str
) -> None:
    ws.import_package(MINIMAL)
    before = counts(ws.con)
    # the bad package also holds a valid new reading and a changed one, which must not land
    append(minimal_pkg, "readings/pv_gas.csv", "PV,2025-01-01 04:00,80")
    edit(minimal_pkg, "readings/grid.csv", "GRID-EXP,2025-01-01 01:00,10",
         "GRID-EXP,2025-01-01 01:00,11")
    change, file, row, field, reason = BAD_INPUTS[case]
    change(minimal_pkg)
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    problem = find(err.value.problems, file, row, field)
    assert re.search(reason, problem.reason), problem
    assert str(problem) in str(err.value)
    assert file in str(err.value)
    assert counts(ws.con) == before
    assert reading(ws.con, "GRID-EXP", "2025-01-01 01:00")[1] == 10.0
    assert ws.con.execute("SELECT count(*) FROM readings WHERE meter_id = 'PV'").fetchone() == (3,)


def test_strict_import_into_empty_store_lands_nothing(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    append(minimal_pkg, "readings/grid.csv", "NOPE,2025-01-01 04:00,5")
    with pytest.raises(PackageError):
        ws.import_package(minimal_pkg)
    assert set(counts(ws.con).values()) == {0}


def test_missing_factory_yaml(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    (minimal_pkg / "factory.yaml").unlink()
    with pytest.raises(PackageError, match=r"factory\.yaml missing"):
        ws.import_package(minimal_pkg)
    assert set(counts(ws.con).values()) == {0}


def test_every_problem_is_listed(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    append(minimal_pkg, "readings/grid.csv", "NOPE,2025-01-01 04:00,5",
           "GRID-EXP,2025-13-01 00:00,1")
    edit(minimal_pkg, "readings/pv_gas.csv", "PV,2025-01-01 02:00,60", "PV,2025-01-01 02:00,-60")
    edit(minimal_pkg, "activities.csv", "diesel,10,吨", "diesel,10,kWh")
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    where = {(p.file, p.row, p.field) for p in err.value.problems}
    assert where == {("activities.csv", 2, "unit"), ("readings/grid.csv", 9, "meter_id"),
                     ("readings/grid.csv", 10, "timestamp"), ("readings/pv_gas.csv", 3, "value")}


def test_duplicate_with_equal_value_is_merged(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    append(minimal_pkg, "readings/pv_gas.csv", "PV,2025-01-01 03:00,70")
    (minimal_pkg / "readings" / "again.csv").write_text(
        "meter_id,timestamp,value\nPV,2025-01-01 02:00,60.0\n", encoding="utf-8")
    summary = ws.import_package(minimal_pkg)
    assert summary.readings["rows_in"] == 15
    assert summary.readings["duplicates_merged"] == 2
    assert summary.readings["new"] == 13
    assert [v for _, v in values(ws.con, "PV")] == [50_000.0, 60_000.0, 70_000.0]


# -- lenient mode -----------------------------------------------------------------------

def _lenient_package(pkg: Path) -> None:
    append(pkg, "readings/grid.csv", "NOPE,2025-01-01 04:00,5")                       # row 9
    edit(pkg, "readings/pv_gas.csv", "PV,2025-01-01 02:00,60", "PV,2025-01-01 02:00,-60")  # row 3
    edit(pkg, "readings/grid.csv", "GRID-IMP,2025-01-01 02:00,1250",
         "GRID-IMP,2025-01-01 02:00,1050")                                                 # row 4
    append(pkg, "activities.csv",
           ",2025-01-01,2025-12-31,mobile_combustion,diesel,3,kWh,x")  # row 6


def test_lenient_lands_valid_rows_and_quarantines_the_rest(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    _lenient_package(minimal_pkg)
    summary = ws.import_package(minimal_pkg, lenient=True)
    assert summary.status == "imported"
    assert summary.mode == "lenient"
    assert summary.quarantined == 4
    assert summary.problems == [
        "activities.csv, row 6, field 'unit': unit 'kWh' is a unit of energy, expected mass",
        "readings/grid.csv, row 4, field 'value': counter goes backwards from 1100.0 to 1050.0"
        " without a declared reset (flag=reset) or rollover",
        "readings/grid.csv, row 9, field 'meter_id': unknown meter id 'NOPE' (not in meters.csv)",
        "readings/pv_gas.csv, row 3, field 'value': negative interval value -60"]
    rows = ws.con.execute(
        "SELECT file, row, field, reason, raw_json FROM quarantine ORDER BY file, row").fetchall()
    assert [(f, r, fld) for f, r, fld, _, _ in rows] == [
        ("activities.csv", 6, "unit"), ("readings/grid.csv", 4, "value"),
        ("readings/grid.csv", 9, "meter_id"), ("readings/pv_gas.csv", 3, "value")]
    assert "counter goes backwards" in rows[1][3]
    assert "NOPE" in rows[2][4] and "2025-01-01 04:00" in rows[2][4]
    assert "negative" in rows[3][3]
    # valid rows landed: 13 rows - PV(-60) - GRID-IMP(1050); NOPE never was a reading
    assert counts(ws.con)["readings"] == 11
    assert counts(ws.con)["activities"] == 4
    # the counter skips the rejected 1050: 1100 → 1400 is 300 MWh at 03:00
    assert [v for _, v in values(ws.con, "GRID-IMP")] == [None, 100_000.0, 300_000.0]


def test_lenient_still_refuses_a_broken_file(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    (minimal_pkg / "readings" / "more.csv").write_text("meter_id,value\nPV,1\n", encoding="utf-8")
    with pytest.raises(PackageError, match=r"readings/more\.csv, row 1, field 'timestamp'"):
        ws.import_package(minimal_pkg, lenient=True)
    assert set(counts(ws.con).values()) == {0}


def test_refrigerant_blend_is_a_known_gas(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    edit(minimal_pkg, "activities.csv", "fugitive,HFC-134a,5,千克", "fugitive,R-410A,5,千克")
    assert ws.import_package(minimal_pkg).tables["activities"]["new"] == 4


def test_lenient_counts_rows_not_problems(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    (minimal_pkg / "readings" / "more.csv").write_text(
        "meter_id,timestamp,value,flag\n"
        "PV,2025-01-01 04:00,-5,oops\n"       # one row, two problems (value and flag)
        "PV,2025-01-01 05:00,5,\n"
        "PV,2025-01-01 05:00,5,\n", encoding="utf-8")
    summary = ws.import_package(minimal_pkg, lenient=True)
    assert summary.readings == {"rows_in": 16, "new": 14, "changed": 0, "unchanged": 0,
                                "duplicates_merged": 1, "invalid": 1}
    assert summary.quarantined == 2
    fields = ws.con.execute("SELECT field FROM quarantine ORDER BY field").fetchall()
    assert fields == [("flag",), ("value",)]


def test_lenient_rerun_does_not_duplicate_quarantine(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    _lenient_package(minimal_pkg)
    ws.import_package(minimal_pkg, lenient=True)
    before = counts(ws.con)
    again = ws.import_package(minimal_pkg, lenient=True)
    assert again.status == "unchanged"
    assert again.quarantined == 0
    assert counts(ws.con) == before


# -- instruments: checked against the whole stored ledger ---------------------------------

INSTRUMENTS_HEADER = ("instrument_id,kind,quantity,unit,generation_month,vintage,technology,"
                      "province,tradable,serial_start,serial_end,registry,project_id,"
                      "retired_on,claimed_year")
# serials T0050…T0149: T0050…T0100 are GEC-2025-A's, already retired for 2025 in MINIMAL
RECLAIM = "GEC-2025-X,gec,100,MWh,2025-04,,solar,CN-QH,true,T0050,T0149,,,2026-02-01,2025"


def _instruments(pkg: Path, *rows: str) -> None:
    (pkg / "instruments.csv").write_text("\n".join((INSTRUMENTS_HEADER, *rows)) + "\n",
                                         encoding="utf-8")


def test_second_import_reclaiming_stored_serials_is_refused(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(MINIMAL)
    before = counts(ws.con)
    _instruments(minimal_pkg, RECLAIM)  # the second package does not list GEC-2025-A
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("instruments.csv", 2, "serial_start")
    assert "overlaps lot GEC-2025-A (T0001…T0100) at serial T0050" in problem.reason
    assert "lot 'GEC-2025-A' is already in the ledger (stored, batch 1)" in problem.reason
    assert counts(ws.con) == before
    assert ws.inventory(2025).instruments_claimed["gec"] == 100.0  # still readable
    assert ws.instruments(2025).by_kind["gec"].claimed_for_year == 100.0


def test_lenient_quarantines_the_reclaiming_lot_only(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(MINIMAL)
    _instruments(minimal_pkg, RECLAIM,
                 "GEC-2025-Y,gec,20,MWh,2025-05,,wind,CN-GS,true,T0201,T0220,,,,")
    summary = ws.import_package(minimal_pkg, lenient=True)
    assert summary.quarantined == 1 and summary.tables["instruments"]["new"] == 1
    rows = ws.con.execute("SELECT file, row, field FROM quarantine").fetchall()
    assert rows == [("instruments.csv", 2, "serial_start")]
    lots = {lot.lot_id for lot in ws.instruments(2025).lots}
    assert lots == {"GEC-2025-A", "GEC-2025-Y", "CCER-2025-1"}
    assert ws.inventory(2025).instruments_claimed["gec"] == 100.0


NINE_LOTS = [f"GEC-{i},gec,10,MWh,2025-0{i},,solar,CN-JS,true,S{i}01,S{i}10,,,2026-01-20,2025"
             for i in range(1, 9)]
EXPIRED_LOT = "GEC-OLD,gec,10,MWh,2023-06,,solar,CN-JS,true,S901,S910,,,2026-01-20,2025"


def test_one_bad_lot_of_nine_is_the_only_one_named(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    _instruments(minimal_pkg, *NINE_LOTS[:4], EXPIRED_LOT, *NINE_LOTS[4:])
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("instruments.csv", 6, "retired_on")
    assert "GEC generated in 2023-06 expired after 2025-12-31" in problem.reason
    summary = ws.import_package(minimal_pkg, lenient=True)
    assert summary.quarantined == 1 and summary.tables["instruments"]["new"] == 8
    assert ws.instruments(2025).by_kind["gec"].claimed_for_year == 80.0


def test_rejected_change_keeps_the_stored_lot_and_names_what_it_then_breaks(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(MINIMAL)
    # row 2 moves GEC-2025-A to T0201…T0300 but is retired after it expired; without it the
    # stored GEC-2025-A keeps T0001…T0100, which row 3's new lot claims again
    _instruments(minimal_pkg,
                 "GEC-2025-A,gec,100,MWh,2023-06,,solar,CN-QH,true,T0201,T0300,,,2026-01-15,2025",
                 "GEC-2025-B,gec,100,MWh,2025-04,,solar,CN-QH,true,T0001,T0100,,,,")
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    assert [(p.row, p.field) for p in err.value.problems] == [
        (2, "retired_on"), (3, "serial_start")]
    summary = ws.import_package(minimal_pkg, lenient=True)
    assert summary.quarantined == 2
    stored = ws.con.execute("SELECT instrument_id, version, serial_start FROM instruments"
                            " WHERE is_current ORDER BY instrument_id").fetchall()
    assert stored == [("CCER-2025-1", 1, None), ("GEC-2025-A", 1, "T0001")]


def test_a_breach_already_in_the_store_is_named_without_a_row(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(MINIMAL)
    # a store written before this check: a second lot on GEC-2025-A's serials
    ws.con.execute("INSERT INTO instruments SELECT * REPLACE ('GEC-OLD' AS instrument_id, 2 AS"
                   " batch_id) FROM instruments WHERE instrument_id = 'GEC-2025-A'")
    append(minimal_pkg, "instruments.csv",
           "GEC-2025-Y,gec,20,MWh,2025-05,,wind,CN-GS,true,T0201,T0220,,,,")
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("instruments.csv", None, "serial_start")
    assert problem.reason.startswith("stored lot 'GEC-OLD' (stored, batch 2): lot GEC-OLD")
    assert problem.reason.endswith("import a corrected row for it")


# -- idempotency and versions -------------------------------------------------------------

def test_second_import_is_unchanged(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    ws.import_package(minimal_pkg)
    before = counts(ws.con)
    again = ws.import_package(minimal_pkg)
    assert again.status == "unchanged"
    assert again.batch_id is None
    assert again.readings["new"] == 0 and again.readings["unchanged"] == 13
    assert counts(ws.con) == before
    assert (before["import_batches"], before["audit_log"]) == (1, 1)


def test_changed_reading_is_a_new_version(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    ws.import_package(minimal_pkg)
    edit(minimal_pkg, "readings/pv_gas.csv", "PV,2025-01-01 02:00,60", "PV,2025-01-01 02:00,65")
    summary = ws.import_package(minimal_pkg)
    assert summary.status == "imported" and summary.batch_id == 2
    assert summary.readings["changed"] == 1
    assert summary.readings["unchanged"] == 12
    assert reading(ws.con, "PV", "2025-01-01 02:00") == (65_000.0, 65.0, 2)
    old = ws.con.execute(
        "SELECT meter_id, ts_utc, value, raw_value, version, batch_id, superseded_by_batch"
        " FROM reading_versions").fetchall()
    assert old == [("PV", utc("2025-01-01 02:00"), 60_000.0, 60.0, 1, 1, 2)]
    c = counts(ws.con)
    assert (c["readings"], c["import_batches"], c["audit_log"]) == (13, 2, 2)
    assert verify_audit_chain(ws.con) == []


def test_changed_counter_reading_changes_two_intervals(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(minimal_pkg)
    edit(minimal_pkg, "readings/grid.csv", "GRID-IMP,2025-01-01 02:00,1250",
         "GRID-IMP,2025-01-01 02:00,1200")
    summary = ws.import_package(minimal_pkg)
    assert summary.readings["changed"] == 2
    assert [v for _, v in values(ws.con, "GRID-IMP")] == [None, 100_000.0, 100_000.0, 200_000.0]
    assert reading(ws.con, "GRID-IMP", "2025-01-01 03:00") == (200_000.0, 1400.0, 2)
    assert counts(ws.con)["reading_versions"] == 2


def test_changed_meter_row_is_a_new_version(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    ws.import_package(minimal_pkg)
    edit(minimal_pkg, "meters.csv", "屋顶光伏 rooftop PV", "屋顶光伏 south roof")
    summary = ws.import_package(minimal_pkg)
    assert summary.tables["meters"] == {"new": 0, "changed": 1, "unchanged": 3}
    rows = ws.con.execute(
        "SELECT version, is_current, name FROM meters WHERE meter_id = 'PV' ORDER BY version"
    ).fetchall()
    assert rows == [(1, False, "屋顶光伏 rooftop PV"), (2, True, "屋顶光伏 south roof")]


def test_later_package_continues_a_counter(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    ws.import_package(minimal_pkg)
    later = minimal_pkg.parent / "later"
    later.mkdir()
    shutil.copy(minimal_pkg / "factory.yaml", later)
    (later / "readings").mkdir()
    (later / "readings" / "feb.csv").write_text(
        "meter_id,timestamp,value\nGRID-IMP,2025-01-01 04:00,1500\nGAS,2025-01-03 00:00,9000\n",
        encoding="utf-8")
    summary = ws.import_package(later)
    assert summary.readings["new"] == 2
    assert reading(ws.con, "GRID-IMP", "2025-01-01 04:00")[0] == 100_000.0   # 1500 − 1400 MWh
    assert reading(ws.con, "GAS", "2025-01-03 00:00")[0] == 2000.0           # 9000 − 7000 m3


def _later_readings(pkg: Path) -> Path:
    later = pkg.parent / "later"
    later.mkdir()
    shutil.copy(pkg / "factory.yaml", later)
    shutil.copy(pkg / "meters.csv", later)
    (later / "readings").mkdir()
    (later / "readings" / "jan.csv").write_text(
        "meter_id,timestamp,value\nGRID-IMP,2025-01-01 04:00,1500\n", encoding="utf-8")
    return later


def test_changing_a_counter_before_stored_readings_is_refused(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(minimal_pkg)
    ws.import_package(_later_readings(minimal_pkg))
    before = counts(ws.con)
    edit(minimal_pkg, "readings/grid.csv", "GRID-IMP,2025-01-01 03:00,1400",
         "GRID-IMP,2025-01-01 03:00,1450")
    # 04:00 was stored as 1500 − 1400 = 100 MWh; changing 03:00 alone would leave it stale
    with pytest.raises(PackageError, match=r"readings/grid\.csv, row 5, field 'value': .*"
                                           r"GRID-IMP ending 2024-12-31 20:00 UTC"):
        ws.import_package(minimal_pkg)
    assert counts(ws.con) == before
    # with the later reading in the package the stored interval is recomputed
    append(minimal_pkg, "readings/grid.csv", "GRID-IMP,2025-01-01 04:00,1500")
    summary = ws.import_package(minimal_pkg)
    assert summary.readings["changed"] == 2
    grid = [v for _, v in values(ws.con, "GRID-IMP")]
    assert grid == [None, 100_000.0, 150_000.0, 200_000.0, 50_000.0]
    assert sum(grid[1:]) == (1500 - 1000) * 1000.0   # energy conserved


def test_backfilling_before_stored_counter_readings_is_refused(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(_later_readings(minimal_pkg))   # 04:00 only: stored as an anchor
    with pytest.raises(PackageError, match=r"readings/grid\.csv, row 5, field 'value'"):
        ws.import_package(minimal_pkg)


# -- counters ---------------------------------------------------------------------------------

def test_counter_reset_flag(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    (minimal_pkg / "readings" / "grid.csv").write_text(
        "meter_id,timestamp,value,flag\n"
        "GRID-IMP,2025-01-01 00:00,1000,\n"
        "GRID-IMP,2025-01-01 01:00,1100,\n"
        "GRID-IMP,2025-01-01 02:00,50,reset\n"
        "GRID-IMP,2025-01-01 03:00,150,\n", encoding="utf-8")
    ws.import_package(minimal_pkg)
    # 1000 → 1100: 100 MWh; restart from 0 → 50: 50 MWh; 50 → 150: 100 MWh
    assert [v for _, v in values(ws.con, "GRID-IMP")] == [None, 100_000.0, 50_000.0, 100_000.0]


def test_counter_rollover(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    append(minimal_pkg, "readings/pv_gas.csv",
           "GAS,2025-01-03 00:00,99500", "GAS,2025-01-04 00:00,500")
    ws.import_package(minimal_pkg)
    # 95000 → 99000: 4000; → 7000 (wrap at 100000): 8000; → 99500: 92500; → 500 (wrap): 1000
    assert [v for _, v in values(ws.con, "GAS")] == [None, 4000.0, 8000.0, 92_500.0, 1000.0]


def test_timestamp_marks_start_shifts_to_interval_end(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    edit(minimal_pkg, "meters.csv", "generation,,60,,", "generation,,60,start,")
    ws.import_package(minimal_pkg)
    stamps = [ts for ts, _ in values(ws.con, "PV")]
    assert stamps == [utc("2025-01-01 02:00"), utc("2025-01-01 03:00"), utc("2025-01-01 04:00")]


def test_explicit_offset_and_naive_local_time_are_one_instant(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    append(minimal_pkg, "readings/grid.csv",
           "GRID-EXP,2025-01-01T01:00:00+08:00,10",     # same instant and value as row 5: merged
           "GRID-EXP,2025-01-01T03:00:00+09:00,5",      # = 02:00 +08:00 → 2024-12-31 18:00 UTC
           "GRID-EXP,2025-01-01T00:00:00+08:00,7")
    (minimal_pkg / "readings" / "grid.csv").write_text(
        (minimal_pkg / "readings" / "grid.csv").read_text(encoding="utf-8")
        .replace("GRID-EXP,2025-01-01 02:00,20\n", ""), encoding="utf-8")
    summary = ws.import_package(minimal_pkg)
    assert summary.readings["duplicates_merged"] == 1
    assert values(ws.con, "GRID-EXP") == [
        (dt.datetime(2024, 12, 31, 16, 0), 7000.0), (dt.datetime(2024, 12, 31, 17, 0), 10_000.0),
        (dt.datetime(2024, 12, 31, 18, 0), 5000.0), (dt.datetime(2024, 12, 31, 19, 0), 0.0)]


def test_conflicting_offsets_are_a_duplicate(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    append(minimal_pkg, "readings/grid.csv", "GRID-EXP,2024-12-31T17:00:00Z,12")
    with pytest.raises(PackageError, match=r"row 9, field 'value': duplicate reading for GRID-EXP"):
        ws.import_package(minimal_pkg)


def test_excel_style_timestamps(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    edit(minimal_pkg, "readings/pv_gas.csv", "PV,2025-01-01 01:00,50", "PV,2025/1/1 1:00,50")
    ws.import_package(minimal_pkg)
    assert reading(ws.con, "PV", "2025-01-01 01:00")[0] == 50_000.0


def test_site_time_zone_is_used(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    edit(minimal_pkg, "factory.yaml", "timezone: Asia/Shanghai", "timezone: Asia/Urumqi")  # UTC+6
    ws.import_package(minimal_pkg)
    assert values(ws.con, "PV")[0][0] == dt.datetime(2024, 12, 31, 19, 0)


def test_gaps_are_reported_not_filled(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    append(minimal_pkg, "readings/pv_gas.csv", "PV,2025-01-01 06:00,10", "PV,2025-01-01 07:00,5")
    summary = ws.import_package(minimal_pkg)
    assert summary.gaps == [{
        "meter_id": "PV", "after_utc": utc("2025-01-01 03:00").isoformat(),
        "before_utc": utc("2025-01-01 06:00").isoformat(), "missing_intervals": 2}]
    assert len(values(ws.con, "PV")) == 5


def test_xlsx_readings(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["meter_id", "timestamp", "value"])
    sheet.append(["PV", dt.datetime(2025, 1, 1, 4, 0), 80])
    sheet.append(["PV", "2025-01-01 05:00", -1])
    wb.save(minimal_pkg / "readings" / "extra.xlsx")
    with pytest.raises(PackageError, match=r"readings/extra\.xlsx, row 3, field 'value'"):
        ws.import_package(minimal_pkg)
    sheet.delete_rows(3)
    wb.save(minimal_pkg / "readings" / "extra.xlsx")
    ws.import_package(minimal_pkg)
    assert reading(ws.con, "PV", "2025-01-01 04:00")[0] == 80_000.0


def test_gbk_meters_file(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    path = minimal_pkg / "meters.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    ws.import_package(minimal_pkg)
    names = ws.con.execute("SELECT name FROM meters WHERE meter_id = 'GAS'").fetchone()
    assert names == ("锅炉燃气表 boiler gas",)
    enc = ws.con.execute("SELECT encoding FROM import_files WHERE file = 'meters.csv'").fetchone()
    assert enc == ("gb18030",)


# -- meters of a later package against the stored meters -----------------------------

def _later_meters(pkg: Path, meters: str, readings: str = "") -> Path:
    """A later package: ``meters.csv`` rows (after the header) and one readings file."""
    later = pkg.parent / "later"
    later.mkdir()
    shutil.copy(pkg / "factory.yaml", later)
    (later / "meters.csv").write_text(METER_HEADER + meters, encoding="utf-8")
    if readings:
        (later / "readings").mkdir()
        (later / "readings" / "later.csv").write_text(
            "meter_id,timestamp,value\n" + readings, encoding="utf-8")
    return later


REDEFINITIONS = {
    # PV is stored as interval electricity MWh every 60 min, timestamps at the end
    "interval to cumulative": (
        "PV,屋顶光伏,electricity,MWh,cumulative,generation,,60,,\n", "reading",
        "'cumulative electricity MWh, 60 min, end'"),
    "another carrier": (
        "PV,屋顶光伏,heat,MWh,interval,submeter,,60,,\n", "carrier",
        "'interval heat MWh, 60 min, end'"),
    "another interval": (
        "PV,屋顶光伏,electricity,MWh,interval,generation,,15,,\n", "interval_minutes",
        "'interval electricity MWh, 15 min, end'"),
    "timestamps mark the start": (
        "PV,屋顶光伏,electricity,MWh,interval,generation,,60,start,\n", "timestamp_marks",
        "'interval electricity MWh, 60 min, start'"),
    # GRID-IMP is a counter in MWh: new readings would be differenced against stored MWh
    "counter in another unit": (
        "GRID-IMP,关口表,electricity,kWh,cumulative,grid_import,,60,,\n", "unit",
        "'cumulative electricity kWh, 60 min, end'"),
}


@pytest.mark.parametrize("case", list(REDEFINITIONS))
def test_redefining_a_stored_meter_is_refused(
    ws: lingtan.Workspace, minimal_pkg: Path, case: str
) -> None:
    ws.import_package(minimal_pkg)
    before = counts(ws.con)
    row, field, new = REDEFINITIONS[case]
    meter = row.split(",", 1)[0]
    later = _later_meters(minimal_pkg, row, f"{meter},2025-01-01 05:00,1984\n")
    with pytest.raises(PackageError) as err:
        ws.import_package(later)
    problem = find(err.value.problems, "meters.csv", 2, field)
    assert f"redefines stored meter {meter!r}" in problem.reason
    assert new in problem.reason
    assert "new meter_id" in problem.reason
    assert counts(ws.con) == before


def test_redefinition_names_the_stored_definition(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(minimal_pkg)
    later = _later_meters(minimal_pkg, REDEFINITIONS["interval to cumulative"][0])
    with pytest.raises(PackageError, match=r"meters\.csv, row 2, field 'reading': redefines "
                       r"stored meter 'PV'.*stored 'interval electricity MWh, 60 min, end', "
                       r"here 'cumulative electricity MWh, 60 min, end'"):
        ws.import_package(later)


def test_unit_of_the_same_dimension_on_an_interval_meter_is_allowed(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(minimal_pkg)
    later = _later_meters(minimal_pkg, "PV,屋顶光伏,electricity,kWh,interval,generation,,60,,\n",
                          "PV,2025-01-01 04:00,80\n")
    summary = ws.import_package(later)
    assert summary.tables["meters"] == {"new": 0, "changed": 1, "unchanged": 0}
    # stored readings keep the MWh they were read in; the new one is in kWh
    assert [v for _, v in values(ws.con, "PV")] == [50_000.0, 60_000.0, 70_000.0, 80.0]


def test_redefining_a_meter_without_stored_readings_is_a_new_version(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    append(minimal_pkg, "meters.csv", "SUB,车间,electricity,kWh,interval,submeter,GRID-IMP,60,,")
    ws.import_package(minimal_pkg)
    later = _later_meters(minimal_pkg,
                          "SUB,车间,electricity,kWh,cumulative,submeter,GRID-IMP,60,,\n")
    assert ws.import_package(later).tables["meters"]["changed"] == 1


def test_role_change_is_a_warning(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    ws.import_package(minimal_pkg)
    later = _later_meters(minimal_pkg, "PV,屋顶光伏,electricity,MWh,interval,submeter,,60,,\n")
    summary = ws.import_package(later)
    assert summary.tables["meters"]["changed"] == 1
    assert ("meter 'PV': role changed from 'generation' to 'submeter'; every stored reading of "
            "it now counts as 'submeter'") in summary.warnings


def test_lenient_quarantines_a_redefined_meter_and_its_readings(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    ws.import_package(minimal_pkg)
    later = _later_meters(minimal_pkg, REDEFINITIONS["interval to cumulative"][0],
                          "PV,2025-01-01 04:00,1984\nGRID-EXP,2025-01-01 04:00,5\n")
    summary = ws.import_package(later, lenient=True)
    assert summary.readings["new"] == 1                       # GRID-EXP only
    quarantined = ws.con.execute("SELECT file, row, field FROM quarantine ORDER BY file").fetchall()
    assert quarantined == [("meters.csv", 2, "reading"), ("readings/later.csv", 2, "meter_id")]
    assert [v for _, v in values(ws.con, "PV")] == [50_000.0, 60_000.0, 70_000.0]
    current = ws.con.execute(
        "SELECT reading FROM meters WHERE meter_id = 'PV' AND is_current").fetchone()
    assert current == ("interval",)


def test_sub_meter_under_a_stored_meter(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    ws.import_package(minimal_pkg)
    later = _later_meters(minimal_pkg,
                          "SUB,车间,electricity,kWh,interval,submeter,GRID-IMP,60,,\n",
                          "SUB,2025-01-01 01:00,5\n")
    summary = ws.import_package(later)
    assert summary.tables["meters"] == {"new": 1, "changed": 0, "unchanged": 0}
    assert summary.readings["new"] == 1


def test_unknown_parent_is_still_refused(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    ws.import_package(minimal_pkg)
    later = _later_meters(minimal_pkg, "SUB,车间,electricity,kWh,interval,submeter,NOPE,60,,\n")
    with pytest.raises(PackageError, match=r"meters\.csv, row 2, field 'parent_id': unknown "
                                           r"parent meter 'NOPE'"):
        ws.import_package(later)


PARENT_CYCLES = {
    "self parent": (
        ["A,a,electricity,kWh,interval,submeter,A,60,,"],
        {6: r"meter 'A' is its own parent"}),
    "two meters": (
        ["A,a,electricity,kWh,interval,submeter,B,60,,",
         "B,b,electricity,kWh,interval,submeter,A,60,,"],
        {6: r"parent_id cycle: 'A' \(row 6\) → 'B' \(row 7\) → 'A' \(row 6\)",
         7: r"parent_id cycle: 'A' \(row 6\) → 'B' \(row 7\) → 'A' \(row 6\)"}),
    "three meters": (
        ["A,a,electricity,kWh,interval,submeter,C,60,,",
         "B,b,electricity,kWh,interval,submeter,A,60,,",
         "C,c,electricity,kWh,interval,submeter,B,60,,"],
        {6: r"'A' \(row 6\) → 'C' \(row 8\) → 'B' \(row 7\) → 'A'", 7: r"cycle", 8: r"cycle"}),
}


@pytest.mark.parametrize("case", list(PARENT_CYCLES))
def test_parent_cycle_is_refused(ws: lingtan.Workspace, minimal_pkg: Path, case: str) -> None:
    rows, reasons = PARENT_CYCLES[case]
    append(minimal_pkg, "meters.csv", *rows, "D,d,electricity,kWh,interval,submeter,A,60,,")
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    for row, reason in reasons.items():
        assert re.search(reason, find(err.value.problems, "meters.csv", row, "parent_id").reason)
    # D hangs under the cycle, is not on it, and cannot land without its parent
    d = find(err.value.problems, "meters.csv", 6 + len(rows), "parent_id")
    assert d.reason == "parent meter 'A' is refused (row 6)"
    assert set(counts(ws.con).values()) == {0}


def test_parent_cycle_through_a_stored_meter_is_refused(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    append(minimal_pkg, "meters.csv", "A,a,electricity,kWh,interval,submeter,GRID-IMP,60,,",
           "B,b,electricity,kWh,interval,submeter,A,60,,")
    ws.import_package(minimal_pkg)
    later = _later_meters(minimal_pkg, "A,a,electricity,kWh,interval,submeter,B,60,,\n")
    with pytest.raises(PackageError, match=r"meters\.csv, row 2, field 'parent_id': parent_id "
                                           r"cycle: 'A' \(row 2\) → 'B' \(stored\) → 'A'"):
        ws.import_package(later)


# -- properties -------------------------------------------------------------------------------

METER_HEADER = ("meter_id,name,carrier,unit,reading,role,parent_id,interval_minutes,"
                "timestamp_marks,rollover\n")
FACTORY = "id: prop\nname: property test\nprovince: CN-JS\ntimezone: Asia/Shanghai\n"
UNIT_TO_KWH = {"kWh": 1.0, "MWh": 1000.0, "万kWh": 1e4}


@settings(max_examples=25, deadline=None)
@given(
    modulus=st.sampled_from([1000, 10_000, 100_000, 99_999]),
    start=st.integers(min_value=0, max_value=10**9),
    steps=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40),
    unit=st.sampled_from(list(UNIT_TO_KWH)),
)
def test_counter_energy_is_conserved(modulus: int, start: int, steps: list[int], unit: str) -> None:
    # counter readings with two decimals; every increment is below the modulus
    cents = modulus * 100
    first = start % cents
    increments = [s % cents for s in steps]
    counter, wraps, series_cents = first, 0, [first]
    for inc in increments:
        counter += inc
        if counter >= cents:
            counter, wraps = counter - cents, wraps + 1
        series_cents.append(counter)
    series = [c / 100 for c in series_cents]
    t0 = dt.datetime(2025, 3, 1)
    lines = [f"M,{t0 + dt.timedelta(minutes=15 * i):%Y-%m-%d %H:%M},{v}"
             for i, v in enumerate(series)]
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp)
        (pkg / "factory.yaml").write_text(FACTORY, encoding="utf-8")
        (pkg / "meters.csv").write_text(
            METER_HEADER + f"M,,electricity,{unit},cumulative,grid_import,,15,,{modulus}\n",
            encoding="utf-8")
        (pkg / "readings").mkdir()
        (pkg / "readings" / "m.csv").write_text(
            "meter_id,timestamp,value\n" + "\n".join(lines) + "\n", encoding="utf-8")
        con = connect(":memory:")
        import_package(con, pkg)
    total = con.execute("SELECT sum(value), count(*) FROM readings").fetchone()
    con.close()
    assert total is not None and total[1] == len(series)
    expected = (series[-1] - series[0] + modulus * wraps) * UNIT_TO_KWH[unit]
    assert total[0] == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert expected == pytest.approx(sum(increments) / 100 * UNIT_TO_KWH[unit], rel=1e-9, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(min_value=0, max_value=200),
                  st.floats(min_value=0, max_value=1e6, exclude_max=True, allow_nan=False)),
        min_size=1, max_size=60, unique_by=lambda r: r[0]),
    doubled=st.integers(min_value=0, max_value=5),
)
def test_import_is_idempotent(rows: list[tuple[int, float]], doubled: int) -> None:
    t0 = dt.datetime(2025, 5, 1)
    lines = [f"PV,{t0 + dt.timedelta(hours=h):%Y-%m-%d %H:%M},{v!r}" for h, v in rows]
    lines += lines[:doubled]  # equal duplicates are merged
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(shutil.copytree(MINIMAL, Path(tmp) / "pkg"))
        append(pkg, "readings/pv_gas.csv", *lines)
        con = connect(":memory:")
        first = import_package(con, pkg)
        before = counts(con)
        second = import_package(con, pkg)
    after = counts(con)
    con.close()
    assert first.status == "imported"
    assert second.status == "unchanged"
    assert after == before


# -- files of the package (issue 9: files, encodings, line numbers) --------------------------

def _gbk_meters(pkg: Path) -> None:
    """meters.csv in GBK, ASCII but for one name, 3楼, whose GBK bytes are UTF-8 '3¥'."""
    text = (pkg / "meters.csv").read_text(encoding="utf-8")
    lines = [ln.split(",") for ln in text.splitlines()]
    for ln in lines[1:]:
        ln[1] = "3楼" if ln[0] == "PV" else ln[0]
    (pkg / "meters.csv").write_bytes("".join(",".join(ln) + "\n" for ln in lines).encode("gbk"))


def _quoted_name_then_bad_unit(pkg: Path) -> None:
    edit(pkg, "meters.csv", "PV,屋顶光伏 rooftop PV,", 'PV,"屋顶光伏\nrooftop PV",')
    edit(pkg, "meters.csv", "natural_gas,m3", "natural_gas,parsec")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _weather_declared_gbk(pkg: Path) -> None:
    _write(pkg / "weather.csv", "date,temp_air_c\n")
    append(pkg, "factory.yaml", "files: {weather.csv: {encoding: gbk}}")


def _same_header_sheets(pkg: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    for title in ("Jan", "Feb"):
        sheet = wb.create_sheet(title)
        sheet.append(["meter_id", "timestamp", "value"])
        sheet.append(["PV", "2025-01-01 05:00", 1])
    del wb["Sheet"]
    wb.save(pkg / "readings" / "two.xlsx")


FILE_INPUTS = {
    "readings file in .xls": (
        lambda p: (p / "readings" / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0"),
        "readings/old.xls", None, None,
        r"not a supported format \(\.csv, \.xlsx, \.parquet\), so not read; .*save it as \.xlsx"),
    "readings file in .txt": (
        lambda p: (p / "readings" / "grid2.txt").write_text("meter_id\n", encoding="utf-8"),
        "readings/grid2.txt", None, None, r"not a supported format.*save it as CSV"),
    "readings file in .tsv": (
        lambda p: (p / "readings" / "a.tsv").write_text("meter_id\n", encoding="utf-8"),
        "readings/a.tsv", None, None, r"not a supported format.*tab-separated"),
    "readings file in .csv.gz": (
        lambda p: (p / "readings" / "b.csv.gz").write_bytes(b"\x1f\x8b"),
        "readings/b.csv.gz", None, None, r"not a supported format.*unpack it"),
    "readings file without suffix": (
        lambda p: _write(p / "readings" / "sub" / "grid", "meter_id\n"),
        "readings/sub/grid", None, None, r"not a supported format"),
    "meters table in .xls": (
        lambda p: (p / "meters.csv").rename(p / "meters.xls"),
        "meters.xls", None, None, r"not a supported format"),
    "readings as a top-level file": (
        lambda p: (p / "readings.csv").write_text("meter_id\n", encoding="utf-8"),
        "readings.csv", None, None, r"not a supported format"),
    "GBK that is also valid UTF-8": (
        _gbk_meters, "meters.csv", None, None,
        r"encoding is ambiguous: .*'PV,3¥,.*'PV,3楼,.*"
        r"files: \{\"meters\.csv\": \{encoding: gbk\}\}"),
    "bad value after a quoted line break": (
        _quoted_name_then_bad_unit, "meters.csv", 6, "unit", r"parsec"),
    "encoding declared for a missing file": (
        lambda p: append(p, "factory.yaml", 'files: {"readings/nope.csv": {encoding: gbk}}'),
        "factory.yaml", None, "files.readings/nope.csv", r"no such file in the package"),
    "encoding declared for a file read as UTF-8 only": (
        lambda p: _weather_declared_gbk(p),
        "factory.yaml", None, "files.weather.csv", r"table and readings CSV files only"),
    "unknown encoding declared": (
        lambda p: append(p, "factory.yaml", "files: {meters.csv: {encoding: big5}}"),
        "factory.yaml", 19, "files.meters.csv.encoding", r"'utf-8', 'gbk' or 'gb18030'"),
    "workbook with two sheets of readings": (
        _same_header_sheets, "readings/two.xlsx", None, None,
        r"sheet 'Feb' has the same header as the first sheet 'Jan'"),
}


@pytest.mark.parametrize("case", list(FILE_INPUTS))
def test_bad_package_file_is_refused_and_lands_nothing(
    ws: lingtan.Workspace, minimal_pkg: Path, case: str
) -> None:
    change, file, row, field, reason = FILE_INPUTS[case]
    change(minimal_pkg)
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    problem = find(err.value.problems, file, row, field)
    assert re.search(reason, problem.reason), problem
    assert set(counts(ws.con).values()) == {0}


def test_unsupported_readings_files_are_warnings_when_lenient(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    (minimal_pkg / "readings" / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (minimal_pkg / "readings" / "b.csv.gz").write_bytes(b"\x1f\x8b")
    summary = ws.import_package(minimal_pkg, lenient=True)
    assert summary.status == "imported" and summary.readings["new"] == 13
    assert [w for w in summary.warnings if "not a supported format" in w] == [
        "ignored file readings/b.csv.gz: not a supported format (.csv, .xlsx, .parquet),"
        " so not read; compressed: unpack it",
        "ignored file readings/old.xls: not a supported format (.csv, .xlsx, .parquet),"
        " so not read; an Excel 97-2003 workbook: save it as .xlsx",
    ]


def test_hidden_files_are_warnings(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    (minimal_pkg / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (minimal_pkg / "readings" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (minimal_pkg / "readings" / "~$grid.xlsx").write_bytes(b"\x06owner")
    (minimal_pkg / "readings" / "__MACOSX").mkdir()
    (minimal_pkg / "readings" / "__MACOSX" / "._grid.csv").write_bytes(b"\0\5\26\7")
    (minimal_pkg / "notes.txt").write_text("交接说明\n", encoding="utf-8")
    (minimal_pkg / "meters.csv.bak").write_text("meter_id\n", encoding="utf-8")
    summary = ws.import_package(minimal_pkg)
    assert summary.status == "imported" and summary.readings["new"] == 13
    assert sorted(summary.warnings) == [
        "ignored file .DS_Store: hidden file",
        "ignored file meters.csv.bak: not part of the data-package format (meters.csv is read)",
        "ignored file notes.txt: not part of the data-package format",
        "ignored file readings/.DS_Store: hidden file",
        "ignored file readings/__MACOSX/._grid.csv: hidden file",
        "ignored file readings/~$grid.xlsx: hidden file",
    ]


def test_declared_encoding_reads_the_file(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    _gbk_meters(minimal_pkg)
    append(minimal_pkg, "factory.yaml", "files:", "  meters.csv: {encoding: gbk}")
    ws.import_package(minimal_pkg)
    name = ws.con.execute("SELECT name FROM meters WHERE meter_id = 'PV'").fetchone()
    assert name == ("3楼",)
    enc = ws.con.execute("SELECT encoding FROM import_files WHERE file = 'meters.csv'").fetchone()
    assert enc == ("gbk",)


def test_gbk_that_is_valid_utf8_is_imported_as_gbk(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    _gbk_meters(minimal_pkg)
    edit_bytes = (minimal_pkg / "meters.csv").read_bytes().replace("3楼".encode("gbk"),
                                                                  "一楼".encode("gbk"))
    (minimal_pkg / "meters.csv").write_bytes(edit_bytes)
    ws.import_package(minimal_pkg)
    name = ws.con.execute("SELECT name FROM meters WHERE meter_id = 'PV'").fetchone()
    assert name == ("一楼",)


def test_other_sheets_of_a_workbook_are_a_warning(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "读数"
    sheet.append(["meter_id", "timestamp", "value"])
    sheet.append(["PV", "2025-01-01 04:00", 80])
    wb.create_sheet("说明").append(["单位 MWh"])
    wb.save(minimal_pkg / "readings" / "extra.xlsx")
    summary = ws.import_package(minimal_pkg)
    assert summary.readings["new"] == 14
    assert summary.warnings == [
        "readings/extra.xlsx: only the first sheet '读数' is read; sheets not read: '说明'"]
