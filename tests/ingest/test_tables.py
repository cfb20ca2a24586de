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


# -- encodings (issue 9): GBK whose bytes are also valid UTF-8 ------------------------------

def _name(con: duckdb.DuckDBPyConnection) -> object:
    row = con.execute("SELECT name, _row FROM stg").fetchone()
    assert row is not None
    return row


def test_gbk_that_is_valid_utf8_is_read_as_gbk(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # 一楼 in GBK is D2 BB C2 A5, which is also the UTF-8 for "һ¥" (Cyrillic shha, yen)
    raw = "meter_id,name\nM1,一楼\n".encode("gbk")
    assert raw.decode("utf-8") == "meter_id,name\nM1,һ¥\n"
    path = tmp_path / "meters.csv"
    path.write_bytes(raw)
    staged = stage_file(con, path, "meters.csv", "stg")
    assert staged.encoding == "gb18030"
    assert _name(con) == ("一楼", 2)


@pytest.mark.parametrize("text", ["M1,3楼", "M1,1路,2路"])
def test_ambiguous_encoding_is_refused_saying_how_to_declare(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, text: str
) -> None:
    # 楼 (C2 A5) and 路 (C2 B7) are UTF-8 "¥" and "·": both readings are plausible text
    path = tmp_path / "a.csv"
    path.write_bytes(f"meter_id,name\n{text}\n".encode("gbk"))
    with pytest.raises(PackageError) as err:
        stage_file(con, path, "readings/a.csv", "stg")
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("readings/a.csv", None, None)
    assert problem.reason.startswith("encoding is ambiguous")
    assert 'files: {"readings/a.csv": {encoding: gbk}}' in problem.reason


@pytest.mark.parametrize(("declared", "name", "encoding"), [
    ("gbk", "3楼", "gbk"), ("gb18030", "3楼", "gb18030"), ("utf-8", "3¥", "utf-8"),
])
def test_declared_encoding_decides(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, declared: str, name: str, encoding: str
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("meter_id,name\nM1,3楼\n".encode("gbk"))
    staged = stage_file(con, path, "a.csv", "stg", encoding=declared)
    assert staged.encoding == encoding
    assert _name(con) == (name, 2)


@pytest.mark.parametrize(("raw", "declared", "row", "reason"), [
    ("meter_id,name\nM1,电表\n".encode("gbk"), "utf-8", None,
     "not valid UTF-8, but factory.yaml declares encoding utf-8"),
    (b"\xef\xbb\xbfmeter_id,name\nM1,x\n", "gbk", None,
     "starts with a UTF-8 byte-order mark, but factory.yaml declares encoding gbk"),
    (b"meter_id,name\nM1,x\nM2,\xff\n", "gbk", 3, "not gbk text (byte 22)"),
])
def test_declared_encoding_contradicted_by_the_bytes(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, raw: bytes, declared: str,
    row: int | None, reason: str,
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(raw)
    with pytest.raises(PackageError) as err:
        stage_file(con, path, "a.csv", "stg", encoding=declared)
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("a.csv", row, None)
    assert problem.reason == reason


@pytest.mark.parametrize("name", [
    "关口表 万kWh", "屋顶光伏 “南区”", "Café Müller", "一楼 m³ 12 °C",
])
def test_utf8_text_that_is_also_gbk_stays_utf8(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, name: str
) -> None:
    raw = f"meter_id,name\nM1,{name}\n".encode()
    path = tmp_path / "a.csv"
    path.write_bytes(raw)
    staged = stage_file(con, path, "a.csv", "stg")
    assert staged.encoding == "utf-8"
    assert _name(con) == (name, 2)


def test_two_byte_utf8_symbols_alone_are_ambiguous_unless_bom(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # "m³" is 6D C2 B3: also GBK "m鲁"; a BOM declares UTF-8
    raw = "meter_id,unit\nM1,m³\n".encode()
    path = tmp_path / "meters.csv"
    path.write_bytes(raw)
    with pytest.raises(PackageError, match="encoding is ambiguous"):
        stage_file(con, path, "meters.csv", "stg")
    path.write_bytes(b"\xef\xbb\xbf" + raw)
    assert stage_file(con, path, "meters.csv", "stg").encoding == "utf-8-sig"


def test_encoding_sample_keeps_whole_lines_only() -> None:
    from lingtan.ingest.encodings import SAMPLE_BYTES, Sample

    sample = Sample([])
    chunk = "楼A\nok\n一楼\nx\n南区".encode()  # the first and last lines are cut by the chunk
    sample.add(chunk, first=False, last=False)
    assert sample.lines == ["一楼".encode()]
    sample.add(chunk, first=True, last=True)
    assert sample.lines[1:] == ["楼A".encode(), "一楼".encode(), "南区".encode()]
    sample.add(("一" * SAMPLE_BYTES + "\n").encode(), first=True, last=True)
    assert sample.full and sample.size <= SAMPLE_BYTES + 1
    before = list(sample.lines)
    sample.add(chunk, first=True, last=True)
    assert sample.lines == before


# -- text files that are not CSV text --------------------------------------------------------

@pytest.mark.parametrize(("raw", "row", "reason"), [
    (b"meter_id,value\nM1,1\x00\n", 2, "NUL byte"),
    ("meter_id,value\nM1,1\n".encode("utf-16-le"), 1, "NUL byte"),
    ("meter_id,value\nM1,1\n".encode("utf-16"), None, "UTF-16 text"),
])
def test_nul_byte_and_utf16_are_refused(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, raw: bytes, row: int | None, reason: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(raw)
    with pytest.raises(PackageError) as err:
        stage_file(con, path, "readings/r.csv", "stg")
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("readings/r.csv", row, None)
    assert reason in problem.reason and "save it as UTF-8" in problem.reason


@pytest.mark.parametrize("blank", ["", "\n"])  # DuckDB's path, and the csv module's
def test_quoted_line_break_keeps_true_line_numbers(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, blank: str
) -> None:
    path = tmp_path / "r.csv"
    # line 1 header, (blank), M1 spans two lines, M2 on the next line, M3 after it
    path.write_text(f'meter_id,name,value\n{blank}M1,"two\nlines",1\nM2,b,2\nM3,"c",3\n',
                    encoding="utf-8")
    stage_file(con, path, "r.csv", "stg")
    first = 2 + len(blank)
    assert _rows(con, "stg") == [("M1", "two\nlines", "1", first), ("M2", "b", "2", first + 2),
                                 ("M3", "c", "3", first + 3)]


def test_quoted_crlf_line_break_keeps_true_line_numbers(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b'meter_id,name,value\r\nM1,"a\r\nb\r\nc",1\r\nM2,b,2\r\n')
    stage_file(con, path, "r.csv", "stg")
    assert [r[3] for r in _rows(con, "stg")] == [2, 5]


def test_unclosed_quote_names_the_row_it_opens_on(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "r.csv"
    path.write_text('meter_id,name,value\nM1,a,1\nM2,"b,2\nM3,c,3\n', encoding="utf-8")
    with pytest.raises(PackageError) as err:
        stage_file(con, path, "r.csv", "stg")
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("r.csv", 3, None)
    assert "quoted field opened on this row is never closed" in problem.reason


def test_very_long_line_is_refused_on_its_row(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"meter_id,name,value\nM1,a,1\nM2," + b"x" * 3_000_000 + b",2\n")
    with pytest.raises(PackageError) as err:
        stage_file(con, path, "r.csv", "stg")
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("r.csv", 3, None)
    assert "field larger than field limit" in problem.reason


@pytest.mark.parametrize(("header", "column"), [
    ("meter_id,,value", 2), ("meter_id,name,value,", 4),
])
@pytest.mark.parametrize("blank", ["", "\n"])
def test_nameless_column_is_refused(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, header: str, column: int, blank: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"{blank}{header}\nM1,a,1{',' if column == 4 else ''}\n", encoding="utf-8")
    with pytest.raises(PackageError) as err:
        stage_file(con, path, "r.csv", "stg")
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("r.csv", 1, None)
    assert problem.reason == f"column {column} has no name"


@pytest.mark.parametrize("blank", ["", "\n"])
def test_header_spaces_are_trimmed(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, blank: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"{blank}meter_id , name,value  \nM1,a,1\n", encoding="utf-8")
    assert stage_file(con, path, "r.csv", "stg").columns == ("meter_id", "name", "value")


def test_header_names_equal_after_trimming_are_repeated(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "r.csv"
    path.write_text("meter_id,value,value \nM1,1,2\n", encoding="utf-8")
    with pytest.raises(PackageError, match=r"r\.csv, row 1, field 'value': column appears"):
        stage_file(con, path, "r.csv", "stg")


def test_old_mac_line_ends_keep_line_numbers(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"meter_id,name,value\rM1,a,1\rM2,b,2\r")
    stage_file(con, path, "r.csv", "stg")
    assert [r[3] for r in _rows(con, "stg")] == [2, 3]


# -- binary files that are not what their suffix says ----------------------------------------

def test_truncated_or_corrupt_parquet_is_a_clear_error(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    good = tmp_path / "good.parquet"
    con.execute(f"COPY (SELECT 'M' || i AS meter_id, i AS value FROM range(1000) t(i))"
                f" TO '{good}' (FORMAT parquet)")
    raw = good.read_bytes()
    corrupt = bytearray(raw)
    corrupt[100:200] = b"\xff" * 100
    for body in (raw[: len(raw) // 2], raw[:-10], bytes(corrupt)):
        path = tmp_path / "r.parquet"
        path.write_bytes(body)
        with pytest.raises(PackageError) as err:
            stage_file(con, path, "readings/r.parquet", "stg")
        (problem,) = err.value.problems
        assert (problem.file, problem.row, problem.field) == ("readings/r.parquet", None, None)
        assert problem.reason.startswith("cannot read Parquet: ")
        assert "\n" not in problem.reason and str(tmp_path) not in problem.reason


@pytest.mark.parametrize(("raw", "reason"), [
    (b"meter_id,timestamp,value\nM1,2025-01-01 00:00,1\n", "the file is text (a CSV renamed"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504), "an Excel 97-2003 workbook (.xls)"),
])
def test_xlsx_that_is_not_a_workbook_says_what_it_is(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, raw: bytes, reason: str
) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(raw)
    with pytest.raises(PackageError) as err:
        stage_file(con, path, "readings/r.xlsx", "stg")
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("readings/r.xlsx", None, None)
    assert problem.reason.startswith(f"not a readable XLSX workbook: {reason}")


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)


DATA = [["meter_id", "timestamp", "value"], ["M1", "2025-01-01 00:00", 1]]


def test_xlsx_other_sheets_are_named_in_a_warning(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "r.xlsx"
    _workbook(path, {"一月": DATA, "说明": [["本表为一月读数"]], "Sheet3": []})
    staged = stage_file(con, path, "readings/r.xlsx", "stg")
    assert staged.rows == 1
    assert staged.warnings == ("readings/r.xlsx: only the first sheet '一月' is read;"
                               " sheets not read: '说明'",)


def test_xlsx_other_sheet_with_the_same_header_is_refused(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "r.xlsx"
    _workbook(path, {"Jan": DATA, "Feb": [[], *DATA]})
    with pytest.raises(PackageError) as err:
        stage_file(con, path, "readings/r.xlsx", "stg")
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("readings/r.xlsx", None, None)
    assert problem.reason.startswith("sheet 'Feb' has the same header as the first sheet 'Jan'")


def test_xlsx_empty_first_sheet_is_refused(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "r.xlsx"
    _workbook(path, {"Sheet1": [[None, None]], "Data": DATA})
    with pytest.raises(PackageError) as err:
        stage_file(con, path, "readings/r.xlsx", "stg")
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("readings/r.xlsx", None, None)
    assert problem.reason == ("first sheet 'Sheet1' is empty (no header row);"
                              " lingtan reads the first sheet only")


def test_xlsx_value_beyond_the_header_is_refused(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "r.xlsx"
    _workbook(path, {"Sheet1": [*DATA, ["M1", "2025-01-01 01:00", 2, None, "reset"]]})
    with pytest.raises(PackageError) as err:
        stage_file(con, path, "readings/r.xlsx", "stg")
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("readings/r.xlsx", 3, None)
    assert problem.reason == "5 fields, header has 3"
