"""The hourly view of a site, on the worked example (three hours of 1 Jan 2025)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lingtan
from lingtan.cli import app
from lingtan.errors import NoDataError
from lingtan.matching.site import hourly_view

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"
# Per local hour 00–01, 01–02, 02–03 (MWh): import 100, 150, 150; PV 50, 60, 70;
# export 10, 20, 0 → load 140, 190, 220 (550 in all); PV is consumed on site each hour.
LOAD_MWH, PV_MWH = 550.0, 180.0


def test_hourly_view_by_hand(tmp_path: Path) -> None:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(MINIMAL)
        view = hourly_view(ws.con, 2025, grid_cfe_share=0.5).to_dict()
        no_share = hourly_view(ws.con, 2025).to_dict()
        with pytest.raises(NoDataError):
            hourly_view(ws.con, 2024)
    assert view["load_mwh"] == pytest.approx(LOAD_MWH)
    assert view["annual_matching"] == pytest.approx(PV_MWH / LOAD_MWH)
    assert view["hourly_matching"] == pytest.approx(PV_MWH / LOAD_MWH)
    assert view["cfe"] == pytest.approx((PV_MWH + 0.5 * (LOAD_MWH - PV_MWH)) / LOAD_MWH)
    assert no_share["cfe"] is None and view["contracted_mwh"] == {}


def test_cli_hourly(tmp_path: Path) -> None:
    db = tmp_path / "ws.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(MINIMAL)
    result = CliRunner().invoke(app, ["hourly", "--year", "2025", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["hourly_matching"] == pytest.approx(PV_MWH / LOAD_MWH)
