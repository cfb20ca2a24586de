"""What the CLI prints: control characters and markup from input never reach the terminal
raw, ids are quoted, JSON stays exact JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.cli import app

ESC_ID = "SUB\x1b[2J"          # clears the screen when printed raw


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _add_submeter(pkg: Path, meter_id: str, reading_id: str | None = None) -> None:
    """A sub-meter ``meter_id`` under GRID-IMP with readings at 01:00 and 03:00 (02:00
    missing: a gap), recorded under ``reading_id`` (default: the same id)."""
    with (pkg / "meters.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"{meter_id},sub [bold]meter,electricity,kWh,interval,submeter,GRID-IMP,60,,\n")
    with (pkg / "readings" / "grid.csv").open("a", encoding="utf-8") as fh:
        for hour in ("01", "03"):
            fh.write(f"{reading_id or meter_id},2025-01-01 {hour}:00,5\n")


def _no_control(text: str) -> None:
    assert "\x1b" not in text and "\x9b" not in text


def test_control_characters_in_an_id_never_reach_the_terminal(
    runner: CliRunner, tmp_path: Path, minimal_pkg: Path
) -> None:
    # meters.csv strips the trailing space, the readings file keeps it: an unknown meter
    _add_submeter(minimal_pkg, ESC_ID, reading_id=ESC_ID + " ")
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(tmp_path / "w")])
    assert result.exit_code == 1, result.output
    _no_control(result.stderr)
    assert ("readings/grid.csv, row 9, field 'meter_id': unknown meter id 'SUB\\x1b[2J ' "
            "(not in meters.csv)") in result.stderr


def test_unknown_meter_id_is_quoted_so_the_trailing_space_shows(
    runner: CliRunner, tmp_path: Path, minimal_pkg: Path
) -> None:
    _add_submeter(minimal_pkg, ESC_ID, reading_id=ESC_ID + " ")
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(tmp_path / "w")])
    assert "unknown meter id 'SUB\\x1b[2J '" in result.stderr


def test_gap_names_the_meter_quoted_and_escaped(
    runner: CliRunner, tmp_path: Path, minimal_pkg: Path
) -> None:
    _add_submeter(minimal_pkg, ESC_ID)
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(tmp_path / "w")])
    assert result.exit_code == 0, result.output
    _no_control(result.stdout)
    assert "gap 'SUB\\x1b[2J': 1 interval(s) missing" in result.stdout


def test_markup_in_an_id_prints_literally(
    runner: CliRunner, tmp_path: Path, minimal_pkg: Path
) -> None:
    _add_submeter(minimal_pkg, "[bold]G")
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(tmp_path / "w")])
    assert result.exit_code == 0, result.output
    assert "gap '[bold]G': 1 interval(s)" in result.stdout


def test_product_name_in_the_efficiency_table_is_escaped(
    runner: CliRunner, tmp_path: Path, minimal_pkg: Path
) -> None:
    with (minimal_pkg / "production.csv").open("a", encoding="utf-8") as fh:
        fh.write("2025-01-01,2025-01-31,[bold]wire\x1b[2J,5,km\n")
    db = str(tmp_path / "w")
    assert runner.invoke(app, ["import", str(minimal_pkg), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["efficiency", "--year", "2025", "--db", db])
    assert result.exit_code == 0, result.output
    _no_control(result.stdout)
    assert "[bold]wire\\x1b[2J" in result.stdout


def test_json_output_is_exact_json_with_nothing_raw(
    runner: CliRunner, tmp_path: Path, minimal_pkg: Path
) -> None:
    c1_id = "SUB\x9b2J"                  # a one-byte CSI: json.dumps leaves it raw
    _add_submeter(minimal_pkg, c1_id)
    with (minimal_pkg / "factory.yaml").open("a", encoding="utf-8") as fh:  # C2 9B is GBK too
        fh.write('files: {meters.csv: {encoding: utf-8}, "readings/grid.csv": {encoding: utf-8}}\n')
    result = runner.invoke(app, ["import", str(minimal_pkg), "--db", str(tmp_path / "w"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    _no_control(result.stdout)
    assert "\\u009b" in result.stdout
    assert [g["meter_id"] for g in json.loads(result.stdout)["gaps"]] == [c1_id]


def test_usage_error_value_is_quoted_and_not_markup(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["inventory", "--year", "2025", "--db", str(tmp_path / "w"),
                                 "--gwp", "[red]\x1b[2J"])
    assert result.exit_code == 2
    _no_control(result.stderr)
    assert "not '[red]\\x1b[2J'" in result.stderr
