"""``lingtan import DIR``: load a data package into the workspace, atomically and idempotently.

Guarantees (docs/import.md):

- **Atomic, also under kill -9.** In strict mode (default) any invalid value aborts the
  import and nothing lands. Writes are committed in three steps (a ``pending`` batch
  row, the data, then the batch ``complete`` with its audit record;
  :mod:`lingtan.store.batches`), so a process killed at any moment leaves either the
  store as it was or the whole import with its audit record: what a killed import left
  is rolled back when the workspace is next opened.
- **Lenient.** With ``lenient=True`` valid rows land and every invalid row goes to
  ``quarantine`` with file, row, field and reason. Nothing is dropped silently.
- **Idempotent.** Importing the same package again changes nothing (no batch, no
  audit record). A changed row is a new version; the old one is kept.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from lingtan.errors import PackageError, Problem
from lingtan.factors import FactorLibrary, read_factor_rows, refrigerant_blends
from lingtan.ingest import readings as rd
from lingtan.ingest import records as rec
from lingtan.ingest.progress import ImportProgress, Silent
from lingtan.ingest.tables import TABULAR_SUFFIXES, StagedFile, stage_file
from lingtan.site import Site, read_site
from lingtan.store.batches import complete_batch, discard_batch, open_batch, roll_back
from lingtan.store.integrity import DIGEST_VERSION, readings_digest, reference_hashes
from lingtan.store.resources import memory_budget, store_errors
from lingtan.store.versioned import WriteCounts, write_versioned
from lingtan.units import Dimension, dimension_of

SMALL_TABLES: dict[str, tuple[rec.Column, ...]] = {
    "meters": rec.METERS,
    "activities": rec.ACTIVITIES,
    "production": rec.PRODUCTION,
    "instruments": rec.INSTRUMENTS,
}
KNOWN_FILES = (*SMALL_TABLES, "factors", "equipment", "energy_limits", "weather")


@dataclass
class ImportSummary:
    """What an import did (also the ``--json`` output of ``lingtan import``)."""

    site_id: str
    status: str  # imported | unchanged
    batch_id: int | None
    mode: str
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    readings: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    problems: list[str] = field(default_factory=list)
    gaps: list[dict[str, object]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Package:
    root: Path
    site: Site
    small: dict[str, Path]
    readings: list[Path]
    ignored: dict[str, str]  # file name -> why it is not read (a warning)

    def encoding(self, path: Path) -> str | None:
        """The encoding ``factory.yaml`` declares for ``path`` (``files:``), if any."""
        options = self.site.files.get(path.relative_to(self.root).as_posix())
        return options.encoding if options else None


#: Why a file of a known table, or in ``readings/``, cannot be read, by its suffix.
_UNSUPPORTED = {
    ".xls": "an Excel 97-2003 workbook: save it as .xlsx",
    ".gz": "compressed: unpack it", ".zip": "compressed: unpack it",
    ".tsv": "tab-separated: save it as CSV", ".txt": "text: save it as CSV",
}


def find_package(root: Path, *, lenient: bool = False) -> _Package:
    """Locate the files of a data package; ``factory.yaml`` is required.

    A file of a known table or in ``readings/`` whose format lingtan cannot read is an
    error (with ``lenient``, a warning); hidden files (``.DS_Store``, ``~$`` lock files,
    ``__MACOSX/``) and other top-level files are warnings.
    """
    if not (root / "factory.yaml").is_file():
        raise PackageError(
            [Problem(str(root), None, None, "not a data package: factory.yaml missing")])
    site = read_site(root / "factory.yaml")
    small: dict[str, Path] = {}
    ignored: dict[str, str] = {}
    unreadable: list[Problem] = []
    for path in sorted(root.iterdir()):
        if path.name == "factory.yaml" or path.is_dir():
            continue
        if _hidden(path.name):
            ignored[path.name] = "hidden file"
        elif path.stem in KNOWN_FILES and path.suffix.lower() in TABULAR_SUFFIXES:
            if path.stem in small:
                raise PackageError([Problem(path.name, None, None,
                                            f"two files for table {path.stem!r}")])
            small[path.stem] = path
        elif path.name.split(".")[0] in (*KNOWN_FILES, "readings"):
            unreadable.append(_unsupported(path, root))
        else:
            ignored[path.name] = "not part of the data-package format"
    for problem in [p for p in unreadable if p.file.split(".")[0] in small]:
        unreadable.remove(problem)  # meters.csv.bak beside meters.csv: nothing is lost
        table = small[problem.file.split(".")[0]]
        ignored[problem.file] = f"not part of the data-package format ({table.name} is read)"
    readings = _find_readings(root, ignored, unreadable)
    unreadable += _declared_file_problems(root, site)
    if unreadable and not lenient:
        raise PackageError(unreadable)
    ignored |= {p.file: p.reason for p in unreadable}
    return _Package(root, site, small, readings, ignored)


def _find_readings(root: Path, ignored: dict[str, str], unreadable: list[Problem]) -> list[Path]:
    """The readable files under ``readings/``; the others go to ``ignored`` or ``unreadable``."""
    readings_dir = root / "readings"
    readings = []
    for path in sorted(readings_dir.rglob("*")) if readings_dir.is_dir() else []:
        rel = path.relative_to(root)
        if any(_hidden(part) for part in rel.parts):
            if path.is_file():
                ignored[rel.as_posix()] = "hidden file"
        elif not path.is_file():
            continue
        elif path.suffix.lower() in TABULAR_SUFFIXES:
            readings.append(path)
        else:
            unreadable.append(_unsupported(path, root))
    return readings


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$")) or name == "__MACOSX"


def _unsupported(path: Path, root: Path) -> Problem:
    hint = _UNSUPPORTED.get(path.suffix.lower(), "")
    return Problem(path.relative_to(root).as_posix(), None, None,
                   f"not a supported format ({', '.join(TABULAR_SUFFIXES)}), so not read"
                   + (f"; {hint}" if hint else ""))


def _declared_file_problems(root: Path, site: Site) -> list[Problem]:
    """``files:`` in factory.yaml may declare encodings of the package's staged CSV files
    (the tables and ``readings/``; ``factors``, ``energy_limits``, ``weather`` are UTF-8)."""
    problems = []
    for rel, options in site.files.items():
        path = root / rel
        staged = rel.startswith("readings/") or (
            "/" not in rel and path.stem in (*SMALL_TABLES, "equipment"))
        if not options.encoding:
            continue
        if not path.is_file():
            problems.append(Problem("factory.yaml", None, f"files.{rel}",
                                    "no such file in the package"))
        elif path.suffix.lower() != ".csv" or not staged:
            problems.append(Problem("factory.yaml", None, f"files.{rel}", "an encoding can be"
                                    " declared for the table and readings CSV files only"))
    return problems


def import_package(
    con: duckdb.DuckDBPyConnection, root: str | Path, *, lenient: bool = False,
    progress: ImportProgress | None = None,
) -> ImportSummary:
    """Import the data package at ``root`` into the workspace ``con``.

    Reading, parsing and validating use temporary tables only and run before any write
    (DuckDB scans its transaction-local storage more slowly); the writes follow the batch
    protocol of :mod:`lingtan.store.batches`. DuckDB works within
    :func:`~lingtan.store.resources.memory_budget` and spills the rest to disk.

    Parameters
    ----------
    progress : ImportProgress, optional
        Told of every readings file read and every phase (default: nothing shown).

    Raises
    ------
    PackageError
        In strict mode, listing every invalid value (file, row, field, reason).
    StoreError
        The workspace cannot be written (disk full, out of memory): nothing was imported.
    """
    progress = progress or Silent()
    try:
        pkg = find_package(Path(root), lenient=lenient)
        with memory_budget(con), store_errors(con):
            return _import(con, pkg, lenient, progress)
    finally:
        progress.close()


def _import(con: duckdb.DuckDBPyConnection, pkg: _Package, lenient: bool,
            progress: ImportProgress) -> ImportSummary:
    try:
        prepared = _prepare(con, pkg, lenient, progress)
        batch_id = open_batch(con, pkg.site.id, str(pkg.root.resolve()), _mode(lenient))
        try:
            progress.phase("writing")
            summary, audit = _write_in_transaction(con, prepared, batch_id)
        except BaseException:
            _abandon(con, batch_id)  # its data was rolled back
            raise
        if summary.status == "unchanged":
            discard_batch(con, batch_id)
            return summary
        try:
            progress.phase("recording digests")
            _add_digests(con, audit, pkg.site.id, batch_id)
            complete_batch(con, batch_id, pkg.site.id, audit["package_sha256"],
                           json.dumps(summary.as_dict(), ensure_ascii=False, default=str),
                           audit)
        except BaseException as exc:
            _abandon(con, batch_id, pkg.site.id, f"the import failed at its end: {exc!r}")
            raise
    finally:
        _drop_temporaries(con)
    return summary


def _abandon(con: duckdb.DuckDBPyConnection, batch_id: int, site_id: str | None = None,
             reason: str = "") -> None:
    """Undo a batch whose import failed: drop its pending row (nothing of it was committed)
    or roll back its committed data. If this fails too, the next open recovers it."""
    try:
        if site_id is None:
            discard_batch(con, batch_id)
        else:
            roll_back(con, batch_id, site_id, reason)
    except duckdb.Error:
        pass


def _mode(lenient: bool) -> str:
    return "lenient" if lenient else "strict"


def _write_in_transaction(con: duckdb.DuckDBPyConnection, prepared: _Prepared, batch_id: int
                          ) -> tuple[ImportSummary, dict[str, Any]]:
    """Step 2 of the batch protocol: every data write, committed unless nothing changed."""
    con.execute("BEGIN TRANSACTION")
    try:
        summary = _write(con, prepared, batch_id)
        audit = {} if summary.status == "unchanged" else _record_files(
            con, prepared.pkg, summary, prepared.files, batch_id)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("ROLLBACK" if summary.status == "unchanged" else "COMMIT")
    return summary, audit


@dataclass
class _Prepared:
    pkg: _Package
    lenient: bool
    problems: list[Problem]
    files: list[StagedFile]
    reading_files: list[StagedFile]
    parsed: dict[str, rec.Parsed]
    user_factors: list[Any]
    equipment_rows: list[dict[str, Any]]
    reference_rows: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


def _stage_reading_file(con: duckdb.DuckDBPyConnection, pkg: _Package, path: Path, idx: int,
                        progress: ImportProgress, lenient: bool) -> StagedFile:
    name = path.relative_to(pkg.root).as_posix()
    progress.file_started(name)
    staged = stage_file(con, path, name, f"stg_rd_{idx}", pkg.encoding(path),
                        lenient=lenient)
    progress.file_done(name, staged.rows)
    return staged


def _prepare(con: duckdb.DuckDBPyConnection, pkg: _Package, lenient: bool,
             progress: ImportProgress) -> _Prepared:
    """Stage, parse and validate every file (temporary tables only, no workspace writes)."""
    site = pkg.site
    library = FactorLibrary.packaged()
    problems: list[Problem] = []
    files: list[StagedFile] = []
    user_factors = []
    if "factors" in pkg.small:
        try:
            user_factors = read_factor_rows(pkg.small["factors"], origin="user")
        except PackageError as exc:
            problems += exc.problems
        library = library.with_overrides(user_factors)
    fuel_dims = _fuel_dimensions(library)
    gases = {f.subject for f in library.select(family="gwp")} | set(refrigerant_blends())
    parsed: dict[str, rec.Parsed] = {}
    stored = _stored_meters(con, site.id)
    for table, spec in SMALL_TABLES.items():
        if table not in pkg.small:
            continue
        staged = stage_file(con, pkg.small[table], pkg.small[table].name, f"stg_{table}",
                            pkg.encoding(pkg.small[table]), lenient=lenient)
        files.append(staged)
        problems += staged.rejected
        parsed[table] = _parse_small(con, staged, table, spec, fuel_dims, gases, stored,
                                     site.id)
        problems += parsed[table].problems
    refused, warnings = _check_stored_meters(con, pkg, parsed.get("meters"), stored, problems)
    warnings += rec.lookalike_meter_ids(
        [r["meter_id"] for r in parsed["meters"].rows] if "meters" in parsed else [], stored)
    equipment_rows = _equipment_rows(con, pkg, files, problems)
    reference_rows = _energy_limit_rows(pkg, problems) + _weather_rows(pkg, problems)
    _batch_meters(con, site.id, parsed.get("meters"), refused)
    reading_files = [_stage_reading_file(con, pkg, p, i, progress, lenient)
                     for i, p in enumerate(pkg.readings)]
    files += reading_files
    problems += [p for st in reading_files for p in st.rejected]
    header = [p for st in reading_files for p in rd.header_problems(con, st)]
    if header:
        raise PackageError(problems + header)
    if reading_files:
        progress.phase("checking readings (time, value, duplicates, counters)")
        _run_readings(con, site, reading_files)
        if rd.count(con, "rd_problems") and not lenient:
            raise PackageError(problems + rd.problem_rows(con, reading_files, limit=200))
    if problems and not lenient:
        raise PackageError(problems)
    return _Prepared(pkg, lenient, problems, files, reading_files, parsed, user_factors,
                     equipment_rows, reference_rows, warnings)


def _write(con: duckdb.DuckDBPyConnection, prep: _Prepared, batch_id: int) -> ImportSummary:
    """Every data write of an import (inside the caller's transaction)."""
    site = prep.pkg.site
    summary = ImportSummary(site.id, "imported", batch_id, _mode(prep.lenient))
    summary.tables["sites"] = write_versioned(
        con, "sites", site.id, [_site_row(site)], batch_id).as_dict()
    for table, result in prep.parsed.items():
        summary.tables[table] = _write_table(con, table, site.id, result.rows, batch_id).as_dict()
    if prep.user_factors:
        rows = [f.as_dict() for f in prep.user_factors]
        summary.tables["factors"] = write_versioned(
            con, "factors", site.id, rows, batch_id).as_dict()
    if prep.reference_rows:
        summary.tables["reference_files"] = write_versioned(
            con, "reference_files", site.id, prep.reference_rows, batch_id).as_dict()
    if prep.equipment_rows:
        summary.tables["equipment"] = write_versioned(
            con, "equipment", site.id, prep.equipment_rows, batch_id).as_dict()
    problems = prep.problems
    if prep.reading_files:
        summary.readings = _write_readings(con, site.id, batch_id)
        summary.gaps = rd.gaps(con)
    if prep.lenient:
        summary.quarantined = _quarantine(con, batch_id, problems, prep.files, prep.reading_files)
    if prep.reading_files:
        problems = problems + rd.problem_rows(con, prep.reading_files, limit=50)
    summary.problems = [str(p) for p in problems[:50]]
    summary.warnings = [f"ignored file {n}: {why}" for n, why in prep.pkg.ignored.items()]
    summary.warnings += [w for f in prep.files for w in f.warnings] + prep.warnings
    if not _changed(summary):
        summary.status, summary.batch_id = "unchanged", None
    return summary


def _drop_temporaries(con: duckdb.DuckDBPyConnection) -> None:
    """Free the staging and pipeline tables (they can hold millions of rows)."""
    rows = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables"
        " WHERE table_catalog = 'temp' AND (table_name LIKE 'stg\\_%' ESCAPE '\\'"
        " OR table_name LIKE 'rd\\_%' ESCAPE '\\' OR table_name = 'batch_meters')"
    ).fetchall()
    for name, kind in sorted(rows, key=lambda r: r[1] != "VIEW"):
        con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS temp.{name}")


def _fuel_dimensions(library: FactorLibrary) -> dict[str, Dimension]:
    dims: dict[str, Dimension] = {}
    for f in library.select(family="ncv"):
        dims.setdefault(f.subject, dimension_of(f.unit.split("/", 1)[1]))
    return dims


def _parse_small(
    con: duckdb.DuckDBPyConnection, staged: StagedFile, table: str, spec: tuple[rec.Column, ...],
    fuel_dims: dict[str, Dimension], gases: set[str], stored: dict[str, dict[str, Any]],
    site_id: str,
) -> rec.Parsed:
    header = rec.check_header(staged.name, staged.columns, spec)
    if header:
        raise PackageError(header)
    cursor = con.execute(f"SELECT * FROM {staged.table} ORDER BY _row")
    names = [d[0] for d in cursor.description or []]
    rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    result = rec.parse_rows(staged.name, rows, spec)
    if table == "meters":
        rec.check_meters(staged.name, result, fuel_dims, stored)
    elif table == "activities":
        rec.check_activities(staged.name, result, fuel_dims, gases)
    elif table == "instruments":
        from lingtan.instruments.store import current_rows  # the whole stored ledger

        rec.check_instruments(staged.name, result, current_rows(con, site_id))
    elif table == "production":
        rec.check_production(staged.name, result)
    return result


def _equipment_rows(
    con: duckdb.DuckDBPyConnection, pkg: _Package, files: list[StagedFile],
    problems: list[Problem],
) -> list[dict[str, Any]]:
    """Register rows as JSON, each checked (class, numbers, IE class); bad rows are problems."""
    from lingtan.efficiency.equipment import equipment_problems

    if "equipment" not in pkg.small:
        return []
    staged = stage_file(con, pkg.small["equipment"], pkg.small["equipment"].name, "stg_equipment",
                        pkg.encoding(pkg.small["equipment"]))
    files.append(staged)
    rows = con.execute(f"SELECT * FROM {staged.table} ORDER BY _row").fetchall()
    out = []
    for values in rows:
        data = {c: v for c, v in zip((*staged.columns, "_row"), values, strict=False)
                if c != "_row"}
        bad = equipment_problems(staged.name, data, int(values[-1]))
        if bad:
            problems += bad
            continue
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(text.encode()).hexdigest()
        out.append({"row_key": str(data.get("equipment_id") or digest),
                    "row_json": text})
    return out


def _energy_limit_rows(pkg: _Package, problems: list[Problem]) -> list[dict[str, Any]]:
    """``energy_limits.csv`` (a user's 能耗限额 table), checked and kept as text."""
    from lingtan.efficiency.grades import load_energy_limits

    path = pkg.small.get("energy_limits")
    if path is None:
        return []
    if path.suffix.lower() != ".csv":
        problems.append(Problem(path.name, None, None, "energy_limits must be a UTF-8 CSV"))
        return []
    try:
        load_energy_limits(path)
    except PackageError as exc:
        problems += exc.problems
        return []
    return [{"row_key": "energy_limits.csv", "content": path.read_text(encoding="utf-8")}]


def _weather_rows(pkg: _Package, problems: list[Problem]) -> list[dict[str, Any]]:
    """``weather.csv`` (``date, temp_air_c`` daily means), checked and kept as text."""
    from lingtan.efficiency.weather import read_daily_weather

    path = pkg.small.get("weather")
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8")
        days = read_daily_weather(text, path.name)
    except (PackageError, UnicodeDecodeError) as exc:
        problems += getattr(exc, "problems", [Problem(path.name, None, None, str(exc))])
        return []
    if not days:
        return []
    # keyed by the span it covers, so packages of different years keep their own weather
    return [{"row_key": f"weather:{min(days)}:{max(days)}", "content": text}]


_STORED_METER_COLUMNS = ("meter_id", "carrier", "unit", "unit_canonical", "reading", "role",
                         "parent_id", "interval_minutes", "timestamp_marks", "rollover")


def _stored_meters(con: duckdb.DuckDBPyConnection, site_id: str) -> dict[str, dict[str, Any]]:
    """The site's current meters in the store, by id (their defining fields)."""
    rows = con.execute(f"SELECT {', '.join(_STORED_METER_COLUMNS)} FROM meters"
                       " WHERE site_id = ? AND is_current", [site_id]).fetchall()
    return {r[0]: dict(zip(_STORED_METER_COLUMNS, r, strict=True)) for r in rows}


def _check_stored_meters(
    con: duckdb.DuckDBPyConnection, pkg: _Package, meters: rec.Parsed | None,
    stored: dict[str, dict[str, Any]], problems: list[Problem],
) -> tuple[set[str], list[str]]:
    """Package meters against stored ones: a redefinition of a meter with stored readings
    is refused (:func:`records.check_redefinitions`), its problem added to ``problems``.

    Returns
    -------
    (set of str, list of str)
        Refused meter ids and warnings (role changes).
    """
    if meters is None or not stored:
        return set(), []
    site_id, before = pkg.site.id, len(meters.problems)

    def with_readings(ids: list[str]) -> set[str]:
        rows = con.execute("SELECT DISTINCT meter_id FROM readings WHERE site_id = ?"
                           " AND meter_id IN (SELECT unnest(?))", [site_id, ids]).fetchall()
        return {r[0] for r in rows}

    refused, warnings = rec.check_redefinitions(pkg.small["meters"].name, meters, stored,
                                                with_readings)
    problems += meters.problems[before:]
    return refused, warnings


def _batch_meters(
    con: duckdb.DuckDBPyConnection, site_id: str, meters: rec.Parsed | None,
    refused: set[str] | None = None,
) -> None:
    """``batch_meters``: the package's meters, else the site's current meters in the store.

    A meter whose package row was refused as a redefinition is left out, so that (with
    ``--lenient``) its readings are quarantined rather than read with the stored definition.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE batch_meters AS SELECT meter_id, reading, interval_minutes,"
        " timestamp_marks, to_canonical, rollover FROM meters WHERE site_id = ? AND is_current",
        [site_id],
    )
    rows = [(r["meter_id"], r["reading"], r["interval_minutes"], r["timestamp_marks"],
             r["to_canonical"], r["rollover"]) for r in (meters.rows if meters else [])]
    if rows:
        con.executemany("DELETE FROM batch_meters WHERE meter_id = ?", [(r[0],) for r in rows])
        con.executemany("INSERT INTO batch_meters VALUES (?, ?, ?, ?, ?, ?)", rows)
    if refused:
        con.executemany("DELETE FROM batch_meters WHERE meter_id = ?", [(m,) for m in refused])


def _run_readings(con: duckdb.DuckDBPyConnection, site: Site, files: list[StagedFile]) -> None:
    con.execute(f"SET TimeZone = '{site.timezone}'")
    try:
        rd.parse(con, files, site.timezone)
    finally:
        con.execute("SET TimeZone = 'UTC'")
    rd.validate(con)
    rd.convert_counters(con, site.id)
    rd.finalise(con)


_READING_COLUMNS = "site_id, meter_id, ts_utc, value, raw_value, flag, version, batch_id"


def _write_readings(con: duckdb.DuckDBPyConnection, site_id: str, batch_id: int) -> dict[str, int]:
    """Insert new readings; a changed one gets a new version, the old goes to reading_versions.

    A reading is changed when its value, raw value or flag differs from the stored one.
    """
    if _store_has_batch_meters(con, site_id):
        new, changed, unchanged = _write_compared(con, site_id, batch_id)
    else:
        inserted = con.execute(
            f"INSERT INTO readings ({_READING_COLUMNS}) SELECT ?, meter_id, ts_utc, value,"
            " raw_value, flag, 1, ? FROM rd_final", [site_id, batch_id]).fetchone()
        new, changed, unchanged = int(inserted[0]) if inserted else 0, 0, 0
    invalid = rd.count(con, "(SELECT DISTINCT file_idx, _row FROM rd_problems)")
    merged = rd.count(con, "rd_dropped WHERE NOT conflict")
    return {"rows_in": rd.count(con, "rd_parsed"), "new": new, "changed": changed,
            "unchanged": unchanged, "duplicates_merged": merged, "invalid": invalid}


def _store_has_batch_meters(con: duckdb.DuckDBPyConnection, site_id: str) -> bool:
    row = con.execute(
        "SELECT EXISTS (SELECT 1 FROM readings WHERE site_id = ?"
        " AND meter_id IN (SELECT meter_id FROM batch_meters))", [site_id]).fetchone()
    return bool(row and row[0])


def _write_compared(
    con: duckdb.DuckDBPyConnection, site_id: str, batch_id: int
) -> tuple[int, int, int]:
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE rd_cmp AS
        SELECT f.meter_id, f.ts_utc, f.value, f.raw_value, f.flag,
               r.value AS old_value, r.raw_value AS old_raw, r.flag AS old_flag,
               r.version AS old_version, r.batch_id AS old_batch
        FROM rd_final f LEFT JOIN readings r
          ON r.site_id = ? AND r.meter_id = f.meter_id AND r.ts_utc = f.ts_utc
        """,
        [site_id],
    )
    changed = ("old_raw IS NOT NULL AND (old_raw <> raw_value OR old_value IS DISTINCT FROM value"
               " OR old_flag IS DISTINCT FROM flag)")
    con.execute(
        "INSERT INTO reading_versions (site_id, meter_id, ts_utc, value, raw_value, flag, version,"
        " batch_id, superseded_by_batch) SELECT ?, meter_id, ts_utc, old_value, old_raw, old_flag,"
        f" old_version, old_batch, ? FROM rd_cmp WHERE {changed}", [site_id, batch_id])
    con.execute(
        f"DELETE FROM readings r USING (SELECT meter_id, ts_utc FROM rd_cmp WHERE {changed}) c"
        " WHERE r.site_id = ? AND r.meter_id = c.meter_id AND r.ts_utc = c.ts_utc", [site_id])
    con.execute(
        f"INSERT INTO readings ({_READING_COLUMNS}) SELECT ?, meter_id, ts_utc, value, raw_value,"
        f" flag, coalesce(old_version, 0) + 1, ? FROM rd_cmp WHERE old_raw IS NULL OR ({changed})",
        [site_id, batch_id])
    stats = con.execute(
        f"SELECT count(*) FILTER (WHERE old_raw IS NULL), count(*) FILTER (WHERE {changed}),"
        f" count(*) FILTER (WHERE old_raw IS NOT NULL AND NOT ({changed})) FROM rd_cmp"
    ).fetchone()
    assert stats is not None
    return int(stats[0]), int(stats[1]), int(stats[2])


def _write_table(
    con: duckdb.DuckDBPyConnection, table: str, site_id: str, rows: list[dict[str, Any]],
    batch_id: int,
) -> WriteCounts:
    clean = []
    for row in rows:
        out = {k: v for k, v in row.items() if not k.startswith("_")}
        if table == "activities":
            out["file"], out["row"] = "activities", row["_row"]
        clean.append(out)
    return write_versioned(con, table, site_id, clean, batch_id)


def _site_row(site: Site) -> dict[str, Any]:
    loc = site.location
    return {
        "site_id": site.id, "name": site.name, "province": site.province,
        "grid_region": site.grid_region, "timezone": site.timezone, "industry": site.industry,
        "lat": loc.lat if loc else None, "lon": loc.lon if loc else None,
        "green_factory_level": site.green_factory_level, "baseline_year": site.baseline_year,
        "boundary": site.boundary, "config_json": site.model_dump_json(),
    }


def _quarantine(
    con: duckdb.DuckDBPyConnection, batch_id: int, problems: list[Problem],
    files: list[StagedFile], reading_files: list[StagedFile],
) -> int:
    """Write every problem to ``quarantine`` unless the same one is already there."""
    sha = {f.name: f.sha256 for f in files}
    before = rd.count(con, "quarantine")
    for p in problems:
        con.execute(
            "INSERT INTO quarantine SELECT ?, ?, ?, ?, ?, ?, NULL WHERE NOT EXISTS (SELECT 1 FROM"
            " quarantine WHERE file_sha256 = ? AND row IS NOT DISTINCT FROM ? AND field"
            " IS NOT DISTINCT FROM ?)",
            [batch_id, p.file, sha.get(p.file, ""), p.row, p.field, p.reason,
             sha.get(p.file, ""), p.row, p.field],
        )
    if reading_files:
        names = [(i, f.name, f.sha256) for i, f in enumerate(reading_files)]
        con.execute("CREATE OR REPLACE TEMP TABLE rd_files"
                    " (file_idx INTEGER, file VARCHAR, sha VARCHAR)")
        con.executemany("INSERT INTO rd_files VALUES (?, ?, ?)", names)
        con.execute(
            """
            INSERT INTO quarantine
            SELECT ?, f.file, f.sha, p._row, p.field, p.reason,
                   to_json({meter_id: r.meter_id, timestamp: r.ts_text, value: r.value_text,
                            flag: r.flag})
            FROM rd_problems p JOIN rd_files f USING (file_idx)
            JOIN rd_text r ON r.file_idx = p.file_idx AND r._row = p._row
            ANTI JOIN quarantine q ON q.file_sha256 = f.sha AND q.row = p._row AND q.field = p.field
            """,
            [batch_id],
        )
    return rd.count(con, "quarantine") - before


def _changed(summary: ImportSummary) -> bool:
    tables = any(t["new"] or t["changed"] for t in summary.tables.values())
    readings = bool(summary.readings.get("new") or summary.readings.get("changed"))
    return tables or readings or summary.quarantined > 0


def _add_digests(con: duckdb.DuckDBPyConnection, audit: dict[str, Any], site_id: str,
                 batch_id: int) -> None:
    """The digests of what the batch stored, read after its data commit: committed rows
    scan about twice as fast as the open transaction's own (bench/RESULTS.md)."""
    audit["digest_version"] = DIGEST_VERSION
    audit["readings_digest"] = readings_digest(con, site_id, batch_id)
    audit["reference_hashes"] = reference_hashes(con, site_id, batch_id)


def _record_files(
    con: duckdb.DuckDBPyConnection, pkg: _Package, summary: ImportSummary,
    files: list[StagedFile], batch_id: int,
) -> dict[str, Any]:
    """Write the batch's files; return its audit record's detail (digests of what it wrote)."""
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.name):
        digest.update(f"{f.name}\0{f.sha256}\n".encode())
    digest.update((pkg.root / "factory.yaml").read_bytes())
    con.executemany(
        "INSERT INTO import_files VALUES (?, ?, ?, ?, ?)",
        [(batch_id, f.name, f.sha256, f.encoding, f.rows) for f in files],
    )
    return {
        "batch_id": batch_id, "package_sha256": digest.hexdigest(),
        "files": {f.name: f.sha256 for f in files}, "tables": summary.tables,
        "readings": summary.readings, "quarantined": summary.quarantined,
    }
