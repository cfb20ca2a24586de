"""Versioned writes: a changed row becomes a new version; nothing is overwritten."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from lingtan.store.schema import VERSIONED_TABLES
from lingtan.store.workspace import canonical_json


@dataclass(frozen=True)
class WriteCounts:
    """What a versioned write did: ``new`` keys, ``changed`` keys (new version), ``unchanged``."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "changed": self.changed, "unchanged": self.unchanged}


def row_sha256(content: dict[str, Any]) -> str:
    """Hash of a row's content (sorted keys, canonical JSON)."""
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def write_versioned(
    con: duckdb.DuckDBPyConnection,
    table: str,
    site_id: str,
    rows: Sequence[dict[str, Any]],
    batch_id: int,
) -> WriteCounts:
    """Insert new keys, add a version for changed keys, leave equal rows untouched.

    Parameters
    ----------
    table : str
        One of :data:`lingtan.store.schema.VERSIONED_TABLES`.
    rows : sequence of dict
        Column name → value, containing the key column; keys starting with ``_`` and
        bookkeeping columns are ignored for the content hash.
    """
    key = VERSIONED_TABLES[table]
    current = _current_versions(con, table, site_id, key)
    columns = _content_columns(con, table)
    inserts: list[list[Any]] = []
    superseded: list[list[Any]] = []
    unchanged = 0
    for row in rows:
        content = {c: _jsonable(row.get(c)) for c in columns if c not in _NOT_CONTENT}
        digest = row_sha256(content)
        old = current.get(str(row[key]))
        if old and old[1] == digest:
            unchanged += 1
            continue
        if old:
            superseded.append([site_id, row[key]])
        version = old[0] + 1 if old else 1
        inserts.append([site_id, version, True, batch_id, digest, *(row.get(c) for c in columns)])
    if superseded:
        con.executemany(
            f"UPDATE {table} SET is_current = false WHERE site_id = ? AND {key} = ? AND is_current",
            superseded,
        )
    if inserts:
        names = ["site_id", "version", "is_current", "batch_id", "row_sha256", *columns]
        placeholders = ", ".join("?" for _ in names)
        con.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders})",
                        inserts)
    return WriteCounts(len(inserts) - len(superseded), len(superseded), unchanged)


def _current_versions(
    con: duckdb.DuckDBPyConnection, table: str, site_id: str, key: str
) -> dict[str, tuple[int, str]]:
    rows = con.execute(
        f"SELECT {key}, version, row_sha256 FROM {table} WHERE site_id = ? AND is_current",
        [site_id],
    ).fetchall()
    return {str(k): (int(v), str(h)) for k, v, h in rows}


_BOOKKEEPING = {"site_id", "version", "is_current", "batch_id", "row_sha256"}
#: Stored for tracing but not part of a row's identity (moving a row is not a change).
_NOT_CONTENT = {"file", "row"}


def _content_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    cols = con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()
    return [c for (c,) in cols if c not in _BOOKKEEPING]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
