"""Instruments held at year end (``lingtan.instruments/1``), checked by hand.

The package below holds, for the minimal site:

========  ====  =========  =======================  =====================
lot       kind  quantity   generation / vintage     retired (claimed for)
========  ====  =========  =======================  =====================
GEC-A     gec   100 MWh    2025-03 (→ 2027-02-28)   2026-01-15 (2025)
GEC-B     gec    30 MWh    2024-01 (→ 2025-12-31)   —
GEC-C     gec    20 MWh    2025-07 (→ 2027-06-30)   2025-08-10 (2025)
GEC-F     gec    10 MWh    2026-02 (→ 2028-01-31)   —
CCER-1    ccer   50 tCO2e  vintage 2024             2026-01-20 (2025)
CCER-2    ccer 12.5 tCO2e  vintage 2025             —
========  ====  =========  =======================  =====================

GEC validity: 24 months counting the generation month (NEA GEC rules 2024-09-05,
docs/instruments.md): 2024-01 → 2025-12-31, so GEC-B is still valid on 2025-12-31 (the
last day counts) and has expired by 2026-12-31. GEC-F is acquired on 2026-02-01, after the
2025 year end.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lingtan
import lingtan.instruments.holdings as holdings_module
from lingtan.cli import app
from lingtan.errors import NoDataError
from lingtan.instruments import Cancel, Ledger, Transfer
from lingtan.instruments.holdings import SCHEMA, holdings

from .builders import gec_lot, retire

HEADER = ("instrument_id,kind,quantity,unit,generation_month,vintage,technology,province,"
          "tradable,serial_start,serial_end,registry,project_id,retired_on,claimed_year")
ROWS = (
    "GEC-A,gec,100,MWh,2025-03,,solar,CN-QH,true,T0001,T0100,,,2026-01-15,2025",
    "GEC-B,gec,30,MWh,2024-01,,wind,CN-NM,true,,,,,,",
    "GEC-C,gec,20,MWh,2025-07,,wind,CN-GS,true,,,,,2025-08-10,2025",
    "GEC-F,gec,10,MWh,2026-02,,solar,CN-JS,true,,,,,,",
    "CCER-1,ccer,50,tCO2e,,2024,,,,,,CCER,CCER-14-001,2026-01-20,2025",
    "CCER-2,ccer,12.5,tCO2e,,2025,,,,,,CCER,CCER-14-002,,",
)


@pytest.fixture
def db(tmp_path: Path, minimal_pkg: Path) -> Path:
    (minimal_pkg / "instruments.csv").write_text("\n".join((HEADER, *ROWS)) + "\n",
                                                 encoding="utf-8")
    path = tmp_path / "held.duckdb"
    with lingtan.open(path) as ws:
        ws.import_package(minimal_pkg)
    return path


def _doc(db: Path, year: int) -> dict[str, object]:
    with lingtan.open(db) as ws:
        return ws.instruments(year).to_dict()


def test_year_end_2025_by_kind(db: Path) -> None:
    doc = _doc(db, 2025)
    assert (doc["schema"], doc["site"], doc["year"], doc["as_of"]) == (
        SCHEMA, "minimal", 2025, "2025-12-31")
    assert doc["by_kind"] == {
        # acquired A+B+C (F comes in 2026); retired by 2025-12-31: C; claimed for 2025: A + C
        "gec": {"kind": "gec", "unit": "MWh", "acquired": 150.0, "held": 130.0,
                "transferred": 0.0, "retired": 20.0, "claimed_for_year": 120.0,
                "expired": 0.0, "cancelled": 0.0},
        "ccer": {"kind": "ccer", "unit": "tCO2e", "acquired": 62.5, "held": 62.5,
                 "transferred": 0.0, "retired": 0.0, "claimed_for_year": 50.0,
                 "expired": 0.0, "cancelled": 0.0},
    }


def test_year_end_2025_by_lot(db: Path) -> None:
    lots = {lot["lot_id"]: lot for lot in _doc(db, 2025)["lots"]}  # type: ignore[attr-defined]
    assert sorted(lots) == ["CCER-1", "CCER-2", "GEC-A", "GEC-B", "GEC-C"]
    assert lots["GEC-B"] == {
        "lot_id": "GEC-B", "kind": "gec", "unit": "MWh", "generation_month": "2024-01",
        "vintage": None, "acquired": 30.0, "held": 30.0, "transferred": 0.0, "retired": 0.0,
        "claimed_for_year": 0.0, "expired": 0.0, "cancelled": 0.0,
        "valid_until": "2025-12-31", "is_expired": False,  # the last valid day
        "tradable": True}
    assert (lots["GEC-A"]["held"], lots["GEC-A"]["claimed_for_year"]) == (100.0, 100.0)
    assert (lots["GEC-C"]["held"], lots["GEC-C"]["retired"]) == (0.0, 20.0)
    assert lots["CCER-1"]["vintage"] == 2024 and lots["CCER-1"]["valid_until"] is None


def test_gec_past_validity_at_year_end_is_expired(db: Path) -> None:
    doc = _doc(db, 2026)
    gec = doc["by_kind"]["gec"]  # type: ignore[index]
    # acquired 160; retired A (2026-01-15) + C = 120; B lapsed after 2025-12-31: 30; F held
    assert (gec["acquired"], gec["retired"], gec["expired"], gec["held"]) == (
        160.0, 120.0, 30.0, 10.0)
    assert gec["claimed_for_year"] == 0.0
    lots = {lot["lot_id"]: lot for lot in doc["lots"]}  # type: ignore[attr-defined]
    assert lots["GEC-B"]["is_expired"] and lots["GEC-B"]["expired"] == 30.0
    assert not lots["GEC-F"]["is_expired"] and lots["GEC-F"]["held"] == 10.0
    ccer = doc["by_kind"]["ccer"]  # type: ignore[index]
    assert (ccer["held"], ccer["retired"], ccer["expired"]) == (12.5, 50.0, 0.0)


def test_claimed_equals_the_inventory(db: Path) -> None:
    with lingtan.open(db) as ws:
        claimed = ws.inventory(2025).to_dict()["instruments_claimed"]
        by_kind = ws.instruments(2025).to_dict()["by_kind"]
    assert {k: v["claimed_for_year"] for k, v in by_kind.items()} == claimed


def test_transfers_and_cancellations(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = Ledger.replay([
        gec_lot(),  # 100 MWh generated 2024-03, acquired 2024-04-15, valid to 2026-02-28
        Transfer(event_id="t1", lot_id="L1", on=date(2024, 6, 1), quantity=10, to="buyer"),
        Cancel(event_id="c1", lot_id="L1", on=date(2024, 7, 1), quantity=5),
        retire("r1", quantity=40),  # 2025-01-10, claimed for 2024
    ])
    monkeypatch.setattr(holdings_module, "site_ledger", lambda con, site_id: (state, {}))
    with lingtan.open(db) as ws:
        y2024, y2025, y2026 = (ws.instruments(y).by_kind["gec"] for y in (2024, 2025, 2026))
    assert (y2024.transferred, y2024.cancelled, y2024.retired, y2024.held) == (10, 5, 0, 85)
    assert y2024.claimed_for_year == 40 and y2025.claimed_for_year == 0
    assert (y2025.retired, y2025.held, y2025.expired) == (40, 45, 0)
    assert (y2026.expired, y2026.held) == (45, 0)


def test_site_without_instruments_gives_an_empty_document(
    ws: lingtan.Workspace, minimal_pkg: Path
) -> None:
    (minimal_pkg / "instruments.csv").write_text(HEADER + "\n", encoding="utf-8")
    ws.import_package(minimal_pkg)
    doc = holdings(ws.con, 2025).to_dict()
    assert doc == {"schema": SCHEMA, "site": "minimal", "year": 2025, "as_of": "2025-12-31",
                   "by_kind": {}, "lots": [],
                   # PV 50 + 60 + 70 MWh on 2025-01-01 → 180 GECs, nothing carried
                   "issuable_gec": [{"month": "2025-01", "generation_mwh": 180.0,
                                     "carried_in_mwh": 0.0, "certificates": 180,
                                     "carried_mwh": 0.0}]}


def test_unknown_site_is_an_error(db: Path) -> None:
    with lingtan.open(db) as ws, pytest.raises(NoDataError, match="no site 'x'"):
        holdings(ws.con, 2025, site_id="x")


def test_cli_json(db: Path) -> None:
    result = CliRunner().invoke(app, ["instruments", "--year", "2025", "--db", str(db),
                                      "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == "lingtan.instruments/1"
    assert doc == _doc(db, 2025)


def test_cli_table_and_errors(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["instruments", "--year", "2026", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "as of 2026-12-31" in result.stdout and "GEC-B" in result.stdout
    assert "expired" in result.stdout
    empty = runner.invoke(app, ["instruments", "--year", "2025", "--db", str(tmp_path / "e")])
    assert empty.exit_code == 1 and "no workspace at" in empty.stderr
    assert not (tmp_path / "e").exists()  # a read command never creates a workspace
    assert runner.invoke(app, ["instruments", "--db", str(db)]).exit_code == 2
