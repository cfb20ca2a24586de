"""``lingtan report`` end to end on the worked example."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import lingtan
from lingtan.cli import app

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"


@pytest.fixture
def db(tmp_path: Path) -> str:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(MINIMAL)
    return str(tmp_path / "ws.duckdb")


@pytest.mark.parametrize("kind", ["inventory", "selfeval"])
def test_cli_writes_html_and_xlsx(tmp_path: Path, db: str, kind: str) -> None:
    runner = CliRunner()
    html, xlsx = tmp_path / f"{kind}.html", tmp_path / f"{kind}.xlsx"
    for fmt, path in (("html", html), ("xlsx", xlsx)):
        result = runner.invoke(app, ["report", "--year", "2025", "--kind", kind, "--format", fmt,
                                     "-o", str(path), "--db", db])
        assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert '<html lang="zh' in text and "范围一" in text
    assert len(load_workbook(xlsx).sheetnames) > 2


def test_bad_inputs(tmp_path: Path, db: str) -> None:
    runner = CliRunner()
    base = ["report", "--year", "2025", "--kind", "inventory", "--db", db]
    bad_path = runner.invoke(app, [*base, "--format", "html", "-o", str(tmp_path / "no" / "x")])
    assert bad_path.exit_code == 1 and "cannot write" in bad_path.output
    assert runner.invoke(app, [*base, "--format", "doc", "-o", str(tmp_path / "x")]).exit_code == 1
    no_year = runner.invoke(app, ["report", "--year", "2019", "--kind", "inventory",
                                  "--format", "html", "-o", str(tmp_path / "y"), "--db", db])
    assert no_year.exit_code == 1 and "no readings or activities in 2019" in no_year.output
