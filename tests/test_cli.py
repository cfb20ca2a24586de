"""The command line: `lingtan import` and `lingtan inventory` (docs/cli.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.cli import app

C = 44 / 12
SCOPE1 = (1.2 * 389.31 * 15.3 / 1000 * 0.99 * C + 10 * 42.652 * 20.2 / 1000 * 0.98 * C
          + 0.002 * 23_500 + 0.005 * 1_300)
SCOPE2 = {"location": 370 * 0.5827 + 110, "market": 300 * 0.6096 + 110, "ets": 370 * 0.5703 + 110}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ws.duckdb"


def test_import_then_inventory_json(runner: CliRunner, db: Path, minimal_pkg: Path) -> None:
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "imported" and summary["readings"]["new"] == 13

    result = runner.invoke(app, ["inventory", "--year", "2025", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == "lingtan.inventory/1"
    assert doc["year"] == 2025 and doc["gwp"] == "AR5" and doc["site"] == "minimal"
    for view, scope2 in SCOPE2.items():
        totals = doc["views"][view]
        assert totals["scope1_tco2e"] == pytest.approx(SCOPE1)
        assert totals["scope2_tco2e"] == pytest.approx(scope2)
        assert totals["total_tco2e"] == pytest.approx(SCOPE1 + scope2)
    assert doc["energy_tce"] == pytest.approx(130.8576)
    assert len(doc["lines"]) == 11
    assert all(len(ln["input_hash"]) == 64 for ln in doc["lines"])
    assert isinstance(doc["warnings"], list)
    assert doc["electricity_mwh"]["grid_import"] == pytest.approx(400)


def test_reimport_says_unchanged(runner: CliRunner, db: Path, minimal_pkg: Path) -> None:
    assert runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["status"] == "unchanged"
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db)])
    assert "nothing changed" in result.stdout


def test_human_output(runner: CliRunner, db: Path, minimal_pkg: Path) -> None:
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db)])
    assert result.exit_code == 0 and "readings" in result.stdout
    result = runner.invoke(app, ["inventory", "--year", "2025", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "436.004" in result.stdout          # location total
    assert "130.858 tce" in result.stdout


def test_gwp_option(runner: CliRunner, db: Path, minimal_pkg: Path) -> None:
    runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db)])
    result = runner.invoke(app, ["inventory", "--year", "2025", "--gwp", "AR6", "--db", str(db),
                                 "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["gwp"] == "AR6"
    assert doc["views"]["ets"]["scope1_tco2e"] == pytest.approx(SCOPE1 - 47 - 6.5 + 50.4 + 7.65)


def test_bad_package_exits_1_naming_the_file(
    runner: CliRunner, db: Path, minimal_pkg: Path
) -> None:
    with (minimal_pkg / "readings" / "grid.csv").open("a", encoding="utf-8") as fh:
        fh.write("NOPE-A-RATHER-LONG-METER-IDENTIFIER,2025-01-01 04:00,5\n")
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db)])
    assert result.exit_code == 1
    assert "readings/grid.csv, row 9, field 'meter_id': unknown meter id" in result.stderr
    assert "NOPE-A-RATHER-LONG-METER-IDENTIFIER" in result.stderr
    assert result.stdout == ""


def test_error_text_is_not_markup_and_not_wrapped(
    runner: CliRunner, db: Path, minimal_pkg: Path
) -> None:
    with (minimal_pkg / "readings" / "grid.csv").open("a", encoding="utf-8") as fh:
        fh.write("[/],2025-01-01 04:00,5\n[red]X,2025-01-01 04:00,5\n")
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db)])
    assert result.exit_code == 1, result.exception
    lines = result.stderr.splitlines()
    where = ("  readings/grid.csv, row {}, field 'meter_id': unknown meter id '{}'"
             " (not in meters.csv)")
    assert where.format(9, "[/]") in lines
    assert where.format(10, "[red]X") in lines


def test_lenient_problems_are_printed_verbatim(
    runner: CliRunner, db: Path, minimal_pkg: Path
) -> None:
    with (minimal_pkg / "readings" / "grid.csv").open("a", encoding="utf-8") as fh:
        fh.write("[bold]M,2025-01-01 04:00,5\n")
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db), "--lenient"])
    assert result.exit_code == 0, result.exception
    assert "[bold]M" in result.stdout


def test_missing_factory_yaml_exits_1(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path), "--db", str(db)])
    assert result.exit_code == 1
    assert "factory.yaml missing" in result.stderr


def test_unknown_gwp_exits_2(runner: CliRunner, db: Path, minimal_pkg: Path) -> None:
    runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db)])
    result = runner.invoke(app, ["inventory", "--year", "2025", "--gwp", "AR9", "--db", str(db)])
    assert result.exit_code == 2
    assert "AR9" in result.stderr


def test_missing_year_is_usage_error(runner: CliRunner, db: Path) -> None:
    assert runner.invoke(app, ["inventory", "--db", str(db)]).exit_code == 2


def test_year_without_data_exits_1(runner: CliRunner, db: Path, minimal_pkg: Path) -> None:
    runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db)])
    result = runner.invoke(app, ["inventory", "--year", "2019", "--db", str(db)])
    assert result.exit_code == 1
    assert "2019" in result.stderr


def test_lenient_import_reports_quarantine(runner: CliRunner, db: Path, minimal_pkg: Path) -> None:
    with (minimal_pkg / "readings" / "grid.csv").open("a", encoding="utf-8") as fh:
        fh.write("NOPE,2025-01-01 04:00,5\n")
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db), "--lenient",
                                 "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["mode"] == "lenient" and summary["quarantined"] == 1
