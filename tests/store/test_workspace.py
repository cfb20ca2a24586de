"""Workspace store: schema migrations and the hash-chained audit log."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import duckdb
import pytest

import lingtan
from lingtan.errors import SchemaVersionError, StoreError
from lingtan.store import workspace
from lingtan.store.integrity import verify
from lingtan.store.schema import LATEST_VERSION, MIGRATIONS
from lingtan.store.workspace import (
    append_audit,
    connect,
    migrate,
    schema_version,
    verify_audit_chain,
)


def _migration_rows(db: Path) -> list[tuple[int, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT version, CAST(applied_utc AS VARCHAR) FROM schema_migrations ORDER BY version"
        ).fetchall()
    finally:
        con.close()


def test_fresh_database_gets_latest_schema(tmp_path: Path) -> None:
    con = connect(tmp_path / "ws.duckdb")
    assert schema_version(con) == LATEST_VERSION
    names = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    tables = {t for (t,) in names}
    for name in ("readings", "reading_versions", "meters", "activities", "import_batches",
                 "quarantine", "audit_log", "schema_migrations"):
        assert name in tables
    con.close()


def test_in_memory_database_is_migrated() -> None:
    con = connect(":memory:")
    assert schema_version(con) == LATEST_VERSION
    con.close()


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    db = tmp_path / "ws.duckdb"
    connect(db).close()
    before = _migration_rows(db)
    con = connect(db)
    assert migrate(con) == LATEST_VERSION
    con.close()
    assert _migration_rows(db) == before
    assert [v for v, _ in before] == [m.version for m in MIGRATIONS]


def _copy_into(db: Path, source: Path) -> None:
    """Copy every table of the workspace ``source`` into ``db``, in ``db``'s columns."""
    con = duckdb.connect(str(db))
    con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?"
                         " AND table_name <> 'schema_migrations'", [db.stem]).fetchall()
    for (table,) in tables:
        columns = ", ".join(c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND table_name = ?"
            " ORDER BY column_index", [db.stem, table]).fetchall())
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM src.{table}")
    con.close()


def test_schema_3_workspace_upgrades(
    tmp_path: Path, minimal_pkg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace from before readings kept their flag opens, gains the column and verifies."""
    with lingtan.open(tmp_path / "source.duckdb") as source:
        source.import_package(minimal_pkg)
    old = tmp_path / "old.duckdb"
    with monkeypatch.context() as m:  # a lingtan that knew migrations 1–3 writes the file
        m.setattr(workspace, "MIGRATIONS", MIGRATIONS[:3])
        m.setattr(workspace, "LATEST_VERSION", 3)
        connect(old).close()
    _copy_into(old, tmp_path / "source.duckdb")
    with lingtan.open(old) as ws:
        assert schema_version(ws.con) == LATEST_VERSION == 5
        assert ws.con.execute("SELECT count(*), count(flag) FROM readings").fetchone() == (13, 0)
        # the import digest recorded under schema 3, unchanged: count, Σvalue, Σraw, Σts
        # (GRID-IMP in kWh, MWh and ms since 1970 of 2024-12-31 16:00 … 19:00 UTC)
        row = ws.con.execute("SELECT detail_json FROM audit_log WHERE seq = 1").fetchone()
        assert row is not None
        assert json.loads(row[0])["readings_digest"]["GRID-IMP|2024-12"] == [
            4, "400000.000000000", "4750.000000000", str(4 * 1_735_660_800_000 + 21_600_000)]
        assert verify(ws.con).ok
        (minimal_pkg / "readings" / "reset.csv").write_text(
            "meter_id,timestamp,value,flag\nGRID-IMP,2025-01-01 04:00,30,reset\n",
            encoding="utf-8")
        assert ws.import_package(minimal_pkg).readings["new"] == 1
        assert ws.con.execute("SELECT value, flag FROM readings WHERE flag IS NOT NULL"
                              ).fetchall() == [(30_000.0, "reset")]
        assert verify(ws.con).ok


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "ws.duckdb"
    con = connect(db)
    con.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', now())",
                [LATEST_VERSION + 1])
    con.close()
    with pytest.raises(SchemaVersionError, match=f"version {LATEST_VERSION + 1}") as refused:
        connect(db)
    # the refused connection is closed even while the error (and its traceback) lives on,
    # so the file can be opened again, e.g. read-only to inspect it with DuckDB; lingtan's
    # own read-only open refuses it too (a newer schema may mean something else)
    ro = duckdb.connect(str(db), read_only=True)
    assert schema_version(ro) == LATEST_VERSION + 1
    ro.close()
    with pytest.raises(SchemaVersionError):
        connect(db, read_only=True)
    assert refused.value is not None


def test_schema_version_error_is_a_store_error() -> None:
    assert issubclass(SchemaVersionError, StoreError)


def test_foreign_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    other = duckdb.connect(str(db))
    other.execute("CREATE TABLE readings (x INTEGER)")  # another program's table
    other.close()
    with pytest.raises(StoreError, match="is not a lingtan workspace: it holds other tables"):
        connect(db)
    check = duckdb.connect(str(db), read_only=True)
    names = {t for (t,) in check.execute("SELECT table_name FROM information_schema.tables")
             .fetchall()}
    check.close()
    assert names == {"readings"}


def test_not_a_database_raises_store_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_bytes(b"this is not a duckdb file" * 200)
    with pytest.raises(StoreError, match="cannot open workspace"):
        connect(bogus)


@pytest.fixture
def audited() -> duckdb.DuckDBPyConnection:
    con = connect(":memory:")
    for i in range(1, 5):
        append_audit(con, "import", "site-a", {"batch_id": i, "note": "批次"})
    return con


def test_audit_chain_links_records(audited: duckdb.DuckDBPyConnection) -> None:
    rows = audited.execute("SELECT seq, prev_sha256, sha256 FROM audit_log ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert rows[0][1] == "0" * 64
    for (_, _, sha), (_, prev, _) in itertools.pairwise(rows):
        assert prev == sha
    assert all(len(r[2]) == 64 for r in rows)
    assert verify_audit_chain(audited) == []


def test_edited_detail_is_named(audited: duckdb.DuckDBPyConnection) -> None:
    audited.execute("UPDATE audit_log SET detail_json = '{\"batch_id\":99}' WHERE seq = 3")
    assert verify_audit_chain(audited) == [3]


def test_removed_record_breaks_the_link(audited: duckdb.DuckDBPyConnection) -> None:
    audited.execute("DELETE FROM audit_log WHERE seq = 2")
    assert verify_audit_chain(audited) == [3]


def test_edited_action_is_named(audited: duckdb.DuckDBPyConnection) -> None:
    audited.execute("UPDATE audit_log SET action = 'delete' WHERE seq = 1")
    assert verify_audit_chain(audited) == [1]
