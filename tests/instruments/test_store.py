"""The ledger read from the workspace: self-consumption GECs in the market view, monthly
generation and the GECs it can be issued, checked by hand.

The minimal package buys 400 MWh from the grid in 2025 (GRID-IMP 100 + 150 + 150 MWh) and
retires GEC-2025-A, 100 MWh, for 2025; its PV meter generates 50 + 60 + 70 = 180 MWh on
2025-01-01 (docs/inventory.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lingtan
from lingtan.cli import app
from lingtan.instruments import issue_monthly
from lingtan.instruments.holdings import IssuableMonth, issuable_gec
from lingtan.instruments.store import claimed_for_year, monthly_generation_kwh
from pkgedit import append, edit


def _market(ws: lingtan.Workspace) -> dict[str, float]:
    lines = ws.inventory(2025).to_dict()["lines"]
    return {ln["source"]: ln["activity_quantity"] for ln in lines if ln["view"] == "market"}


def test_tradable_gec_covers_grid_purchases(ws: lingtan.Workspace, minimal_pkg: Path) -> None:
    ws.import_package(minimal_pkg)
    assert _market(ws) == {"green_instruments": 100.0, "grid_residual": 300.0}


def test_self_consumption_gec_does_not_cover_grid_purchases(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    edit(minimal_pkg, "instruments.csv", "solar,CN-QH,true,", "solar,CN-QH,false,")
    ws.import_package(minimal_pkg)  # accepted: its holder may retire it (domain.md §6)
    assert _market(ws) == {"grid_residual": 400.0}  # all 400 MWh at the residual mix
    inventory = ws.inventory(2025)
    assert inventory.instruments_claimed == {"ccer": 50.0, "gec": 100.0}  # still claimed
    assert inventory.electricity_kwh["green_instruments_retired"] == 0.0
    [warning] = [w for w in inventory.warnings if "not tradable" in w]
    assert warning.startswith("GEC lot 'GEC-2025-A' (100 MWh claimed for 2025) is not tradable")
    claimed = claimed_for_year(ws.con, "minimal", 2025)
    assert [(lot, mwh) for lot, mwh, _ in claimed.self_consumption] == [("GEC-2025-A", 100.0)]
    assert "gec" not in claimed.lots_by_kind
    [lot] = [lot for lot in ws.instruments(2025).lots if lot.lot_id == "GEC-2025-A"]
    assert lot.tradable is False


def test_issuance_by_hand() -> None:
    # 2.4 → 2 (0.4 left); 0.4 + 1.7 = 2.1 → 2 (0.1 left); 0.1 + 0.9 = 1.0 → 1 (nothing left)
    kwh = {"2025-01": 2400.0, "2025-02": 1700.0, "2025-03": 900.0}
    assert issue_monthly(kwh) == [("2025-01", 2, 400.0), ("2025-02", 2, 100.0),
                                  ("2025-03", 1, 0.0)]
    assert issuable_gec(kwh, 2025) == [
        IssuableMonth("2025-01", 2.4, 0.0, 2, 0.4), IssuableMonth("2025-02", 1.7, 0.4, 2, 0.1),
        IssuableMonth("2025-03", 0.9, 0.1, 1, 0.0)]


def test_remainder_is_carried_from_december_into_january() -> None:
    # domain.md §6: "carried forward to the next month", no exception at the year end
    kwh = {"2024-11": 300.0, "2024-12": 500.0, "2025-01": 1400.0}
    assert issuable_gec(kwh, 2025) == [IssuableMonth("2025-01", 1.4, 0.8, 2, 0.2)]
    assert issuable_gec(kwh, 2024) == [IssuableMonth("2024-11", 0.3, 0.0, 0, 0.3),
                                       IssuableMonth("2024-12", 0.5, 0.3, 0, 0.8)]


@pytest.fixture
def generation_db(tmp_path: Path, minimal_pkg: Path) -> Path:
    # PV (MWh, interval) in local time: + 0.6 in Dec 2024, + 0.4 in Jan, 1.7 in Feb, 0.9 in
    # Mar, and 0.5 in the hour ending at 1 April 00:00, which belongs to March
    append(minimal_pkg, "readings/pv_gas.csv", "PV,2024-12-20 12:00,0.6",
           "PV,2025-01-15 12:00,0.4", "PV,2025-02-10 12:00,1.7", "PV,2025-03-10 12:00,0.9",
           "PV,2025-04-01 00:00,0.5")
    path = tmp_path / "gen.duckdb"
    with lingtan.open(path) as ws:
        ws.import_package(minimal_pkg)
    return path


def test_monthly_generation_from_the_workspace(generation_db: Path) -> None:
    with lingtan.open(generation_db) as ws:
        kwh = monthly_generation_kwh(ws.con, "minimal", "Asia/Shanghai", 2025)
        assert kwh == {"2024-12": 600.0, "2025-01": 180_400.0, "2025-02": 1700.0,
                       "2025-03": 1400.0}
        months = ws.instruments(2025).issuable_gec
    # Jan: 0.6 + 180.4 = 181.0 → 181; Feb: 1.7 → 1 (0.7); Mar: 0.7 + 1.4 = 2.1 → 2 (0.1)
    assert months == [IssuableMonth("2025-01", 180.4, 0.6, 181, 0.0),
                      IssuableMonth("2025-02", 1.7, 0.0, 1, 0.7),
                      IssuableMonth("2025-03", 1.4, 0.7, 2, 0.1)]


def test_site_without_generation_has_no_issuable_gec(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    edit(minimal_pkg, "meters.csv", "interval,generation", "interval,submeter")
    ws.import_package(minimal_pkg)
    assert monthly_generation_kwh(ws.con, "minimal", "Asia/Shanghai", 2025) == {}
    assert ws.instruments(2025).to_dict()["issuable_gec"] == []


def test_cli_shows_tradable_and_issuable(generation_db: Path) -> None:
    runner = CliRunner()
    doc = json.loads(runner.invoke(app, ["instruments", "--year", "2025", "--db",
                                         str(generation_db), "--json"]).stdout)
    assert {lot["lot_id"]: lot["tradable"] for lot in doc["lots"]} == {
        "CCER-2025-1": True, "GEC-2025-A": True}
    assert doc["issuable_gec"][1] == {"month": "2025-02", "generation_mwh": 1.7,
                                      "carried_in_mwh": 0.0, "certificates": 1,
                                      "carried_mwh": 0.7}
    text = runner.invoke(app, ["instruments", "--year", "2025", "--db", str(generation_db)])
    assert text.exit_code == 0, text.output
    assert "GECs issuable on own generation 2025" in text.stdout
    assert "2025-03" in text.stdout and "181" in text.stdout
