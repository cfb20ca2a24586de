"""The inventory month by month: hand values on examples/minimal, months add up to the year."""

from __future__ import annotations

from pathlib import Path

import pytest

import lingtan
from lingtan.accounting.inventory import compute_inventory
from lingtan.accounting.monthly import monthly_inventory
from lingtan.errors import NoDataError
from pkgedit import edit

# examples/minimal, docs/inventory.md "Worked example" (hand-calculated lines)
GAS_T = 1.2 * 389.31 * 15.3 / 1000 * 0.99 * 44 / 12
DIESEL_YEAR_T = 10 * 42.652 * 20.2 / 1000 * 0.98 * 44 / 12
SF6_T, HFC_T = 0.002 * 23_500, 0.005 * 1_300
HEAT_YEAR_T = 1_000 * 0.11
GRID_LOCATION = 0.5827  # Jiangsu 2023, tCO2/MWh
DAYS = 365


@pytest.fixture
def ws(tmp_path: Path, minimal_pkg: Path) -> lingtan.Workspace:
    workspace = lingtan.open(tmp_path / "ws.duckdb")
    workspace.import_package(minimal_pkg)
    return workspace


def test_january_and_june_by_hand(ws: lingtan.Workspace) -> None:
    months = monthly_inventory(ws.con, 2025).to_dict()["months"]
    jan, jun = months[0]["views"]["location"], months[5]["views"]["location"]
    # January: all meter readings (grid 400 − export 30 MWh, gas 12 000 m3) + 31 days of the
    # yearly diesel and heat bills
    assert jan["scope1_tco2e"] == pytest.approx(GAS_T + DIESEL_YEAR_T * 31 / DAYS, rel=1e-12)
    assert jan["scope2_tco2e"] == pytest.approx(370 * GRID_LOCATION + HEAT_YEAR_T * 31 / DAYS,
                                                rel=1e-12)
    # June: the SF6 top-up of June, 30 days of diesel and heat, no electricity readings
    assert jun["scope1_tco2e"] == pytest.approx(SF6_T + DIESEL_YEAR_T * 30 / DAYS, rel=1e-12)
    assert jun["scope2_tco2e"] == pytest.approx(HEAT_YEAR_T * 30 / DAYS, rel=1e-12)
    assert months[0]["electricity_mwh"] == pytest.approx(
        {"grid_import": 400.0, "grid_export": 30.0, "generation": 180.0})
    assert months[5]["energy_tce_by_carrier"]["diesel"] == pytest.approx(
        10_000 * 1.4571 / 1000 * 30 / DAYS, rel=1e-12)


def test_months_add_up_to_the_year(ws: lingtan.Workspace) -> None:
    monthly = monthly_inventory(ws.con, 2025).to_dict()
    annual = compute_inventory(ws.con, 2025).to_dict()
    for view in monthly["views"]:
        for key in ("scope1_tco2e", "scope2_tco2e", "total_tco2e"):
            total = sum(m["views"][view][key] for m in monthly["months"])
            assert total == pytest.approx(annual["views"][view][key], rel=1e-12), (view, key)
    for carrier, entry in annual["energy"]["by_carrier"].items():
        total = sum(m["energy_tce_by_carrier"].get(carrier, 0.0) for m in monthly["months"])
        assert total == pytest.approx(entry["tce"], rel=1e-12), carrier
    assert [m["month"] for m in monthly["months"]] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert monthly["schema"] == "lingtan.monthly/1" and "market" not in monthly["views"]


def test_activity_straddling_two_months_is_split_by_days(tmp_path: Path,
                                                         minimal_pkg: Path) -> None:
    edit(minimal_pkg, "activities.csv", ",2025-01-01,2025-12-31,mobile_combustion,diesel,10,",
         ",2025-03-20,2025-04-10,mobile_combustion,diesel,2.2,")
    with lingtan.open(tmp_path / "ws2.duckdb") as ws:
        ws.import_package(minimal_pkg)
        months = monthly_inventory(ws.con, 2025).to_dict()["months"]
    per_t = DIESEL_YEAR_T / 10
    march = months[2]["views"]["ets"]["scope1_tco2e"]
    april = months[3]["views"]["ets"]["scope1_tco2e"]
    assert march == pytest.approx(2.2 * per_t * 12 / 22, rel=1e-12)   # 20–31 March
    assert april == pytest.approx(2.2 * per_t * 10 / 22, rel=1e-12)   # 1–10 April


def test_a_month_without_data_is_zero_and_flagged(tmp_path: Path, minimal_pkg: Path) -> None:
    for line in (",2025-01-01,2025-12-31,mobile_combustion,diesel,10,吨,加油卡对账单 2025\n",
                 ",2025-01-01,2025-12-31,purchased_heat,heat,1000,GJ,蒸汽结算单 2025\n"):
        edit(minimal_pkg, "activities.csv", line, "")  # left: January readings, June, August
    with lingtan.open(tmp_path / "ws2.duckdb") as ws:
        ws.import_package(minimal_pkg)
        months = monthly_inventory(ws.con, 2025).to_dict()["months"]
    flags = [m["has_data"] for m in months]
    assert flags == [True, False, False, False, False, True, False, True, False, False, False,
                     False]
    assert months[1]["views"]["location"]["total_tco2e"] == 0.0


def test_a_year_without_data_is_an_error(ws: lingtan.Workspace) -> None:
    with pytest.raises(NoDataError, match="2019"):
        monthly_inventory(ws.con, 2019)
