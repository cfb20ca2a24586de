"""Import progress: a bar per file with rows/s on a terminal, nothing otherwise."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import lingtan
from lingtan.cli import app
from lingtan.errors import PackageError
from lingtan.ingest.progress import RichProgress

from .test_importer import MINIMAL


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def file_started(self, name: str) -> None:
        self.events.append(("start", name))

    def file_done(self, name: str, rows: int) -> None:
        self.events.append(("done", name, str(rows)))

    def phase(self, name: str) -> None:
        self.events.append(("phase", name.split()[0]))

    def close(self) -> None:
        self.events.append(("close",))


def test_every_readings_file_is_reported_with_its_rows(tmp_path: Path) -> None:
    rec = Recorder()
    with lingtan.open(tmp_path / "w.duckdb") as ws:
        ws.import_package(MINIMAL, progress=rec)
    # examples/minimal: readings/grid.csv (8 lines = header + 7), pv_gas.csv (7 = 1 + 6)
    assert rec.events == [
        ("start", "readings/grid.csv"), ("done", "readings/grid.csv", "7"),
        ("start", "readings/pv_gas.csv"), ("done", "readings/pv_gas.csv", "6"),
        ("phase", "checking"), ("phase", "writing"), ("phase", "recording"), ("close",)]


def test_progress_is_closed_when_the_import_fails(tmp_path: Path) -> None:
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    (pkg / "factory.yaml").unlink()
    rec = Recorder()
    with lingtan.open(tmp_path / "w.duckdb") as ws, pytest.raises(PackageError):
        ws.import_package(pkg, progress=rec)
    assert rec.events == [("close",)]


def test_rich_progress_draws_rows_per_second_on_a_terminal() -> None:
    buf = io.StringIO()
    bars = RichProgress(Console(file=buf, force_terminal=True, width=120))
    bars.file_started("readings/2025-01.csv")
    bars.file_done("readings/2025-01.csv", 5_840_000)
    bars.phase("writing")
    bars.close()
    text = buf.getvalue()
    assert "readings/2025-01.csv" in text and "5,840,000 rows" in text
    assert "rows/s" in text and "writing" in text


def test_cli_is_quiet_without_a_terminal_and_with_json(tmp_path: Path) -> None:
    runner = CliRunner()
    plain = runner.invoke(app, ["import", str(MINIMAL), "--db", str(tmp_path / "a")])
    assert plain.exit_code == 0, plain.output
    assert "rows/s" not in plain.output
    as_json = runner.invoke(app, ["import", str(MINIMAL), "--db", str(tmp_path / "b"),
                                  "--json"])
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout)["status"] == "imported"
    assert "rows/s" not in as_json.output
