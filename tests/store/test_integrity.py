"""Tamper tests: change one reading, one factor, one result row or one audit record in the
store — verify fails and names it; an untouched store verifies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lingtan
from lingtan.cli import app
from lingtan.store.integrity import verify
from lingtan.store.published import publish_inventory

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"


@pytest.fixture
def ws(tmp_path: Path) -> lingtan.Workspace:
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    (pkg / "factors.csv").write_text(
        "factor_id,family,subject,geography,data_year,scheme,value,unit,source,confidence,note\n"
        "my.heat,heat,heat,CN,,default,0.1,tCO2/GJ,supplier statement 2025,R,\n",
        encoding="utf-8")
    workspace = lingtan.open(tmp_path / "ws.duckdb")
    workspace.import_package(pkg)
    publish_inventory(workspace.con, 2025)
    return workspace


def test_untouched_store_verifies(ws: lingtan.Workspace) -> None:
    report = verify(ws.con)
    assert report.ok, report.problems
    assert report.checked["published_results"] == 1 and report.checked["reading_digests"] > 0


def test_changed_reading_is_named(ws: lingtan.Workspace) -> None:
    ws.con.execute("UPDATE readings SET value = value + 1 WHERE meter_id = 'PV' AND raw_value = 60")
    problems = verify(ws.con).problems
    assert any("meter PV in 2024-12" in p and "batch 1" in p for p in problems)
    assert any("electricity_mwh" in p for p in problems)      # the published result re-run


def test_removed_reset_flag_is_named(tmp_path: Path) -> None:
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    (pkg / "readings" / "reset.csv").write_text(
        "meter_id,timestamp,value,flag\nGRID-IMP,2025-01-01 04:00,30,reset\n", encoding="utf-8")
    with lingtan.open(tmp_path / "reset.duckdb") as workspace:
        workspace.import_package(pkg)
        assert verify(workspace.con).ok
        # the interval stays 30 MWh, but the store no longer says the counter restarted
        workspace.con.execute("UPDATE readings SET flag = NULL")
        problems = verify(workspace.con).problems
    assert len(problems) == 1 and "meter GRID-IMP in 2024-12" in problems[0]


def test_changed_factor_is_named(ws: lingtan.Workspace) -> None:
    ws.con.execute("UPDATE factors SET value = 0.05 WHERE factor_id = 'my.heat'")
    problems = verify(ws.con).problems
    assert any("factors row my.heat" in p for p in problems)
    assert any("scope2_tco2e" in p for p in problems)          # heat at 0.05 changes scope 2


def test_changed_result_row_is_named(ws: lingtan.Workspace) -> None:
    ws.con.execute("UPDATE published_results SET result_json = replace(result_json,"
                   " '\"gwp\":\"AR5\"', '\"gwp\":\"AR6\"')")
    problems = verify(ws.con).problems
    assert any("stored result was edited" in p for p in problems)


def test_edited_audit_record_breaks_the_chain(ws: lingtan.Workspace) -> None:
    ws.con.execute("UPDATE audit_log SET subject = 'other' WHERE seq = 1")
    assert any(p.startswith("audit record 1: hash chain broken") for p in verify(ws.con).problems)


def test_cli_verify_exit_codes(ws: lingtan.Workspace) -> None:
    db = str(ws.db)
    ws.close()
    runner = CliRunner()
    assert runner.invoke(app, ["verify", "--db", db]).exit_code == 0
    with lingtan.open(db) as again:
        again.con.execute("UPDATE readings SET value = 0 WHERE meter_id = 'GRID-EXP'")
    bad = runner.invoke(app, ["verify", "--db", db])
    assert bad.exit_code == 1 and "GRID-EXP" in bad.output
