"""The report data: numbers copied from the library's documents, nothing recomputed."""

from __future__ import annotations

from typing import Any

import pytest

from lingtan.reports import build_inventory_report, build_selfeval_report


def test_inventory_report_iso_layout(docs: dict[str, Any]) -> None:
    inv = docs["inventory"]
    report = build_inventory_report(inv, "en")
    keys = [s.key for s in report.sections]
    assert keys[:5] == ["summary", "cat1", "cat2", "memo", "cat3_6"]
    assert {"gwp", "factors", "uncertainty", "warnings"} <= set(keys)
    cat1 = report.table("cat1")
    assert cat1.rows[-1][-3] == inv["views"]["location"]["scope1_tco2e"]
    assert sum(r[-3] for r in cat1.rows[:-1]) == pytest.approx(cat1.rows[-1][-3])
    for view in ("location", "market", "ets"):
        table = report.table(f"cat2.{view}")
        assert table.rows[-1][-3] == inv["views"][view]["scope2_tco2e"]
        assert sum(r[-3] for r in table.rows[:-1]) == pytest.approx(table.rows[-1][-3])
    assert [r[1] for r in report.table("cat3_6").rows] == ["not quantified"] * 4


def test_factors_and_uncertainty(docs: dict[str, Any]) -> None:
    inv = docs["inventory"]
    report = build_inventory_report(inv, "en")
    factors = report.table("factors")
    assert [r[0] for r in factors.rows] == [f["factor_id"] for f in inv["factors"]]
    assert all(isinstance(r[1], float | int) for r in factors.rows)
    uncertain = {r[0] for r in report.table("uncertainty").rows}
    assert uncertain == {f["factor_id"] for f in inv["factors"] if f["confidence"] in "UR"}
    gwp = {r[0]: r[1] for r in report.table("gwp").rows}
    assert gwp == {"HFC-134a": 1300.0, "SF6": 23500.0}  # IPCC AR5 Table 8.A.1
    warnings = next(s for s in report.sections if s.key == "warnings").paragraphs
    assert warnings == inv["warnings"]


def test_selfeval_has_the_six_paths(docs: dict[str, Any]) -> None:
    report = build_selfeval_report(docs["inventory"], docs["assessment"], docs["efficiency"],
                                   docs["hourly"], "zh")
    keys = [s.key for s in report.sections]
    assert [k for k in keys if k.startswith("path")] == [f"path{n}" for n in range(1, 7)]
    path4 = next(s for s in report.sections if s.key == "path4")
    assert "尚未评估" in path4.paragraphs[0]


def test_selfeval_figures(docs: dict[str, Any]) -> None:
    inv, assessment = docs["inventory"], docs["assessment"]
    report = build_selfeval_report(inv, assessment, docs["efficiency"], docs["hourly"], "en")
    assert report.table("energy").rows[-1][-1] == inv["energy_tce"] == 130.8576
    net = dict((r[0], r[1]) for r in report.table("net").rows)
    assert net["Net emissions (tCO2e)"] == assessment["net_tco2e"]
    assert net["Offsets (tCO2e)"] == 50.0
    assert {r[1] for r in report.table("instruments").rows} == {50.0, 100.0}
    findings = report.table("findings")
    assert [r[0] for r in findings.rows] == [f["rule_id"] for f in assessment["findings"]]
    assert [r[4] for r in findings.rows] == [f["evidence"] for f in assessment["findings"]]
    assert [r[5] for r in findings.rows] == [f["source"] for f in assessment["findings"]]
    gaps = report.table("gaps")
    assert [r[1] for r in gaps.rows] == [g["en"] for g in assessment["gaps"]]
    hourly = dict((r[0], r[1]) for r in report.table("hourly").rows)
    assert hourly["Annual matching"] == docs["hourly"]["annual_matching"]


def test_selfeval_without_efficiency_and_hourly(docs: dict[str, Any]) -> None:
    report = build_selfeval_report(docs["inventory"], docs["assessment"], None, None, "en")
    path3 = next(s for s in report.sections if s.key == "path3")
    assert path3.paragraphs == ["No efficiency result given."] and not path3.tables
    with pytest.raises(KeyError):
        report.table("hourly")


def test_national_guideline_findings_go_to_their_path(docs: dict[str, Any]) -> None:
    assessment = dict(docs["assessment"], findings=[
        {"rule_id": "cn.path5.digital", "status": "undetermined", "evidence": "e5",
         "source": "s5", "level": "all", "required": True, "gap": None}])
    report = build_selfeval_report(docs["inventory"], assessment, None, None, "en")
    assert report.table("path5.findings").rows[0][4] == "e5"


def test_selfeval_shows_instruments_held(docs: dict[str, Any]) -> None:
    """examples/minimal: GEC-2025-A (100 MWh) and CCER-2025-1 (50 tCO2e) are retired in
    January 2026 for 2025, so on 2025-12-31 both are still held and fully claimed."""
    from lingtan import open as open_ws
    from lingtan.reports.run import build_report

    from .conftest import MINIMAL

    with open_ws(":memory:") as ws:
        ws.import_package(MINIMAL)
        held = ws.instruments(2025).to_dict()
        built = build_report(ws.con, 2025, "selfeval", "en")
    report = build_selfeval_report(docs["inventory"], docs["assessment"], lang="en",
                                   holdings=held)
    table = report.table("holdings")
    assert table.columns == ["Kind", "Unit", "Acquired", "Held at year end",
                             "Retired, claimed for the year", "Retired (total)", "Expired",
                             "Cancelled"]
    assert table.rows == [["CCER", "tCO2e", 50.0, 50.0, 50.0, 0.0, 0.0, 0.0],
                          ["GEC", "MWh", 100.0, 100.0, 100.0, 0.0, 0.0, 0.0]]
    path6 = next(s for s in report.sections if s.key == "path6")
    assert "as of 2025-12-31" in path6.paragraphs[0]
    assert built.table("holdings").rows == table.rows  # lingtan report passes it on


def test_selfeval_without_holdings_keeps_the_ledger_note(docs: dict[str, Any]) -> None:
    report = build_selfeval_report(docs["inventory"], docs["assessment"], lang="en")
    with pytest.raises(KeyError):
        report.table("holdings")
    path6 = next(s for s in report.sections if s.key == "path6")
    assert path6.paragraphs == [
        "Balances held are not part of the inventory document; see the instrument ledger "
        "(lingtan.instruments)."]
