"""Read one tabular file of a data package into a DuckDB staging table of text columns.

Every staging table has the file's columns (``VARCHAR``, Parquet keeps its types) plus ``_row``, the
1-based line number in the file (header = line 1), so every later error can name
file, row and field. Nothing is parsed here: typing and validation belong to the
importer, which sees every value as written.

Encodings: UTF-8 (with or without BOM) is read as is; a file that is not valid
UTF-8 is decoded as GB18030 (a superset of GBK, what Chinese Excel writes) and
never guessed further — a file that is neither is an error, so no mojibake can
reach the store.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from lingtan.errors import PackageError, Problem

_CHUNK_BYTES = 1 << 24
TABULAR_SUFFIXES = (".csv", ".xlsx", ".parquet")


@dataclass(frozen=True)
class StagedFile:
    """A file loaded into a staging table.

    Attributes
    ----------
    name : str
        Path relative to the package root, with forward slashes.
    table : str
        Name of the temporary staging table.
    columns : tuple[str, ...]
        Header as written (without ``_row``).
    rows : int
        Number of data rows.
    sha256 : str
        Hash of the file's bytes.
    encoding : str
        ``utf-8``, ``utf-8-sig``, ``gb18030``, ``xlsx`` or ``parquet``.
    """

    name: str
    table: str
    columns: tuple[str, ...]
    rows: int
    sha256: str
    encoding: str


@dataclass(frozen=True)
class _Scan:
    sha256: str
    encoding: str
    clean: bool  # no blank lines: DuckDB's line count equals the file's
    blank: bool  # nothing but white space (and a BOM): no header row


#: A line with nothing but white space (a leading one too: the scan prefixes ``\n``).
_BLANK_LINE = re.compile(rb"\n[ \t]*\r?\n")


def scan_text_file(path: Path, name: str | None = None) -> _Scan:
    """Hash a text file, detect UTF-8 vs GB18030, blank lines and a file with no text.

    Parameters
    ----------
    path : Path
        The file.
    name : str, optional
        Name used in problems (path inside the package); default ``path.name``.

    Raises
    ------
    PackageError
        If the file is neither valid UTF-8 nor valid GB18030.
    """
    sha = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, clean, blank, bom, last = True, True, True, False, b"\n"
    with path.open("rb") as fh:
        first = True
        while chunk := fh.read(_CHUNK_BYTES):
            sha.update(chunk)
            body = chunk
            if first:
                bom, first = chunk.startswith(codecs.BOM_UTF8), False
                body = chunk[len(codecs.BOM_UTF8):] if bom else chunk
            blank = blank and not body.strip()
            if _BLANK_LINE.search(last + body):
                clean = False
            last = body[-64:]
            if is_utf8 and not chunk.isascii():
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return _Scan(sha.hexdigest(), "utf-8-sig" if bom else "utf-8", clean, blank)
    try:
        path.read_bytes().decode("gb18030")
    except UnicodeDecodeError as exc:
        raise PackageError(
            [Problem(name or path.name, None, None,
                     f"not UTF-8 or GB18030/GBK text (byte {exc.start})")]
        ) from exc
    return _Scan(sha.hexdigest(), "gb18030", clean, blank)


def stage_file(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, table: str
) -> StagedFile:
    """Load ``path`` into the temporary table ``table`` (text columns + ``_row``).

    Raises
    ------
    PackageError
        Empty file, missing or repeated header, ragged rows, undecodable text or an
        unreadable XLSX/Parquet file.
    """
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise PackageError([Problem(name, None, None, "file is empty (no header row)")])
    if suffix == ".xlsx":
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        _register_arrow(con, table, _read_xlsx(path, name))
        encoding = "xlsx"
    elif suffix == ".parquet":
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        _stage_parquet(con, path, name, table)
        encoding = "parquet"
    else:
        sha, encoding = _stage_text(con, path, name, table)
    columns = tuple(
        c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()
        if c != "_row"
    )
    count = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return StagedFile(name, table, columns, int(count[0]) if count else 0, sha, encoding)


def _stage_text(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, table: str
) -> tuple[str, str]:
    """Stage a CSV: DuckDB reads it as UTF-8 while a thread hashes and checks it.

    ``hashlib`` and DuckDB both release the GIL, so the scan costs no extra time. If the
    scan finds GB18030 text or blank lines, the optimistic read is discarded and the
    file is staged from Python's csv module instead (exact line numbers, no mojibake).
    """
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(scan_text_file, path, name)
        failure: Exception | None = None
        try:
            _stage_csv_duckdb(con, path, name, table, _utf8_flavour(path))
        except (PackageError, UnicodeDecodeError, StopIteration, duckdb.Error) as exc:
            failure = exc
        scan = future.result()
    if scan.blank:
        raise PackageError([Problem(name, None, None, "file is empty (no header row)")])
    if scan.encoding == "gb18030" or not scan.clean:
        text = path.read_bytes().decode(scan.encoding)
        _register_arrow(con, table, _read_csv_text(text, name))
    elif failure is not None:
        raise failure
    return scan.sha256, scan.encoding


def _utf8_flavour(path: Path) -> str:
    with path.open("rb") as fh:
        return "utf-8-sig" if fh.read(3) == codecs.BOM_UTF8 else "utf-8"


def _stage_csv_duckdb(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, table: str, encoding: str
) -> None:
    """Fast path for clean CSV; on failure the csv module names the bad lines, if it can.

    The header is read here and given to DuckDB: its sniffer, left alone, may take a
    ragged row for the header and silently misread the whole file.
    """
    with path.open(encoding=encoding, newline="") as fh:
        header = _check_header([h.strip() for h in next(csv.reader(fh))], name)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT * FROM read_csv(?, header = true,"
            " auto_detect = false, columns = ?, delim = ',', quote = '\"', escape = '\"',"
            " strict_mode = true, null_padding = false)",
            [str(path), {h: "VARCHAR" for h in header}],
        )
    except duckdb.Error as exc:
        _read_csv_text(path.read_bytes().decode(encoding), name)  # raises naming ragged rows
        raise PackageError([Problem(name, None, None, f"cannot read CSV: {exc}")]) from exc
    _row_view(con, table)


def _check_header(header: list[str], name: str) -> list[str]:
    """The header, unless a column name repeats (one would hide the other)."""
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise PackageError([Problem(name, 1, h, "column appears more than once") for h in repeated])
    return header


def _stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, name: str, table: str) -> None:
    """Parquet keeps its column types; the importer casts what it needs."""
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT * FROM read_parquet(?)",
                    [str(path)])
    except duckdb.Error as exc:
        raise PackageError([Problem(name, None, None, f"cannot read Parquet: {exc}")]) from exc
    _row_view(con, table)


def _row_view(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Expose ``_row``: DuckDB keeps insertion order, so the first rowid is file line 2.

    Inside a transaction rowids start at a large offset, hence ``- min(rowid)``.
    """
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT *,"
        f" rowid - (SELECT min(rowid) FROM {table}_raw) + 2 AS _row FROM {table}_raw"
    )


def _read_csv_text(text: str, name: str) -> pa.Table:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    for record in reader:
        if not record or all(not v.strip() for v in record):
            continue
        if header is None:
            header = _check_header([h.strip() for h in record], name)
            continue
        if len(record) != len(header):
            problems.append(Problem(name, reader.line_num, None,
                                    f"{len(record)} fields, header has {len(header)}"))
            continue
        rows.append(record)
        lines.append(reader.line_num)
    if header is None:
        raise PackageError([Problem(name, None, None, "file is empty (no header row)")])
    if problems:
        raise PackageError(problems)
    return _to_arrow(header, rows, lines)


def _read_xlsx(path: Path, name: str) -> pa.Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise PackageError([Problem(name, None, None, f"not a readable XLSX workbook: {exc}")]
                           ) from exc
    ws = wb.worksheets[0]
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else _xlsx_text(v) for v in values]
        if all(not c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            _check_header(header, name)
            continue
        rows.append(cells[: len(header)] + [""] * (len(header) - len(cells)))
        lines.append(line)
    wb.close()
    if header is None:
        raise PackageError([Problem(name, None, None, "sheet is empty (no header row)")])
    return _to_arrow(header, rows, lines)


def _xlsx_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


def _to_arrow(header: list[str], rows: list[list[str]], lines: list[int]) -> pa.Table:
    columns = {h: pa.array([r[i] if r[i] != "" else None for r in rows], pa.string())
               for i, h in enumerate(header)}
    columns["_row"] = pa.array(lines, pa.int64())
    return pa.table(columns)


def _register_arrow(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    con.register(f"{table}_arrow", data)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT * FROM {table}_arrow")
    con.unregister(f"{table}_arrow")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {table}_raw")
