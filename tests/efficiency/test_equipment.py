"""Equipment register: validation on import, grades, upgrade savings by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lingtan
from lingtan.efficiency.report import efficiency_report
from lingtan.errors import PackageError

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"
HEADER = ("equipment_id,class,name,rated_power_kw,efficiency_class,efficiency_pct,"
          "target_efficiency_pct,load_factor,hours_per_year,meter_id\n")


def _pkg(tmp_path: Path, rows: str) -> Path:
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    (pkg / "equipment.csv").write_text(HEADER + rows, encoding="utf-8")
    return pkg


def test_register_grades_and_savings_by_hand(tmp_path: Path) -> None:
    pkg = _pkg(tmp_path,
               "M1,motor,挤出机主电机,90,IE2,93.0,96.0,0.75,6000,\n"
               "M2,motor,冷却泵,15,IE5,,,0.6,5000,\n"
               "M3,motor,空压机,55,IE3,,,0.8,7000,\n"
               "PVM,motor,光伏计量回路,1,IE3,90,95,,,PV\n")
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(pkg)
        items = {i["equipment_id"]: i for i in efficiency_report(ws.con, 2025)["equipment"]}
    m1 = items["M1"]
    assert m1["upgrade_candidate"] and m1["energy_kwh"] == pytest.approx(90 * 0.75 * 6000)
    assert m1["savings_kwh"] == pytest.approx(90 * 0.75 * 6000 * (1 - 93.0 / 96.0))
    assert not items["M2"]["upgrade_candidate"] and items["M2"]["savings_kwh"] is None
    assert items["M3"]["upgrade_candidate"] and items["M3"]["savings_kwh"] is None
    assert "not estimated" in items["M3"]["note"]
    pv = items["PVM"]                                   # metered: PV meter, 180 MWh in 2025
    assert pv["energy_basis"] == "metered (PV)"
    assert pv["savings_kwh"] == pytest.approx(180_000 * (1 - 90 / 95))


@pytest.mark.parametrize(("row", "field", "reason"), [
    ("X1,robot,?,1,,,,,,", "class", "'robot' is not one of motor"),
    ("X2,motor,?,1,IE7,,,,,", "efficiency_class", "'IE7' is not one of IE1"),
    ("X3,motor,?,1,IE3,101,,,,", "efficiency_pct", "must be ≤ 100"),
    ("X4,motor,?,1,IE3,,,1.5,,", "load_factor", "fraction"),
])
def test_bad_register_rows_are_rejected(tmp_path: Path, row: str, field: str, reason: str) -> None:
    with lingtan.open(tmp_path / "ws.duckdb") as ws, pytest.raises(PackageError) as err:
        ws.import_package(_pkg(tmp_path, row + "\n"))
    problem = next(p for p in err.value.problems if p.field == field)
    assert problem.file == "equipment.csv" and problem.row == 2 and reason in problem.reason
