"""PUE, CUE and WUE of a small data centre, by hand (GB 40879 grade boundaries)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lingtan
from lingtan.cli import app
from lingtan.efficiency.computing import computing_metrics
from lingtan.errors import NoDataError

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"


def _data_centre(tmp_path: Path, grid_mwh: float, it_mwh: float) -> Path:
    pkg = tmp_path / "dc"
    pkg.mkdir()
    shutil.copy(MINIMAL / "factory.yaml", pkg / "factory.yaml")
    (pkg / "meters.csv").write_text(
        "meter_id,carrier,unit,reading,role\n"
        "GRID,electricity,MWh,interval,grid_import\n"
        "IT,electricity,MWh,interval,it_load\n"
        "WATER,water,m3,interval,submeter\n", encoding="utf-8")
    (pkg / "readings").mkdir()
    (pkg / "readings" / "r.csv").write_text(
        "meter_id,timestamp,value\n"
        f"GRID,2025-03-01 01:00,{grid_mwh}\nIT,2025-03-01 01:00,{it_mwh}\n"
        "WATER,2025-03-01 01:00,180\n", encoding="utf-8")
    return pkg


def test_pue_cue_wue_by_hand(tmp_path: Path) -> None:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(_data_centre(tmp_path, 130, 100))
        m = computing_metrics(ws.con, 2025)
    assert m.pue == pytest.approx(1.30)
    assert m.pue_grade == 2                         # GB 40879: grade 2 is PUE ≤ 1.30, inclusive
    assert m.cue_kgco2_per_kwh == pytest.approx(130 * 0.5827 * 1000 / 100_000)  # JS 2023
    assert m.wue_l_per_kwh == pytest.approx(180_000 / 100_000)


def test_pue_just_above_a_bound_drops_a_grade(tmp_path: Path) -> None:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(_data_centre(tmp_path, 130.001, 100))
        assert computing_metrics(ws.con, 2025).pue_grade == 3


def test_no_it_meter(tmp_path: Path) -> None:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(MINIMAL)
        with pytest.raises(NoDataError, match="it_load"):
            computing_metrics(ws.con, 2025)


def test_cli_efficiency_for_a_data_centre(tmp_path: Path) -> None:
    db = tmp_path / "ws.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(_data_centre(tmp_path, 150, 100))
    result = CliRunner().invoke(app, ["efficiency", "--year", "2025", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["computing"]["pue"] == pytest.approx(1.5)
    assert data["computing"]["pue_grade"] == 3
    assert any("no production" in w for w in data["warnings"])
