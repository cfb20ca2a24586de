"""Staging tabular files: encodings, XLSX, true line numbers (lingtan.ingest.tables)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from lingtan.errors import PackageError
from lingtan.ingest.tables import stage_file

TEXT = "meter_id,name,value\nM1,关口表 购电,1000\nM2,屋顶光伏 “南区”,20.5\n"
EXPECTED = [("M1", "关口表 购电", "1000", 2), ("M2", "屋顶光伏 “南区”", "20.5", 3)]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(":memory:")


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[object, ...]]:
    return con.execute(f"SELECT meter_id, name, value, _row FROM {table} ORDER BY _row").fetchall()


@pytest.mark.parametrize(("raw", "encoding"), [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.replace("\n", "\r\n").encode("gbk"), "gb18030"),
    (TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
])
def test_encodings_come_through_identical(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, raw: bytes, encoding: str
) -> None:
    path = tmp_path / "meters.csv"
    path.write_bytes(raw)
    staged = stage_file(con, path, "meters.csv", "stg")
    assert staged.encoding == encoding
    assert staged.columns == ("meter_id", "name", "value")
    assert staged.rows == 2
    assert _rows(con, "stg") == EXPECTED


def test_gbk_is_not_mistaken_for_utf8(tmp_path: Path) -> None:
    # "电表" in GBK happens to be invalid UTF-8; decoding it as UTF-8 would give mojibake
    raw = "a,b\n电表,1\n".encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    path = tmp_path / "x.csv"
    path.write_bytes(raw)
    con = duckdb.connect(":memory:")
    stage_file(con, path, "x.csv", "stg")
    assert con.execute("SELECT a FROM stg").fetchall() == [("电表",)]


def test_neither_utf8_nor_gb18030_is_refused(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "bad.csv"
    # 0xFF is never a valid lead byte in UTF-8 or GB18030
    path.write_bytes(b"meter_id,value\nM1,\xff\xff\n")
    with pytest.raises(PackageError, match=r"readings/bad\.csv.*not UTF-8 or GB18030") as err:
        stage_file(con, path, "readings/bad.csv", "stg")
    assert err.value.problems[0].file == "readings/bad.csv"


def test_empty_file_names_the_file(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(PackageError, match=r"readings/empty\.csv.*empty") as err:
        stage_file(con, path, "readings/empty.csv", "stg")
    assert err.value.problems[0].file == "readings/empty.csv"


@pytest.mark.parametrize("raw", [b"\n", b"\r\n\r\n", b"   \n\n", b"\xef\xbb\xbf"])
def test_blank_file_is_empty(tmp_path: Path, con: duckdb.DuckDBPyConnection, raw: bytes) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(raw)
    with pytest.raises(PackageError, match=r"blank\.csv.*empty"):
        stage_file(con, path, "blank.csv", "stg")


def test_header_only_has_no_rows(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "h.csv"
    path.write_text("meter_id,timestamp,value\n", encoding="utf-8")
    staged = stage_file(con, path, "h.csv", "stg")
    assert staged.columns == ("meter_id", "timestamp", "value")
    assert staged.rows == 0


def test_blank_lines_keep_true_line_numbers(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "r.csv"
    # line 1 header, 2 blank, 3 M1, 4-5 blank, 6 M2, 7 blank (CRLF line ends)
    text = "meter_id,name,value\n\nM1,a,1\n\n\nM2,b,2\n\n"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    stage_file(con, path, "r.csv", "stg")
    assert _rows(con, "stg") == [("M1", "a", "1", 3), ("M2", "b", "2", 6)]


@pytest.mark.parametrize(("raw", "lines"), [
    (b"\nmeter_id,name,value\nM1,a,1\nM2,b,2\n", [3, 4]),             # leading blank line
    (b"meter_id,name,value\nM1,a,1\n  \nM2,b,2\n", [2, 4]),           # white-space-only line
    (b"\xef\xbb\xbf\r\nmeter_id,name,value\r\nM1,a,1\r\nM2,b,2", [3, 4]),
])
def test_odd_blank_lines_keep_true_line_numbers(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, raw: bytes, lines: list[int]
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(raw)
    staged = stage_file(con, path, "r.csv", "stg")
    assert staged.columns == ("meter_id", "name", "value")
    assert [r[3] for r in _rows(con, "stg")] == lines


def test_clean_csv_rows_are_numbered_from_two(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("meter_id,name,value\n" + "".join(f"M{i},n,{i}\n" for i in range(500)),
                    encoding="utf-8")
    con = duckdb.connect(":memory:")
    con.execute("BEGIN TRANSACTION")  # rowids inside a transaction start at an offset
    stage_file(con, path, "r.csv", "stg")
    rows = con.execute("SELECT meter_id, _row FROM stg ORDER BY _row").fetchall()
    assert rows[0] == ("M0", 2)
    assert rows[-1] == ("M499", 501)


def test_ragged_row_is_named(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "r.csv"
    path.write_text("meter_id,name,value\n\nM1,a,1\nM2,b\n", encoding="utf-8")
    with pytest.raises(PackageError, match=r"r\.csv, row 4.*2 fields") as err:
        stage_file(con, path, "r.csv", "stg")
    assert err.value.problems[0].row == 4


@pytest.mark.parametrize("text", [
    "meter_id,timestamp,value\nA,1,2\nB,3,4\nC,5,6,reset\n",   # clean: DuckDB's fast path
    "meter_id,timestamp,value\n\nA,1,2\nB,3,4\nC,5,6,reset\n",  # blank line: csv module
])
def test_ragged_last_row_is_not_taken_for_the_header(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, text: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackageError, match=r"r\.csv, row \d: 4 fields, header has 3"):
        stage_file(con, path, "r.csv", "stg")


@pytest.mark.parametrize("text", ["a,b,a\n1,2,3\n", "a,b,a\n\n1,2,3\n"])
def test_repeated_column_is_refused(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, text: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackageError, match=r"r\.csv, row 1, field 'a': column appears more"):
        stage_file(con, path, "r.csv", "stg")


def test_quoted_fields_keep_commas_and_newlines(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "r.csv"
    path.write_text('meter_id,name,value\nM1,"a, b",1\nM2,"two\nlines",2\n', encoding="utf-8")
    stage_file(con, path, "r.csv", "stg")
    got = con.execute("SELECT meter_id, name, value FROM stg ORDER BY _row").fetchall()
    assert got == [("M1", "a, b", "1"), ("M2", "two\nlines", "2")]


def test_xlsx_rows_keep_sheet_line_numbers(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["meter_id", "name", "value"])
    ws.append(["M1", "关口表 购电", 1000])
    ws.append([None, None, None])  # blank row 3
    ws.append(["M2", "屋顶光伏", 20.5])
    ws.append(["M3", None, "7"])
    path = tmp_path / "meters.xlsx"
    wb.save(path)
    staged = stage_file(con, path, "meters.xlsx", "stg")
    assert staged.encoding == "xlsx"
    assert staged.rows == 3
    rows = _rows(con, "stg")
    assert [(r[0], r[1], r[3]) for r in rows] == [("M1", "关口表 购电", 2), ("M2", "屋顶光伏", 4),
                                                  ("M3", None, 5)]
    assert float(str(rows[0][2])) == 1000.0
    assert rows[1][2] == "20.5"


def test_xlsx_dates_are_iso_text(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    import datetime as dt

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["meter_id", "timestamp", "value"])
    ws.append(["M1", dt.datetime(2025, 3, 1, 0, 15), 1])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    stage_file(con, path, "r.xlsx", "stg")
    ts = con.execute("SELECT timestamp FROM stg").fetchone()
    assert ts is not None
    assert str(ts[0]).startswith("2025-03-01 00:15")


@pytest.mark.parametrize(("file", "reason"), [
    ("readings/x.xlsx", "not a readable XLSX workbook"),
    ("readings/x.parquet", "cannot read Parquet"),
])
def test_unreadable_binary_file_is_named(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, file: str, reason: str
) -> None:
    path = tmp_path / Path(file).name
    path.write_bytes(b"PAR1 this is not what the name says")
    with pytest.raises(PackageError, match=re.escape(f"{file}: {reason}")):
        stage_file(con, path, file, "stg")


def test_parquet_keeps_its_rows(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "r.parquet"
    con.execute(f"COPY (SELECT 'M' || i AS meter_id, i * 1.5 AS value FROM range(3) t(i))"
                f" TO '{path}' (FORMAT parquet)")
    staged = stage_file(con, path, "readings/r.parquet", "stg")
    assert staged.encoding == "parquet" and staged.rows == 3
    got = con.execute("SELECT meter_id, value, _row FROM stg ORDER BY _row").fetchall()
    assert got == [("M0", 0.0, 2), ("M1", 1.5, 3), ("M2", 3.0, 4)]


def test_xlsx_time_only_cell_is_text(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    import datetime as dt

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["meter_id", "timestamp", "value"])
    ws.append(["M1", dt.time(0, 15), 1])
    ws.append(["M1", dt.date(2025, 3, 1), 2])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    stage_file(con, path, "r.xlsx", "stg")
    got = [ts for (ts,) in con.execute("SELECT timestamp FROM stg ORDER BY _row").fetchall()]
    assert got[0] == "00:15:00"
    assert str(got[1]).startswith("2025-03-01")


def test_large_clean_csv_keeps_line_numbers(tmp_path: Path) -> None:
    """DuckDB reads big files in parallel; ``_row`` must still be the file's line."""
    path = tmp_path / "big.csv"
    con = duckdb.connect(str(tmp_path / "ws.duckdb"))
    con.execute(
        "COPY (SELECT 'M' || (i % 7) AS meter_id, CAST(i AS VARCHAR) AS value FROM range(1500000)"
        f" t(i)) TO '{path}' (HEADER)"
    )
    con.execute("BEGIN TRANSACTION")
    staged = stage_file(con, path, "big.csv", "stg")
    assert staged.rows == 1_500_000
    wrong = con.execute(
        "SELECT count(*) FROM stg WHERE CAST(value AS BIGINT) <> _row - 2"
        " OR meter_id <> 'M' || ((_row - 2) % 7)"
    ).fetchone()
    assert wrong == (0,)
    con.execute("ROLLBACK")
    con.close()
