"""Unit-product energy on the worked example, by hand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lingtan
from lingtan.cli import app
from lingtan.efficiency.unit_energy import unit_product_energy
from lingtan.errors import InputError

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"
# examples/minimal: 550 000 kWh consumed, all on 1 January 2025; 130.8576 tce in the
# year (docs/inventory.md); production 1 200 km of power cable over the whole year.
KWH, KGCE, KM = 550_000.0, 130_857.6, 1200.0


def test_year_and_month_by_hand(tmp_path: Path) -> None:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(MINIMAL)
        result = unit_product_energy(ws.con, 2025)
    year = next(r for r in result.rows if r.period == "2025")
    assert year.kwh_per_unit == pytest.approx(KWH / KM)
    assert year.kgce_per_unit == pytest.approx(KGCE / KM)
    january = next(r for r in result.rows if r.period == "2025-01")
    assert january.output_quantity == pytest.approx(KM * 31 / 365)   # pro rata by days
    assert january.kwh_per_unit == pytest.approx(KWH / (KM * 31 / 365))
    assert "in proportion to output (km)" in result.allocation
    assert result.warnings == []


def test_energy_without_production_is_named_not_divided(tmp_path: Path) -> None:
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    (pkg / "production.csv").write_text(
        "period_start,period_end,product,quantity,unit\n"
        "2025-02-01,2025-12-31,power_cable,1100,km\n", encoding="utf-8")
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(pkg)
        result = unit_product_energy(ws.con, 2025)
    assert any(w.startswith("2025-01: energy use 550,000.0 kWh but no production")
               for w in result.warnings)
    assert not [r for r in result.rows if r.period == "2025-01"]


def test_no_production_at_all_is_an_error(tmp_path: Path) -> None:
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    (pkg / "production.csv").unlink()
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(pkg)
        with pytest.raises(InputError, match="no production in 2025"):
            unit_product_energy(ws.con, 2025)


def test_cli_efficiency(tmp_path: Path) -> None:
    db = tmp_path / "ws.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(MINIMAL)
    result = CliRunner().invoke(app, ["efficiency", "--year", "2025", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    assert next(r for r in rows if r["period"] == "2025")["kwh_per_unit"] == pytest.approx(KWH / KM)
