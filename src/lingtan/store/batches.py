"""The life of an import batch: pending, complete — or rolled back after a crash.

An import commits in three transactions (docs/import.md, "Crash safety"):

1. :func:`open_batch` — the batch row alone, ``state = 'pending'``. Small, so its commit
   is atomic under any crash; from here on the batch id is never reused.
2. the import's data, every row tagged with the batch id (the importer's transaction);
3. :func:`complete_batch` — ``state = 'complete'`` and the import's audit record, in one
   small transaction. Only now does the batch count.

Why not one transaction: a process killed while DuckDB writes the commit of a large
transaction can leave a torn write-ahead log whose replay keeps the optimistically
written row groups of that transaction (the bulk of the readings) while rolling back
the rest of it (its batch and audit rows). That is DuckDB behaviour, seen with 1.5.6
(bench/RESULTS.md, "Crash safety") and discussed upstream in duckdb/duckdb PR #25931
("Fix uncommitted data recovered accidentally"); lingtan does not depend on it being
fixed. Whatever part of step 2 survives a crash, its batch is still ``pending``, and
:func:`recover` (run at every writable open, :func:`lingtan.store.workspace.connect`)
removes every row of that batch, restores what it superseded, marks it
``rolled_back`` and appends an ``import_rolled_back`` audit record. Recovery is
idempotent, so a crash during recovery is recovered by the next open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from lingtan.store.audit import append_audit, utc_now
from lingtan.store.schema import VERSIONED_TABLES


@dataclass(frozen=True)
class RolledBack:
    """One pending batch removed by :func:`recover`: rows removed per table."""

    batch_id: int
    site_id: str
    removed: dict[str, int] = field(default_factory=dict)
    restored_readings: int = 0


def next_batch_id(con: duckdb.DuckDBPyConnection) -> int:
    """One more than every batch id ever given (rolled-back batches included)."""
    row = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM import_batches").fetchone()
    return int(row[0]) if row else 1


def open_batch(con: duckdb.DuckDBPyConnection, site_id: str, package_path: str,
               mode: str) -> int:
    """Commit a ``pending`` batch row and return its id (step 1)."""
    con.execute("BEGIN TRANSACTION")
    try:
        batch_id = next_batch_id(con)
        con.execute(
            "INSERT INTO import_batches (batch_id, site_id, package_path, package_sha256, mode,"
            " started_utc, summary_json, state) VALUES (?, ?, ?, '', ?, ?, '{}', 'pending')",
            [batch_id, site_id, package_path, mode, utc_now()])
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return batch_id


def complete_batch(con: duckdb.DuckDBPyConnection, batch_id: int, site_id: str,
                   package_sha256: str, summary_json: str, audit_detail: dict[str, Any]) -> None:
    """Mark the batch complete and append its ``import`` audit record, atomically (step 3)."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "UPDATE import_batches SET state = 'complete', completed_utc = ?, package_sha256 = ?,"
            " summary_json = ? WHERE batch_id = ? AND state = 'pending'",
            [utc_now(), package_sha256, summary_json, batch_id])
        append_audit(con, "import", site_id, audit_detail)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def discard_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Remove the pending row of a batch that wrote nothing (an unchanged re-import)."""
    con.execute("DELETE FROM import_batches WHERE batch_id = ? AND state = 'pending'",
                [batch_id])


def pending_batches(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    """``(batch_id, site_id)`` of every batch that started and never completed."""
    rows = con.execute("SELECT batch_id, site_id FROM import_batches WHERE state = 'pending'"
                       " ORDER BY batch_id").fetchall()
    return [(int(b), str(s)) for b, s in rows]


def recover(con: duckdb.DuckDBPyConnection, reason: str = "the import did not complete"
            ) -> list[RolledBack]:
    """Roll back every pending batch (each in its own transaction); what was removed."""
    return [roll_back(con, batch_id, site_id, reason)
            for batch_id, site_id in pending_batches(con)]


def roll_back(con: duckdb.DuckDBPyConnection, batch_id: int, site_id: str,
              reason: str) -> RolledBack:
    """Remove every row of pending batch ``batch_id`` and restore what it superseded.

    Idempotent: run again after a crash in the middle, it finishes the same work (a
    superseded reading is restored only where its key has no reading).
    """
    con.execute("BEGIN TRANSACTION")
    try:
        removed, restored = _remove_rows(con, batch_id)
        con.execute("UPDATE import_batches SET state = 'rolled_back', completed_utc = ?"
                    " WHERE batch_id = ?", [utc_now(), batch_id])
        append_audit(con, "import_rolled_back", site_id, {
            "batch_id": batch_id, "reason": reason, "removed": removed,
            "restored_readings": restored})
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return RolledBack(batch_id, site_id, removed, restored)


def _remove_rows(con: duckdb.DuckDBPyConnection, batch_id: int) -> tuple[dict[str, int], int]:
    removed = {"readings": _delete(con, "readings", "batch_id", batch_id)}
    restored = _restore_superseded_readings(con, batch_id)
    removed["reading_versions"] = _delete(con, "reading_versions", "superseded_by_batch",
                                          batch_id)
    for table, key in VERSIONED_TABLES.items():
        removed[table] = _remove_versions(con, table, key, batch_id)
    for table in ("quarantine", "import_files"):
        removed[table] = _delete(con, table, "batch_id", batch_id)
    return {t: n for t, n in removed.items() if n}, restored


def _delete(con: duckdb.DuckDBPyConnection, table: str, column: str, batch_id: int) -> int:
    row = con.execute(f"DELETE FROM {table} WHERE {column} = ?", [batch_id]).fetchone()
    return int(row[0]) if row else 0


def _restore_superseded_readings(con: duckdb.DuckDBPyConnection, batch_id: int) -> int:
    """Readings the batch superseded go back to ``readings`` where their key is free."""
    row = con.execute(
        """
        INSERT INTO readings (site_id, meter_id, ts_utc, value, raw_value, flag, version,
                              batch_id)
        SELECT v.site_id, v.meter_id, v.ts_utc, v.value, v.raw_value, v.flag, v.version,
               v.batch_id
        FROM reading_versions v
        ANTI JOIN readings r
          ON r.site_id = v.site_id AND r.meter_id = v.meter_id AND r.ts_utc = v.ts_utc
        WHERE v.superseded_by_batch = ?
        """, [batch_id]).fetchone()
    return int(row[0]) if row else 0


def _remove_versions(con: duckdb.DuckDBPyConnection, table: str, key: str,
                     batch_id: int) -> int:
    """Delete the batch's versions of a reference table; the newest remaining version of
    each key it touched becomes current again."""
    keys = con.execute(f"SELECT DISTINCT site_id, {key} FROM {table} WHERE batch_id = ?",
                       [batch_id]).fetchall()
    if not keys:
        return 0
    n = _delete(con, table, "batch_id", batch_id)
    for site_id, value in keys:
        con.execute(
            f"UPDATE {table} SET is_current = true WHERE site_id = ? AND {key} = ?"
            f" AND version = (SELECT max(version) FROM {table} WHERE site_id = ? AND {key} = ?)"
            f" AND NOT EXISTS (SELECT 1 FROM {table} WHERE site_id = ? AND {key} = ?"
            " AND is_current)",
            [site_id, value, site_id, value, site_id, value])
    return n
