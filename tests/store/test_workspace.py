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
        digest = json.loads(row[0])["readings_digest"]["GRID-IMP|2024-12"]
        assert digest[:4] == [
            4, "400000.000000000", "4750.000000000", str(4 * 1_735_660_800_000 + 21_600_000)]
        assert len(digest) == 5 and json.loads(row[0])["digest_version"] == 2  # + rows MD5
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


# -- workspaces a command is given (issue 9) ---------------------------------------------
@pytest.mark.parametrize("command", [
    ["verify"], ["inventory", "--year", "2025"], ["hourly", "--year", "2025"],
    ["instruments", "--year", "2025"], ["assess", "--scheme", "jiangsu-2025", "--year", "2025"],
    ["efficiency", "--year", "2025"], ["export", "--bundle", "b.zip"],
])
def test_read_commands_on_a_missing_workspace_fail_and_create_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    from typer.testing import CliRunner

    from lingtan.cli import app

    missing = tmp_path / "missing.duckdb"
    result = CliRunner().invoke(app, [*command, "--db", str(missing)])
    assert result.exit_code == 1, result.output
    assert "no workspace at" in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("content", "kind"), [
    (b"SQLite format 3\x00" + b"\x00" * 4096, "a SQLite database"),
    (b"PAR1" + b"\x00" * 64, "a Parquet file"),
    (b"PK\x03\x04" + b"\x00" * 64, "a zip archive"),
    (b"just some text, not a database at all", "not a DuckDB database"),
])
def test_a_file_that_is_not_a_workspace_is_refused_untouched(
    tmp_path: Path, content: bytes, kind: str
) -> None:
    path = tmp_path / "other.db"
    path.write_bytes(content)
    for read_only in (False, True):
        with pytest.raises(StoreError, match=f"not a lingtan workspace \\({kind}"):
            connect(path, read_only=read_only)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no .wal, no .tmp


def test_extensions_are_never_installed_or_loaded_on_demand(tmp_path: Path) -> None:
    con = connect(tmp_path / "ws.duckdb")
    settings = dict(con.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN"
        " ('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    con.close()
    assert settings == {"autoinstall_known_extensions": "false",
                        "autoload_known_extensions": "false"}


def test_a_stale_pending_batch_is_rolled_back_on_open_with_an_audit_record(
    tmp_path: Path, minimal_pkg: Path
) -> None:
    """What a killed import leaves (its data committed, its batch still pending) is
    removed at the next open, read-only included, and the superseded rows come back."""
    db = tmp_path / "ws.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(minimal_pkg)
        before = ws.con.execute("SELECT * FROM readings ORDER BY ALL").fetchall()
        # a second batch that changed a reading and a meter, committed but never completed
        ws.con.execute("INSERT INTO import_batches (batch_id, site_id, package_path,"
                       " package_sha256, mode, started_utc, summary_json, state)"
                       " VALUES (2, 'minimal', 'x', '', 'strict', now(), '{}', 'pending')")
        ws.con.execute("INSERT INTO reading_versions SELECT site_id, meter_id, ts_utc, value,"
                       " raw_value, version, batch_id, 2, flag FROM readings"
                       " WHERE meter_id = 'GRID-IMP' AND ts_utc = (SELECT min(ts_utc)"
                       " FROM readings WHERE meter_id = 'GRID-IMP')")
        ws.con.execute("DELETE FROM readings WHERE (meter_id, ts_utc) IN (SELECT meter_id,"
                       " ts_utc FROM reading_versions WHERE superseded_by_batch = 2)")
        ws.con.execute("INSERT INTO readings SELECT site_id, meter_id, ts_utc, 1.0, 1.0,"
                       " 2, 2, flag FROM reading_versions WHERE superseded_by_batch = 2")
        ws.con.execute("UPDATE meters SET is_current = false WHERE meter_id = 'GRID-IMP'")
        ws.con.execute("INSERT INTO meters SELECT * REPLACE (2 AS version, true AS is_current,"
                       " 2 AS batch_id, 'changed' AS name) FROM meters"
                       " WHERE meter_id = 'GRID-IMP'")
        assert not verify(ws.con).ok  # verify names the rows of the incomplete batch
    with lingtan.open(db, read_only=True) as ws:  # a reader triggers the recovery too
        assert ws.con.execute("SELECT * FROM readings ORDER BY ALL").fetchall() == before
        assert ws.con.execute("SELECT count(*), count(*) FILTER (WHERE is_current)"
                              " FROM meters WHERE meter_id = 'GRID-IMP'").fetchone() == (1, 1)
        assert ws.con.execute("SELECT state FROM import_batches WHERE batch_id = 2"
                              ).fetchone() == ("rolled_back",)
        action, detail = ws.con.execute("SELECT action, detail_json FROM audit_log"
                                        " ORDER BY seq DESC LIMIT 1").fetchone()
        assert action == "import_rolled_back"
        assert json.loads(detail)["removed"] == {"readings": 1, "reading_versions": 1,
                                                 "meters": 1}
        assert json.loads(detail)["restored_readings"] == 1
        assert verify(ws.con).ok


def test_version_1_digests_are_still_verified_as_recorded(tmp_path: Path,
                                                          minimal_pkg: Path) -> None:
    """Audit records written before digest version 2 (no ``digest_version``) hold sums
    only; verify recomputes them in that form, so old workspaces keep verifying."""
    from lingtan.store.integrity import readings_digest

    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(minimal_pkg)
        v1 = readings_digest(ws.con, "minimal", 1, version=1)
        v2 = readings_digest(ws.con, "minimal", 1)
    assert v1.keys() == v2.keys()
    for key, items in v2.items():
        assert v1[key] == items[:4] + items[5:]  # the rows MD5 is the fifth item
