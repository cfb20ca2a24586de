"""Verifier bundle: verified in a fresh workspace; an edited bundle fails and names it."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import lingtan
from lingtan.cli import app
from lingtan.store.bundle import export_bundle, verify_bundle
from lingtan.store.published import publish_inventory

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(MINIMAL)
        publish_inventory(ws.con, 2025)
        publish_inventory(ws.con, 2025, gwp="AR6")
        export_bundle(ws.con, "minimal", tmp_path / "b.zip")
    return tmp_path / "b.zip"


def _rewrite(path: Path, name: str, data: bytes, *, fix_manifest: bool) -> None:
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files[name] = data
    if fix_manifest:
        meta = json.loads(files["manifest.json"])
        meta["files"][name] = hashlib.sha256(data).hexdigest()
        files["manifest.json"] = json.dumps(meta).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in files.items():
            zf.writestr(n, d)


def test_bundle_verifies_in_a_fresh_workspace(bundle: Path) -> None:
    assert verify_bundle(bundle) == []
    names = zipfile.ZipFile(bundle).namelist()
    assert "package/readings/readings.parquet" in names and "manifest.json" in names
    assert sum(n.startswith("results/") for n in names) == 2


def test_bundle_with_a_declared_counter_reset_verifies(tmp_path: Path, minimal_pkg: Path) -> None:
    # GRID-IMP 1000 … 1400, then restarted from zero: 30 at 04:00 (30 MWh), 90 at 05:00.
    # Before readings kept their flag the bundle re-imported 1400 → 30 as a counter going
    # backwards and did not verify.
    (minimal_pkg / "readings" / "reset.csv").write_text(
        "meter_id,timestamp,value,flag\nGRID-IMP,2025-01-01 04:00,30,reset\n"
        "GRID-IMP,2025-01-01 05:00,90,\n", encoding="utf-8")
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(minimal_pkg)
        publish_inventory(ws.con, 2025)
        export_bundle(ws.con, "minimal", tmp_path / "b.zip")
    assert verify_bundle(tmp_path / "b.zip") == []
    parquet = tmp_path / "readings.parquet"
    parquet.write_bytes(zipfile.ZipFile(tmp_path / "b.zip").read(
        "package/readings/readings.parquet"))
    flagged = duckdb.connect().execute(
        f"SELECT meter_id, value, flag FROM read_parquet('{parquet}') WHERE flag IS NOT NULL"
    ).fetchall()
    assert flagged == [("GRID-IMP", 30.0, "reset")]


def test_edited_file_is_named(bundle: Path) -> None:
    text = zipfile.ZipFile(bundle).read("package/activities.csv").replace(b",10.0,", b",11.0,")
    _rewrite(bundle, "package/activities.csv", text, fix_manifest=False)
    assert verify_bundle(bundle) == ["package/activities.csv: content differs from the "
                                     "manifest (edited)"]


def test_edited_data_with_a_consistent_manifest_fails_the_rerun(bundle: Path) -> None:
    text = zipfile.ZipFile(bundle).read("package/activities.csv").replace(b",10.0,", b",11.0,")
    _rewrite(bundle, "package/activities.csv", text, fix_manifest=True)
    problems = verify_bundle(bundle)
    assert problems and all("re-run differs — views" in p for p in problems)


def test_cli_export_and_verify(tmp_path: Path) -> None:
    db = tmp_path / "ws.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(MINIMAL)
    runner = CliRunner()
    assert runner.invoke(app, ["inventory", "--year", "2025", "--db", str(db), "--publish",
                               "--json"]).exit_code == 0
    assert runner.invoke(app, ["export", "--bundle", str(tmp_path / "x.zip"),
                               "--db", str(db)]).exit_code == 0
    assert runner.invoke(app, ["verify", "--bundle", str(tmp_path / "x.zip")]).exit_code == 0
    bad = runner.invoke(app, ["export", "--bundle", str(tmp_path / "no" / "x.zip"),
                              "--db", str(db)])
    assert bad.exit_code == 1 and "cannot write" in bad.output
