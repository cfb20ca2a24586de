"""Read one tabular file of a data package into a DuckDB staging table of text columns.

Every staging table has the file's columns (``VARCHAR``, Parquet keeps its types) plus ``_row``, the
1-based line number in the file (header = line 1), so every later error can name
file, row and field. Nothing is parsed here: typing and validation belong to the
importer, which sees every value as written.

Encodings: a file that is not valid UTF-8 is decoded as GB18030 (a superset of GBK,
what Chinese Excel writes) or refused; a valid UTF-8 file whose non-ASCII text also
reads as GBK is decided or refused by :mod:`lingtan.ingest.encodings`; a package can
declare a file's encoding in ``factory.yaml``. No mojibake can reach the store.

Line numbers: ``_row`` is the line a record starts on, also after a quoted field that
holds a line break (such a file is staged by the csv module, like one with blank lines).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from lingtan.errors import PackageError, Problem
from lingtan.ingest.encodings import DECLARABLE, Sample, resolve
from lingtan.text import first_line

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
        ``utf-8``, ``utf-8-sig``, ``gb18030``, ``gbk`` (declared), ``xlsx`` or ``parquet``.
    warnings : tuple[str, ...]
        What the reading left out without loss of data (the other sheets of a workbook).
    rejected : tuple[Problem, ...]
        With ``lenient``: rows left out because they cannot be read as the header's
        columns (a ragged row), for the importer to quarantine.
    """

    name: str
    table: str
    columns: tuple[str, ...]
    rows: int
    sha256: str
    encoding: str
    warnings: tuple[str, ...] = ()
    rejected: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class _Scan:
    sha256: str
    encoding: str
    clean: bool  # no blank lines: DuckDB's line count equals the file's
    blank: bool  # nothing but white space (and a BOM): no header row
    quoted: bool  # holds a quote character: a quoted field may hold a line break


#: A line with nothing but white space (a leading one too: the scan prefixes ``\n``).
_BLANK_LINE = re.compile(rb"\n[ \t]*\r?\n")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SAVE_AS_UTF8 = "save it as UTF-8 CSV (Excel: 'CSV UTF-8')"


def scan_text_file(path: Path, name: str | None = None, declared: str | None = None) -> _Scan:
    """Hash a text file; find its encoding, blank lines, quotes and a file with no text.

    One pass over the file: the hash, the UTF-8 validity of every byte and a bounded
    sample of non-ASCII lines for :func:`lingtan.ingest.encodings.resolve`. A file that
    is not UTF-8 is GB18030; that is checked when it is decoded.

    Parameters
    ----------
    path : Path
        The file.
    name : str, optional
        Name used in problems (path inside the package); default ``path.name``.
    declared : str, optional
        Encoding the package declares for the file (``utf-8``, ``gbk``, ``gb18030``).

    Raises
    ------
    PackageError
        UTF-16 text, a NUL byte, text that is ambiguous between UTF-8 and GBK, or text
        that contradicts the declared encoding.
    """
    name = name or path.name
    sha = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    sample = Sample([])
    is_utf8, clean, blank, bom, quoted, last, offset = True, True, True, False, False, b"\n", 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK_BYTES):
            sha.update(chunk)
            body = chunk
            if offset == 0:
                if chunk.startswith(_UTF16_BOMS):
                    raise PackageError([Problem(name, None, None, f"UTF-16 text: {_SAVE_AS_UTF8}")])
                bom = chunk.startswith(codecs.BOM_UTF8)
                body = chunk[len(codecs.BOM_UTF8):] if bom else chunk
            if b"\0" in chunk:
                raise _nul_error(path, name, offset + chunk.index(b"\0"))
            blank = blank and not body.strip()
            if _BLANK_LINE.search(last + body):
                clean = False
            quoted = quoted or b'"' in chunk
            last = body[-64:]
            if is_utf8 and not chunk.isascii():
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
                if is_utf8 and not sample.full:
                    sample.add(chunk, offset == 0, len(chunk) < _CHUNK_BYTES)
            offset += len(chunk)
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    encoding = _encoding(name, declared, is_utf8, bom, sample)
    return _Scan(sha.hexdigest(), encoding, clean, blank, quoted)


def _encoding(name: str, declared: str | None, is_utf8: bool, bom: bool, sample: Sample) -> str:
    """The file's encoding from the scan, or the declared one if the bytes agree."""
    if declared == "utf-8" and not is_utf8:
        raise PackageError([Problem(name, None, None,
                                    "not valid UTF-8, but factory.yaml declares encoding utf-8")])
    if declared is not None and declared != "utf-8" and bom:
        raise PackageError([Problem(name, None, None, "starts with a UTF-8 byte-order mark, but"
                                    f" factory.yaml declares encoding {declared}")])
    if declared is not None and declared != "utf-8":
        return declared
    if is_utf8:
        if bom:
            return "utf-8-sig"
        if declared is None and sample.lines:
            return resolve(sample.data, name)
        return "utf-8"
    return "gb18030"


def _nul_error(path: Path, name: str, at: int) -> PackageError:
    row, left = 1, at
    with path.open("rb") as fh:
        while left > 0 and (chunk := fh.read(min(left, _CHUNK_BYTES))):
            row, left = row + chunk.count(b"\n"), left - len(chunk)
    return PackageError([Problem(name, row, None, "NUL byte: binary data or UTF-16 text"
                                 f" without byte-order mark; {_SAVE_AS_UTF8}")])


def _decode(path: Path, encoding: str, name: str) -> str:
    """The whole file as text; bytes the encoding cannot read are a problem on their row."""
    raw = path.read_bytes()
    try:
        return raw.decode(DECLARABLE.get(encoding, encoding))
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        what = "UTF-8 or GB18030/GBK" if encoding == "gb18030" else encoding
        raise PackageError([Problem(name, row, None, f"not {what} text (byte {exc.start})")]
                           ) from exc


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK_BYTES):
            sha.update(chunk)
    return sha.hexdigest()


def stage_file(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, table: str,
    encoding: str | None = None, *, lenient: bool = False,
) -> StagedFile:
    """Load ``path`` into the temporary table ``table`` (text columns + ``_row``).

    Parameters
    ----------
    encoding : str, optional
        Encoding the package declares for a CSV file (:data:`DECLARABLE`); default:
        detected.
    lenient : bool
        A CSV row with another number of fields than the header is left out and
        returned in ``rejected`` instead of refusing the file.

    Raises
    ------
    PackageError
        Empty file, missing or repeated header, ragged rows, undecodable or ambiguous
        text or an unreadable XLSX/Parquet file.
    """
    suffix = path.suffix.lower()
    warnings: tuple[str, ...] = ()
    rejected: list[Problem] | None = [] if lenient else None
    if path.stat().st_size == 0:
        raise PackageError([Problem(name, None, None, "file is empty (no header row)")])
    if suffix == ".xlsx":
        sha = _sha256(path)
        data, warnings = _read_xlsx(path, name)
        _register_arrow(con, table, data)
        encoding = "xlsx"
    elif suffix == ".parquet":
        sha = _sha256(path)
        _stage_parquet(con, path, name, table)
        encoding = "parquet"
    else:
        sha, encoding = _stage_text(con, path, name, table, encoding, rejected)
    columns = tuple(
        c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()
        if c != "_row"
    )
    count = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return StagedFile(name, table, columns, int(count[0]) if count else 0, sha, encoding,
                      warnings, tuple(rejected or ()))


def _stage_text(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, table: str, declared: str | None,
    rejected: list[Problem] | None = None,
) -> tuple[str, str]:
    """Stage a CSV: DuckDB reads it as UTF-8 while a thread hashes and checks it.

    ``hashlib`` and DuckDB both release the GIL, so the scan costs no extra time. If the
    scan finds GB18030 text or blank lines, or DuckDB's rows hold a quoted line break,
    the optimistic read is discarded and the file is staged from Python's csv module
    instead (exact line numbers, no mojibake).
    """
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(scan_text_file, path, name, declared)
        failure: Exception | None = None
        if declared in (None, "utf-8"):
            try:
                _stage_csv_duckdb(con, path, name, table, _utf8_flavour(path))
            except (PackageError, UnicodeDecodeError, StopIteration, csv.Error,
                    duckdb.Error) as exc:
                failure = exc
        scan = future.result()
    if scan.blank:
        raise PackageError([Problem(name, None, None, "file is empty (no header row)")])
    exact = scan.encoding in ("utf-8", "utf-8-sig") and scan.clean
    fallback = isinstance(failure, _FastPathError)  # e.g. mixed CRLF/LF line ends
    if exact and failure is not None and not fallback:
        raise failure if isinstance(failure, PackageError) else PackageError(
            [Problem(name, None, None, f"cannot read CSV: {failure}")])
    if not exact or fallback or (scan.quoted and _has_line_breaks(con, table)):
        _register_arrow(con, table, _read_csv_text(_decode(path, scan.encoding, name), name,
                                                   rejected))
    return scan.sha256, scan.encoding


def _has_line_breaks(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether a staged value holds a line break (then ``rowid`` is not the line number)."""
    columns = [c for (c,) in con.execute(
        f"SELECT column_name FROM (DESCRIBE {table}_raw)").fetchall()]
    test = " OR ".join(f"contains({_ident(c)}, chr(10)) OR contains({_ident(c)}, chr(13))"
                       for c in columns)
    row = con.execute(f"SELECT EXISTS (SELECT 1 FROM {table}_raw WHERE {test})").fetchone()
    return bool(row and row[0])


def _ident(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


class _FastPathError(PackageError):
    """DuckDB's reader refused a CSV that Python's csv module reads row by row (mixed
    line ends): the file is staged from the csv module instead."""


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
        # staged by the csv module instead, which names ragged rows (or, lenient, skips them)
        raise _FastPathError([Problem(name, None, None, f"cannot read CSV: {first_line(exc)}")]
                              ) from exc
    _row_view(con, table)



def _check_header(header: list[str], name: str) -> list[str]:
    """The header, unless a column has no name or a name repeats (one would hide the other)."""
    nameless = [Problem(name, 1, None, f"column {i} has no name") for i, h in
                enumerate(header, start=1) if not h]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    problems = nameless + [Problem(name, 1, h, "column appears more than once") for h in repeated]
    if problems:
        raise PackageError(problems)
    return header


def _stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, name: str, table: str) -> None:
    """Parquet keeps its column types; the importer casts what it needs."""
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT * FROM read_parquet(?)",
                    [str(path)])
    except duckdb.Error as exc:
        reason = first_line(exc).replace(str(path), name)
        raise PackageError([Problem(name, None, None, f"cannot read Parquet: {reason}")]
                           ) from exc
    _row_view(con, table)


def _row_view(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Expose ``_row``: DuckDB keeps insertion order, so the first rowid is file line 2.

    Inside a transaction rowids start at a large offset, hence ``- min(rowid)``.
    """
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT *,"
        f" rowid - (SELECT min(rowid) FROM {table}_raw) + 2 AS _row FROM {table}_raw"
    )


def _read_csv_text(text: str, name: str, rejected: list[Problem] | None = None) -> pa.Table:
    """Rows of a CSV text, each numbered by the line it starts on (a quoted field may span
    lines); blank lines are skipped. A ragged row is refused, or with ``rejected`` given
    left out and appended to it."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    for line, record in _numbered(reader, name):
        if not record or all(not v.strip() for v in record):
            continue
        if header is None:
            header = _check_header([h.strip() for h in record], name)
            continue
        if len(record) != len(header):
            problems.append(Problem(name, line, None,
                                    f"{len(record)} fields, header has {len(header)}"))
            continue
        rows.append(record)
        lines.append(line)
    if header is None:
        raise PackageError([Problem(name, None, None, "file is empty (no header row)")])
    if problems and rejected is None:
        raise PackageError(problems)
    if rejected is not None:
        rejected += problems
    return _to_arrow(header, rows, lines)


def _numbered(reader: Any, name: str) -> Iterator[tuple[int, list[str]]]:
    """``(line the record starts on, record)``; bad quoting is a problem on its line."""
    end = 0
    while True:
        start = end + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = (f"a quoted field opened on this row is never closed ({exc})"
                      if "end of data" in str(exc) else f"cannot read CSV: {exc}")
            raise PackageError([Problem(name, start, None, reason)]) from exc
        end = reader.line_num
        yield start, record


_Rows = Generator[tuple[object, ...], None, None]
_XLS_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _read_xlsx(path: Path, name: str) -> tuple[pa.Table, tuple[str, ...]]:
    """The first sheet (as text, with sheet line numbers) and a warning per other sheet.

    Raises
    ------
    PackageError
        Not a workbook, an empty first sheet, a row longer than the header, or another
        sheet with the first one's header (more of the same data, which would be lost).
    """
    from openpyxl import load_workbook

    _check_xlsx_magic(path, name)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise PackageError([Problem(name, None, None, f"not a readable XLSX workbook: {exc}")]
                           ) from exc
    sheets = [(ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets]
    try:
        if not sheets:
            raise PackageError([Problem(name, None, None, "workbook has no worksheet")])
        first, rows = sheets[0]
        data, header = _read_sheet(rows, name, first)
        warnings = _other_sheets(sheets[1:], header, name, first)
    finally:
        for _, rows in sheets:
            rows.close()  # a sheet read only in part holds its file open
        wb.close()
    return data, warnings


def _check_xlsx_magic(path: Path, name: str) -> None:
    """An ``.xlsx`` is a zip file; name what it is instead (an old ``.xls``, a CSV)."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PK"):
        return
    if head.startswith(_XLS_MAGIC):
        reason = "an Excel 97-2003 workbook (.xls) named .xlsx; save it as .xlsx or CSV"
    elif b"\0" not in head:
        reason = "the file is text (a CSV renamed .xlsx?); give it the .csv suffix"
    else:
        reason = "not a zip file"
    reason = f"not a readable XLSX workbook: {reason}"
    raise PackageError([Problem(name, None, None, reason)])


def _read_sheet(
    rows: _Rows, name: str, sheet: str
) -> tuple[pa.Table, list[str]]:
    header: list[str] | None = None
    out: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    for line, values in enumerate(rows, start=1):
        cells = ["" if v is None else _xlsx_text(v) for v in values]
        if all(not c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            _check_header(header, name)
            continue
        extra = [c for c in cells[len(header):] if c.strip()]
        if extra:
            width = max(i for i, c in enumerate(cells, start=1) if c.strip())
            problems.append(Problem(name, line, None, f"{width} fields, header has {len(header)}"))
            continue
        out.append(cells[: len(header)] + [""] * (len(header) - len(cells)))
        lines.append(line)
    if header is None:
        raise PackageError([Problem(name, None, None, f"first sheet {sheet!r} is empty (no header"
                                    " row); lingtan reads the first sheet only")])
    if problems:
        raise PackageError(problems)
    return _to_arrow(header, out, lines), header


def _other_sheets(
    sheets: list[tuple[str, _Rows]], header: list[str], name: str, first: str
) -> tuple[str, ...]:
    """A warning naming the non-empty sheets after the first; an error if one repeats its
    header (the rows would be data that is not imported)."""
    ignored = []
    for title, rows in sheets:
        top = next((r for r in rows if any(v is not None and str(v).strip() for v in r)), None)
        if top is None:
            continue
        cells = [("" if v is None else _xlsx_text(v)).strip() for v in top]
        while cells and not cells[-1]:
            cells.pop()
        if cells == header:
            raise PackageError([Problem(name, None, None, f"sheet {title!r} has the same header"
                                        f" as the first sheet {first!r}, but only the first sheet"
                                        " is read; put each sheet's rows in its own file")])
        ignored.append(repr(title))
    if not ignored:
        return ()
    return (f"{name}: only the first sheet {first!r} is read; sheets not read: "
            + ", ".join(ignored),)


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
