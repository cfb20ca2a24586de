"""The notebook API gives what the command line prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lingtan
from lingtan.cli import app


def test_api_totals_equal_cli_json(tmp_path: Path, minimal_pkg: Path) -> None:
    db = tmp_path / "ws.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(minimal_pkg), "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["inventory", "--year", "2025", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    with lingtan.open(db) as ws:
        inv = ws.inventory(year=2025)
    for view, totals in inv.views.items():
        assert doc["views"][view] == totals.as_dict()
    assert doc["energy_tce"] == inv.energy_tce
    assert [ln["input_hash"] for ln in doc["lines"]] == [ln.input_hash for ln in inv.lines]
    assert inv.views["location"].total_tco2e == pytest.approx(436.004362, rel=1e-8)


def test_open_in_memory_and_context_manager(minimal_pkg: Path) -> None:
    with lingtan.open(":memory:") as ws:
        assert ws.import_package(minimal_pkg).status == "imported"
        assert ws.inventory(2025).energy_tce == pytest.approx(130.8576)


def test_workspace_is_exported() -> None:
    assert lingtan.Workspace is type(lingtan.open(":memory:"))
    assert lingtan.__version__
