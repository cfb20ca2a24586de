"""Publishing: a result is stored once, and the CLI says what was stored."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lingtan
from lingtan.cli import app
from lingtan.store.integrity import verify
from lingtan.store.published import publish_inventory
from lingtan.store.workspace import canonical_json


def _counts(ws: lingtan.Workspace) -> tuple[int, int]:
    """(published rows, audit records)."""
    published = ws.con.execute("SELECT count(*) FROM published_results").fetchone()
    audit = ws.con.execute("SELECT count(*) FROM audit_log").fetchone()
    assert published is not None and audit is not None
    return int(published[0]), int(audit[0])


@pytest.fixture
def imported(ws: lingtan.Workspace, minimal_pkg: Path) -> lingtan.Workspace:
    ws.import_package(minimal_pkg)
    return ws


def test_republishing_an_unchanged_result_stores_nothing(imported: lingtan.Workspace) -> None:
    first = publish_inventory(imported.con, 2025)
    assert first.stored and first.seq == 2                  # audit record 1 is the import
    assert _counts(imported) == (1, 2)
    again = publish_inventory(imported.con, 2025)
    assert not again.stored and again.seq == first.seq and again.sha256 == first.sha256
    assert _counts(imported) == (1, 2)                       # no row, no audit record
    assert verify(imported.con).ok


def test_publication_hash_is_that_of_the_canonical_result(imported: lingtan.Workspace) -> None:
    pub = publish_inventory(imported.con, 2025)
    assert pub.sha256 == hashlib.sha256(canonical_json(pub.result).encode()).hexdigest()
    row = imported.con.execute("SELECT sha256, params_json FROM published_results").fetchone()
    assert row == (pub.sha256, '{"gwp":null}')
    assert pub.as_dict() == {"stored": True, "seq": 2, "sha256": pub.sha256,
                             "kind": "inventory", "site": "minimal", "year": 2025,
                             "params": {"gwp": None}}


def test_other_params_are_another_publication(imported: lingtan.Workspace) -> None:
    publish_inventory(imported.con, 2025)
    assert publish_inventory(imported.con, 2025, gwp="AR6").stored
    # AR5 is the site's default, but the params differ from "the default": kept apart
    assert publish_inventory(imported.con, 2025, gwp="AR5").stored
    assert not publish_inventory(imported.con, 2025, gwp="AR6").stored
    assert _counts(imported) == (3, 4)


def test_changed_result_is_published_again(imported: lingtan.Workspace,
                                           minimal_pkg: Path) -> None:
    first = publish_inventory(imported.con, 2025)
    activities = minimal_pkg / "activities.csv"
    original = activities.read_text(encoding="utf-8")
    activities.write_text(original.replace(",diesel,10,吨,", ",diesel,11,吨,"), encoding="utf-8")
    imported.import_package(minimal_pkg)
    second = publish_inventory(imported.con, 2025)
    assert second.stored and second.sha256 != first.sha256
    # back to the first figures: the latest publication differs, so it is stored again
    activities.write_text(original, encoding="utf-8")
    imported.import_package(minimal_pkg)
    third = publish_inventory(imported.con, 2025)
    assert third.stored and third.sha256 == first.sha256 and third.seq > second.seq


def test_cli_says_what_was_published(tmp_path: Path, minimal_pkg: Path) -> None:
    db = str(tmp_path / "ws.duckdb")
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(minimal_pkg), "--db", db]).exit_code == 0
    args = ["inventory", "--year", "2025", "--db", db, "--publish"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    found = re.search(r"published inventory 2025 for site minimal, sha256 ([0-9a-f]{64}) "
                      r"\(audit record 2\)\n", result.stdout)
    assert found is not None, result.stdout
    result = runner.invoke(app, args)
    assert (f"inventory 2025 for site minimal already published (audit record 2, sha256 "
            f"{found[1]}), nothing stored\n") in result.stdout


def test_cli_json_has_the_published_fields(tmp_path: Path, minimal_pkg: Path) -> None:
    db = str(tmp_path / "ws.duckdb")
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(minimal_pkg), "--db", db]).exit_code == 0
    docs = [json.loads(runner.invoke(app, ["inventory", "--year", "2025", "--db", db,
                                           "--publish", "--json"]).stdout) for _ in range(2)]
    first, second = (d.pop("published") for d in docs)
    assert docs[0] == docs[1] and docs[0]["schema"] == "lingtan.inventory/1"
    assert first["stored"] and not second["stored"]
    assert first["seq"] == second["seq"] == 2
    # the hash is that of the document without the "published" field
    assert first["sha256"] == hashlib.sha256(canonical_json(docs[0]).encode()).hexdigest()
    plain = json.loads(runner.invoke(app, ["inventory", "--year", "2025", "--db", db,
                                           "--json"]).stdout)
    assert "published" not in plain and plain == docs[0]
