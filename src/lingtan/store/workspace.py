"""The workspace store: one DuckDB file, migrated and recovered on open.

The hash-chained audit log lives in :mod:`lingtan.store.audit` (its names are
re-exported here).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import duckdb

from lingtan.errors import (
    SchemaVersionError,
    StoreError,
    WorkspaceBusyError,
    WorkspaceNotFoundError,
)
from lingtan.store.audit import (  # re-exported: the workspace's audit chain
    GENESIS_SHA256,
    append_audit,
    canonical_json,
    utc_now,
    verify_audit_chain,
)
from lingtan.store.batches import recover
from lingtan.store.schema import BATCH_STATE_VERSION, LATEST_VERSION, MIGRATIONS, Migration
from lingtan.text import first_line

DEFAULT_DB = Path("lingtan.duckdb")


#: DuckDB settings of every workspace connection: nothing is downloaded or loaded on
#: demand (a SQLite file must not make DuckDB fetch its ``sqlite`` extension).
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False, "autoload_known_extensions": False}
#: How long an open waits for another process's write lock (``LINGTAN_LOCK_WAIT_S``).
LOCK_WAIT_S = 10.0


def connect(db: str | Path = DEFAULT_DB, *, read_only: bool = False, create: bool = True,
            lock_wait_s: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open a workspace database, bring its schema up to date and recover killed imports.

    Parameters
    ----------
    db : str or Path
        DuckDB file, or ``":memory:"``.
    read_only : bool
        Open without write access. A workspace that needs a migration or holds a killed
        import is first opened for writing once, to migrate and recover it.
    create : bool
        Create the file if it does not exist (commands that only read pass ``False``).
    lock_wait_s : float, optional
        Wait this long for another process's lock (default :data:`LOCK_WAIT_S`, or the
        environment variable ``LINGTAN_LOCK_WAIT_S``).

    Raises
    ------
    WorkspaceNotFoundError
        ``create=False`` and there is no file at ``db``.
    WorkspaceBusyError
        Another process still holds the workspace after the wait.
    SchemaVersionError
        If the file was written by a newer lingtan.
    StoreError
        If the file is not a lingtan workspace.
    """
    path = str(db)
    if path != ":memory:" and not create and not Path(path).is_file():
        raise WorkspaceNotFoundError(
            f"no workspace at {path!r} (create one with `lingtan import PACKAGE --db {path}`)")
    if path != ":memory:":
        _check_file_kind(path)
    con = _open(path, read_only, lock_wait_s)
    if read_only and path != ":memory:" and _needs_writer(con):
        con.close()  # let a writer migrate or recover the file once, then read
        connect(path, lock_wait_s=lock_wait_s).close()
        con = _open(path, read_only, lock_wait_s)
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        if read_only:
            _check_version(con, path)
        else:
            if migrate(con, path) >= BATCH_STATE_VERSION:
                recover(con)
    except BaseException:
        con.close()  # else the file stays locked while the error is alive
        raise
    return con


#: DuckDB's file magic (bytes 8–11 of its header) and others worth naming.
_DUCKDB_MAGIC = b"DUCK"
_OTHER_KINDS = {b"SQLite format 3\0": "a SQLite database", b"PAR1": "a Parquet file",
                b"PK\x03\x04": "a zip archive (a bundle? use `lingtan verify --bundle`)"}


def _check_file_kind(path: str) -> None:
    """Refuse, before DuckDB sees it, a file that is not a DuckDB database (DuckDB would
    try to load a reader extension for a SQLite file)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot open workspace {path!r}: {exc.strerror}") from exc
    if not head or head[8:12] == _DUCKDB_MAGIC:
        return
    kind = next((name for magic, name in _OTHER_KINDS.items() if head.startswith(magic)),
                "not a DuckDB database")
    raise StoreError(f"cannot open workspace {path!r}: not a lingtan workspace ({kind})")


def _open(path: str, read_only: bool, lock_wait_s: float | None) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` that waits for another process's lock, then names it."""
    wait_s = lock_wait_s if lock_wait_s is not None else _env_seconds("LINGTAN_LOCK_WAIT_S")
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=_CONFIG)
        except duckdb.IOException as exc:
            holder = _lock_holder(str(exc))
            if holder is None:
                raise StoreError(f"cannot open workspace {path!r}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise WorkspaceBusyError(
                    f"workspace {path!r} is in use by another lingtan process ({holder}): an"
                    f" import or `lingtan serve` holds it; waited {wait_s:g} s — try again"
                    " when it has finished (LINGTAN_LOCK_WAIT_S sets the wait)") from exc
            time.sleep(0.1)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open workspace {path!r}: not a lingtan workspace"
                             f" ({first_line(exc)})") from exc


def _env_seconds(name: str) -> float:
    text = os.environ.get(name)
    if text is None:
        return LOCK_WAIT_S
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise StoreError(f"{name}={text!r} is not a number of seconds (0 or more)")
    return seconds


def _lock_holder(message: str) -> str | None:
    """``PID n`` from DuckDB's lock-conflict message, or ``None`` for another I/O error."""
    if "could not set lock" not in message.lower() and "conflicting lock" not in message.lower():
        return None  # e.g. "Corrupt database file: … in block at …" is no lock
    found = re.search(r"PID (\d+)", message)
    return f"PID {found.group(1)}" if found else "another process"



def _needs_writer(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a read-only connection must first let a writer migrate or recover the file."""
    version = schema_version(con)
    if version == 0 or version > LATEST_VERSION:
        return False  # not a workspace, or a newer one: _check_version says which
    if version < LATEST_VERSION:
        return True
    if version < BATCH_STATE_VERSION:
        return False
    row = con.execute("SELECT count(*) FROM import_batches WHERE state = 'pending'").fetchone()
    return bool(row and row[0])


def _check_version(con: duckdb.DuckDBPyConnection, path: str) -> None:
    version = schema_version(con)
    if version > LATEST_VERSION:
        raise _too_new(version)
    if version == 0:
        raise StoreError(f"{path!r} is not a lingtan workspace (no schema_migrations table)")


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Version of the schema in ``con`` (0 for an empty database)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection, path: str = "") -> int:
    """Apply pending migrations, each in its own transaction; return the new version.

    Raises
    ------
    SchemaVersionError
        If the schema is newer than this lingtan.
    StoreError
        If the database holds another program's tables, or a migration fails (the failed
        step is rolled back).
    """
    current = schema_version(con)
    if current > LATEST_VERSION:
        raise _too_new(current)
    if current == 0 and _has_tables(con):
        raise StoreError(f"{path or 'the database'!r} is not a lingtan workspace: it holds"
                         " other tables and no schema_migrations")
    for migration in MIGRATIONS:
        if migration.version > current:
            _apply(con, migration)
    return LATEST_VERSION


def _too_new(version: int) -> SchemaVersionError:
    return SchemaVersionError(
        f"workspace schema version {version} is newer than this lingtan "
        f"(understands up to {LATEST_VERSION}); upgrade lingtan")


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables"
                      " WHERE table_catalog NOT IN ('system', 'temp')").fetchone()
    return bool(row and row[0])


def _apply(con: duckdb.DuckDBPyConnection, migration: Migration) -> None:
    """Run one migration in a transaction, recording it in ``schema_migrations``."""
    con.execute("BEGIN TRANSACTION")
    try:
        if migration.version == 1:
            con.execute(
                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                " description VARCHAR, applied_utc TIMESTAMP)"
            )
        con.execute(migration.sql)
        con.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)",
            [migration.version, migration.description, utc_now()],
        )
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise StoreError(
            f"cannot migrate workspace to schema version {migration.version}: {exc}"
        ) from exc
    con.execute("COMMIT")


__all__ = ["DEFAULT_DB", "GENESIS_SHA256", "LOCK_WAIT_S", "append_audit", "canonical_json",
           "connect", "migrate", "schema_version", "utc_now", "verify_audit_chain"]
