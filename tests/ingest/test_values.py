"""Values and timestamps of readings (and small-table quantities): one test per bad-input class.

Every refusal names file, row (the file's line), field and reason; in strict mode nothing
is stored, with ``--lenient`` only the bad row is quarantined. Packages are copies of
``examples/minimal`` (13 readings; PV is an interval meter in MWh, GRID-IMP a counter in
MWh, GAS a counter in m3 rolling over at 100 000). Expected numbers are worked by hand.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lingtan
from lingtan.errors import PackageError
from lingtan.ingest import fields
from lingtan.ingest.timeparse import clock_changes, fixed_offset, utc_select
from pkgedit import append, edit

from .test_importer import MINIMAL, counts, find, reading, utc, values

BAD = "readings/bad.csv"


def _bad_file(*rows: str) -> Callable[[Path], None]:
    """A readings file ``readings/bad.csv``: a good PV row (line 2), then ``rows``."""
    def change(pkg: Path) -> None:
        (pkg / BAD).write_text("meter_id,timestamp,value\nPV,2025-01-01 04:00,80\n"
                               + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return change


def _parquet(value: pa.Array, stamps: pa.Array | None = None) -> Callable[[Path], None]:
    def change(pkg: Path) -> None:
        n = len(value)
        ts = stamps if stamps is not None else pa.array(
            [f"2025-01-01 {4 + i:02d}:00" for i in range(n)])
        pq.write_table(pa.table({"meter_id": ["PV"] * n, "timestamp": ts, "value": value}),
                       pkg / "readings" / "bad.parquet")
    return change


def _zone(zone: str, *rows: str) -> Callable[[Path], None]:
    """The site in ``zone``, with ``readings/bad.csv`` as in :func:`_bad_file`."""
    def change(pkg: Path) -> None:
        edit(pkg, "factory.yaml", "timezone: Asia/Shanghai", f"timezone: {zone}")
        _bad_file(*rows)(pkg)
    return change


# case → (change, file, row, field, reason); each bad row is line 3 of its file
ROW_CASES: dict[str, tuple[Callable[[Path], None], str, int, str, str]] = {
    "decimal comma": (_bad_file('PV,2025-01-01 05:00,"1,5"'), BAD, 3, "value",
                      r"ambiguous number '1,5': a comma is accepted only as a thousands"),
    "comma not in groups of three": (_bad_file('PV,2025-01-01 05:00,"1,50"'), BAD, 3, "value",
                                     r"ambiguous number '1,50'"),
    "comma after a point": (_bad_file('PV,2025-01-01 05:00,"1.500,5"'), BAD, 3, "value",
                            r"ambiguous number '1\.500,5'"),
    "underscore between digits": (_bad_file("PV,2025-01-01 05:00,1_5"), BAD, 3, "value",
                                  r"digit separators \(_\) are not accepted: '1_5'"),
    "boolean text as a value": (_bad_file("PV,2025-01-01 05:00,TRUE"), BAD, 3, "value",
                                r"a boolean is not a number: 'TRUE'"),
    "nan text": (_bad_file("PV,2025-01-01 05:00,NaN"), BAD, 3, "value",
                 r"not a finite number: 'NaN'"),
    "inf text": (_bad_file("PV,2025-01-01 05:00,-inf"), BAD, 3, "value",
                 r"not a finite number: '-inf'"),
    "overflow to inf": (_bad_file("PV,2025-01-01 05:00,1e400"), BAD, 3, "value",
                        r"not a finite number: '1e400'"),
    "hexadecimal": (_bad_file("PV,2025-01-01 05:00,0x10"), BAD, 3, "value",
                    r"not a number: '0x10'"),
    "empty quoted value": (_bad_file('PV,2025-01-01 05:00,""'), BAD, 3, "value",
                           r"missing value"),
    # 1e30 MWh = 1e33 kWh; the inventory's decimal(18, 9) holds < 1e9 kWh per reading
    "value beyond the stored decimal": (
        _bad_file("PV,2025-01-01 05:00,1e30"), BAD, 3, "value",
        r"interval value 1e30 is beyond what lingtan stores exactly: below 1e9 in the"
        r" canonical unit \(kWh, t or m3\) per reading, that is 1e\+06 in the meter's unit"),
    # GRID-IMP (MWh) at 1400 on 03:00: 1400 → 1 001 400 is 1e6 MWh = 1e9 kWh, the limit
    "counter step beyond the stored decimal": (
        _bad_file("GRID-IMP,2025-01-01 04:00,1001400"), BAD, 3, "value",
        r"the counter advances by 1000000\.0 to 1001400\.0 in one interval, beyond what"
        r" lingtan stores exactly: .* 1e\+06 in the meter's unit"),
    "counter beyond 2^53": (_bad_file("GAS,2025-01-03 00:00,1e16"), BAD, 3, "value",
                            r"beyond ±2\^53"),
    "five-digit year": (_bad_file("PV,20250-03-01 02:00,1"), BAD, 3, "timestamp",
                        r"the year of timestamp '20250-03-01 02:00' is outside 1900–2100"),
    "year before 1900": (_bad_file("PV,1825-03-01 02:00,1"), BAD, 3, "timestamp",
                         r"year of timestamp '1825-03-01 02:00' is outside 1900–2100"),
    "infinite timestamp": (_bad_file("PV,infinity,1"), BAD, 3, "timestamp",
                           r"unparseable or impossible timestamp 'infinity'"),
    "special word as timestamp": (_bad_file("PV,epoch,1"), BAD, 3, "timestamp",
                                  r"unparseable or impossible timestamp 'epoch'"),
    "date without time": (_bad_file("PV,2025-01-02,1"), BAD, 3, "timestamp",
                          r"no time of day in timestamp '2025-01-02'"),
    "hour 25": (_bad_file("PV,2025-01-01 25:00,1"), BAD, 3, "timestamp",
                r"unparseable or impossible timestamp '2025-01-01 25:00'"),
    "time zone abbreviation": (_bad_file("PV,2025-01-01 05:00:00 CST,1"), BAD, 3, "timestamp",
                               r"time zone names are not accepted: '2025-01-01 05:00:00 CST'"),
    "offset beyond 14 hours": (_bad_file("PV,2025-01-01 05:00:00+99,1"), BAD, 3, "timestamp",
                               r"UTC offset of '2025-01-01 05:00:00\+99' is outside"),
    # Europe/Berlin: 2025-03-30 02:00 → 03:00 (CET → CEST), 2025-10-26 03:00 → 02:00
    "local time skipped by daylight saving": (
        _zone("Europe/Berlin", "PV,2025-03-30 02:30,1"), BAD, 3, "timestamp",
        r"local time '2025-03-30 02:30' does not exist in Europe/Berlin"),
    "local time repeated by daylight saving": (
        _zone("Europe/Berlin", "PV,2025-10-26 02:30,1"), BAD, 3, "timestamp",
        r"local time '2025-10-26 02:30' occurs twice in Europe/Berlin \(at UTC\+02:00 and"
        r" UTC\+01:00"),
    # America/New_York: 2025-03-09 02:00 → 03:00, 2025-11-02 02:00 → 01:00
    "local time skipped in New York": (
        _zone("America/New_York", "PV,2025-03-09 02:00,1"), BAD, 3, "timestamp",
        r"local time '2025-03-09 02:00' does not exist in America/New_York"),
    "local time repeated in New York": (
        _zone("America/New_York", "PV,2025-11-02 01:59:59.5,1"), BAD, 3, "timestamp",
        r"occurs twice in America/New_York \(at UTC-04:00 and UTC-05:00"),
    "integer beyond 2^53 in Parquet INT64": (
        _parquet(pa.array([80, 2**62], pa.int64())), "readings/bad.parquet", 3, "value",
        r"interval value 4611686018427387904 is beyond what lingtan stores exactly"),
    "DST-skipped time in a Parquet TIMESTAMP": (
        lambda p: (edit(p, "factory.yaml", "timezone: Asia/Shanghai", "timezone: Europe/Berlin"),
                   _parquet(pa.array([80.0, 1.0]), pa.array(
                       [dt.datetime(2025, 1, 1, 4), dt.datetime(2025, 3, 30, 2, 15)],
                       pa.timestamp("us")))(p)),
        "readings/bad.parquet", 3, "timestamp",
        r"local time '2025-03-30 02:15:00' does not exist in Europe/Berlin"),
}


@pytest.mark.parametrize("case", list(ROW_CASES))
def test_bad_value_or_time_is_refused_and_nothing_stored(
    ws: lingtan.Workspace, minimal_pkg: Path, case: str
) -> None:
    change, file, row, field, reason = ROW_CASES[case]
    change(minimal_pkg)
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    problem = find(err.value.problems, file, row, field)
    assert re.search(reason, problem.reason), problem
    assert [p for p in err.value.problems if p.file == file] == [problem]
    assert set(counts(ws.con).values()) == {0}


@pytest.mark.parametrize("case", list(ROW_CASES))
def test_lenient_quarantines_only_the_bad_row(
    ws: lingtan.Workspace, minimal_pkg: Path, case: str
) -> None:
    change, file, row, field, _ = ROW_CASES[case]
    change(minimal_pkg)
    summary = ws.import_package(minimal_pkg, lenient=True)
    assert summary.quarantined == 1
    assert ws.con.execute("SELECT file, row, field FROM quarantine").fetchall() == [
        (file, row, field)]
    # the 13 readings of the example and the good row (line 2) of the bad file
    assert counts(ws.con)["readings"] == 14


# -- whole-file refusals: a Parquet column of the wrong type ---------------------------------

FILE_CASES = {
    "Parquet BLOB value column": (pa.array([b"80", b"90"], pa.binary()), r"of type BLOB"),
    "Parquet BOOLEAN value column": (pa.array([True, False]),
                                     r"of type BOOLEAN \(true/false is not a reading\)"),
    "Parquet DATE value column": (pa.array([dt.date(2025, 1, 1)] * 2), r"of type DATE"),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
@pytest.mark.parametrize("lenient", [False, True])
def test_parquet_value_column_of_a_wrong_type_is_refused(
    ws: lingtan.Workspace, minimal_pkg: Path, case: str, lenient: bool
) -> None:
    column, reason = FILE_CASES[case]
    _parquet(column)(minimal_pkg)
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg, lenient=lenient)
    problem = find(err.value.problems, "readings/bad.parquet", 1, "value")
    assert re.search(reason, problem.reason)
    assert set(counts(ws.con).values()) == {0}    # a boolean is never stored as 1.0/0.0


def test_parquet_date_timestamp_column_is_refused(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    _parquet(pa.array([80.0]), pa.array([dt.date(2025, 1, 2)]))(minimal_pkg)
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    assert "time of day" in find(err.value.problems, "readings/bad.parquet", 1,
                                 "timestamp").reason
    assert set(counts(ws.con).values()) == {0}


# -- what is accepted -----------------------------------------------------------------------

def test_parquet_text_values_parse_like_csv(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    _parquet(pa.array(["1,500", " 2.5 ", "+1e1"]))(minimal_pkg)
    ws.import_package(minimal_pkg)
    # MWh → kWh: 1500, 2.5 and 10 MWh
    assert [reading(ws.con, "PV", f"2025-01-01 0{h}:00")[0] for h in (4, 5, 6)] == [
        1_500_000.0, 2_500.0, 10_000.0]


def test_parquet_float32_is_read_as_written(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    _parquet(pa.array([0.1, 80.3], pa.float32()))(minimal_pkg)
    ws.import_package(minimal_pkg)
    # a float32 0.1 is 0.100000001490116…; the writer meant 0.1
    assert reading(ws.con, "PV", "2025-01-01 04:00")[1] == 0.1
    assert reading(ws.con, "PV", "2025-01-01 05:00")[1] == 80.3


def test_thousands_grouping_and_plain_forms_are_accepted(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    _bad_file('PV,2025-01-01 05:00,"1,500"', 'PV,2025-01-01 06:00,"12,345.6"',
              "PV,2025-01-01 07:00,+2", "PV,2025-01-01 08:00, 3 ", "PV,2025-01-01 09:00,1e-3",
              "PV,2025-01-01 10:00,-0", "PV,2025-01-01 11:00,.5")(minimal_pkg)
    ws.import_package(minimal_pkg)
    raw = [reading(ws.con, "PV", f"2025-01-01 {h:02d}:00")[1] for h in range(4, 12)]
    assert raw == [80.0, 1500.0, 12345.6, 2.0, 3.0, 0.001, 0.0, 0.5]
    # -0 is stored as 0, not as a negative zero
    assert str(reading(ws.con, "PV", "2025-01-01 10:00")[1]) == "0.0"


def test_timestamp_forms_are_one_instant(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    # 2025-01-01 04:00 … 11:00 Asia/Shanghai (UTC+8), each written another way
    _bad_file("PV,2025-01-01T05:00:00,1", "PV,2025-01-01 06:00:00.000,1",
              "PV,2024-12-31T23:00Z,1", "PV,2025-01-01 08:00+08:00,1",
              "PV, 2025-01-01 09:00 ,1", "PV,2025-01-01 01:00:00 -01:00,1",
              "PV,2025-01-01 03:00:00z,1")(minimal_pkg)
    ws.import_package(minimal_pkg)
    stamps = [ts for ts, _ in values(ws.con, "PV")][3:]
    assert stamps == [utc(f"2025-01-01 {h:02d}:00") for h in range(4, 12)]


def test_explicit_offsets_resolve_daylight_saving(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    # Europe/Berlin, fall back on 2025-10-26: 02:30 is 00:30 UTC (+02:00) and 01:30 UTC
    # (+01:00); spring forward on 2025-03-30: 02:30+01:00 is 01:30 UTC (the clock said 03:30)
    _zone("Europe/Berlin", "PV,2025-10-26 02:30+02:00,1", "PV,2025-10-26 02:30+01:00,2",
          "PV,2025-03-30 02:30+01:00,3", "PV,2025-03-30 03:30,4")(minimal_pkg)
    with pytest.raises(PackageError, match=r"row 6, field 'value': duplicate reading for PV"):
        ws.import_package(minimal_pkg)   # 03:30 CEST is 01:30 UTC, the row before it
    (minimal_pkg / BAD).write_text(
        (minimal_pkg / BAD).read_text(encoding="utf-8").replace("PV,2025-03-30 03:30,4\n", ""),
        encoding="utf-8")
    ws.import_package(minimal_pkg)
    got = {ts: v for ts, v in values(ws.con, "PV")}
    assert got[dt.datetime(2025, 10, 26, 0, 30)] == 1000.0
    assert got[dt.datetime(2025, 10, 26, 1, 30)] == 2000.0
    assert got[dt.datetime(2025, 3, 30, 1, 30)] == 3000.0
    # the example's 2025-01-01 01:00 is CET (UTC+1) now
    assert got[dt.datetime(2025, 1, 1, 0, 0)] == 50_000.0


def test_activity_quantity_follows_the_same_number_rule(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    edit(minimal_pkg, "activities.csv", "diesel,10,吨", 'diesel,"1,5",吨')
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    assert "ambiguous number '1,5'" in find(err.value.problems, "activities.csv", 2,
                                            "quantity").reason
    assert set(counts(ws.con).values()) == {0}
    edit(minimal_pkg, "activities.csv", 'diesel,"1,5",吨', 'diesel,"1,500",吨')
    ws.import_package(minimal_pkg)
    got = ws.con.execute("SELECT quantity FROM activities WHERE source = 'diesel'").fetchone()
    assert got == (1500.0,)


def test_xlsx_booleans_are_not_numbers(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["meter_id", "timestamp", "value"])
    sheet.append(["PV", dt.datetime(2025, 1, 1, 4, 0), True])
    wb.save(minimal_pkg / "readings" / "extra.xlsx")
    with pytest.raises(PackageError) as err:
        ws.import_package(minimal_pkg)
    assert "a boolean is not a number" in find(err.value.problems, "readings/extra.xlsx", 2,
                                               "value").reason
    assert set(counts(ws.con).values()) == {0}


@pytest.mark.parametrize(("given", "expected"), [
    ("1,500", 1500.0), ("12,345.6", 12345.6), ("-1,234,567", -1234567.0), ("1e5", 1e5),
    ("+5", 5.0), (" 7 ", 7.0), ("-0", 0.0), (".5", 0.5), (2.5, 2.5), (3, 3.0)])
def test_fields_number_accepts(given: object, expected: float) -> None:
    assert fields.number(given, minimum=None) == expected


@pytest.mark.parametrize(("given", "reason"), [
    ("1,5", "ambiguous"), ("1,50", "ambiguous"), ("1.500,5", "ambiguous"),
    ("1,5000", "ambiguous"), (",500", "ambiguous"), ("1_5", "separators"),
    ("TRUE", "boolean"), (True, "boolean"), (False, "boolean"), ("nan", "finite"),
    ("inf", "finite"), ("1e400", "finite"), ("0x10", "not a number"),
    ("１２", "not a number"), ("", "missing")])
def test_fields_number_refuses(given: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        fields.number(given, minimum=None)


@pytest.mark.parametrize("given", ["2_025", "1,000", True, "2025.5", "٢٠٢٥"])
def test_fields_integer_refuses(given: object) -> None:
    with pytest.raises(ValueError, match="not an integer"):
        fields.integer(given)


# -- time zones: the fast path and the exact one -------------------------------------------

def test_shanghai_stays_on_the_fixed_offset_path() -> None:
    fixed = fixed_offset("Asia/Shanghai")
    assert fixed is not None and fixed.minutes == 480
    _, expr = utc_select("t", "timestamp", "VARCHAR", fixed, "Asia/Shanghai")
    assert "IN (DATE" not in expr     # no daylight-saving lookup on the fast path
    assert fixed_offset("Europe/Berlin") is None


def test_clock_changes_of_berlin_2025() -> None:
    changes = clock_changes("Europe/Berlin")
    assert {dt.date(2025, 3, 30), dt.date(2025, 10, 26)} <= set(changes.dates)
    assert dt.date(2025, 7, 1) not in changes.dates
    assert changes.backward_min == (60,)


def _parse_local(con: duckdb.DuckDBPyConnection, zone: str, texts: list[str]
                 ) -> list[dt.datetime | None]:
    con.execute(f"SET TimeZone = '{zone}'")
    con.register("given", pa.table({"timestamp": texts, "i": list(range(len(texts)))}))
    con.execute("CREATE OR REPLACE TEMP TABLE t AS SELECT * FROM given")
    sub, expr = utc_select("t", "timestamp", "VARCHAR", fixed_offset(zone), zone)
    return [r[0] for r in con.execute(f"SELECT {expr} FROM {sub} ORDER BY i").fetchall()]


@settings(max_examples=30, deadline=None)
@given(zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                             "Asia/Shanghai"]),
       minutes=st.lists(st.integers(min_value=0, max_value=366 * 24 * 4), min_size=1,
                        max_size=40))
def test_local_time_is_accepted_iff_it_exists_once(zone: str, minutes: list[int]) -> None:
    # wall times every 15 min of 2025, near and far from clock changes: a wall time is
    # accepted exactly when zoneinfo finds it once, and then at zoneinfo's UTC instant
    tz = zoneinfo.ZoneInfo(zone)
    walls = [dt.datetime(2025, 1, 1) + dt.timedelta(minutes=15 * m) for m in minutes]
    walls += [dt.datetime(2025, 3, 30, 2, 30), dt.datetime(2025, 10, 26, 2, 30),
              dt.datetime(2025, 4, 6, 1, 45), dt.datetime(2025, 10, 5, 2, 15)]
    con = duckdb.connect()
    got = _parse_local(con, zone, [w.strftime("%Y-%m-%d %H:%M") for w in walls])
    con.close()
    for wall, parsed in zip(walls, got, strict=True):
        early, late = (wall.replace(tzinfo=tz, fold=f).astimezone(dt.UTC) for f in (0, 1))
        exists = early.astimezone(tz).replace(tzinfo=None) == wall
        once = exists and early == late
        expected = early.replace(tzinfo=None) if once else None
        assert parsed == expected, (zone, wall)


def test_strict_and_lenient_on_a_whole_dst_day(ws: lingtan.Workspace, tmp_path: Path) -> None:
    # quarter-hours of 2025-03-30 in Berlin: 02:00, 02:15, 02:30, 02:45 do not exist
    pkg = Path(tmp_path / "berlin")
    (pkg / "readings").mkdir(parents=True)
    for name in ("meters.csv", "factory.yaml"):
        (pkg / name).write_text((MINIMAL / name).read_text(encoding="utf-8"), encoding="utf-8")
    edit(pkg, "factory.yaml", "timezone: Asia/Shanghai", "timezone: Europe/Berlin")
    stamps = [dt.datetime(2025, 3, 30, 1, 0) + dt.timedelta(minutes=15 * k) for k in range(12)]
    append(pkg, "readings/pv.csv", "meter_id,timestamp,value",
           *[f"PV,{s:%Y-%m-%d %H:%M},1" for s in stamps])
    with pytest.raises(PackageError) as err:
        ws.import_package(pkg)
    assert [(p.row, p.field) for p in err.value.problems] == [(r, "timestamp") for r in
                                                              (6, 7, 8, 9)]
    summary = ws.import_package(pkg, lenient=True)
    assert summary.quarantined == 4
    # 8 readings of 1 MWh, each its own UTC instant: nothing merged, nothing lost
    assert summary.readings["duplicates_merged"] == 0
    assert [v for _, v in values(ws.con, "PV")] == [1000.0] * 8
    assert [ts for ts, _ in values(ws.con, "PV")] == [
        dt.datetime(2025, 3, 30, 0, 0) + dt.timedelta(minutes=15 * k) for k in range(8)]
