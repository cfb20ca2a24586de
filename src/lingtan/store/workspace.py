"""The workspace store: one DuckDB file, migrated on open, with an append-only audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb

from lingtan.errors import SchemaVersionError, StoreError
from lingtan.store.schema import LATEST_VERSION, MIGRATIONS, Migration

DEFAULT_DB = Path("lingtan.duckdb")
GENESIS_SHA256 = "0" * 64


def connect(db: str | Path = DEFAULT_DB, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) a workspace database and bring its schema up to date.

    Parameters
    ----------
    db : str or Path
        DuckDB file, or ``":memory:"``.
    read_only : bool
        Open without write access (no migration is then possible).

    Raises
    ------
    SchemaVersionError
        If the file was written by a newer lingtan.
    StoreError
        If the file is not a DuckDB database.
    """
    try:
        con = duckdb.connect(str(db), read_only=read_only)
    except duckdb.Error as exc:
        raise StoreError(f"cannot open workspace {db}: {exc}") from exc
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        if not read_only:
            migrate(con)
    except BaseException:
        con.close()  # else the file stays locked while the error is alive
        raise
    return con


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Version of the schema in ``con`` (0 for an empty database)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations, each in its own transaction; return the new version.

    Raises
    ------
    SchemaVersionError
        If the schema is newer than this lingtan.
    StoreError
        If a migration fails (e.g. the file holds another program's tables); the
        failed step is rolled back.
    """
    current = schema_version(con)
    if current > LATEST_VERSION:
        raise SchemaVersionError(
            f"workspace schema version {current} is newer than this lingtan "
            f"(understands up to {LATEST_VERSION}); upgrade lingtan"
        )
    for migration in MIGRATIONS:
        if migration.version > current:
            _apply(con, migration)
    return LATEST_VERSION


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


def utc_now() -> dt.datetime:
    """Current time in UTC as a naive datetime (the store's convention)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no whitespace: the form that is hashed."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def append_audit(
    con: duckdb.DuckDBPyConnection, action: str, subject: str, detail: dict[str, Any]
) -> str:
    """Append one record to the hash-chained audit log and return its SHA-256.

    Each record's hash covers its sequence number, time, action, subject, detail and
    the previous record's hash, so editing or removing any record breaks the chain.
    """
    last = con.execute("SELECT seq, sha256 FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS_SHA256)
    at = utc_now()
    detail_json = canonical_json(detail)
    payload = canonical_json([seq, at.isoformat(), action, subject, detail_json, prev])
    digest = hashlib.sha256(payload.encode()).hexdigest()
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?)",
        [seq, at, action, subject, detail_json, prev, digest],
    )
    return digest


def verify_audit_chain(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Sequence numbers of audit records whose hash or link does not match (empty = intact)."""
    bad: list[int] = []
    prev = GENESIS_SHA256
    rows = con.execute(
        "SELECT seq, at_utc, action, subject, detail_json, prev_sha256, sha256"
        " FROM audit_log ORDER BY seq"
    ).fetchall()
    for seq, at, action, subject, detail_json, prev_sha, sha in rows:
        payload = canonical_json([seq, at.isoformat(), action, subject, detail_json, prev])
        if prev_sha != prev or hashlib.sha256(payload.encode()).hexdigest() != sha:
            bad.append(int(seq))
        prev = sha
    return bad
