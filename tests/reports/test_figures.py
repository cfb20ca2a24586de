"""Chart data: every figure's numbers against examples/minimal by hand, and the flow layout."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtan.reports import build_inventory_report, build_selfeval_report
from lingtan.reports.figures import (
    Flow,
    energy_flow,
    energy_mix,
    matching_heatmap,
    monthly_emissions,
    pv_share,
)
from lingtan.reports.model import Text
from lingtan.reports.sankey import layout

EN = Text("en")
K_ELEC = 0.1229  # kgce/kWh = tce/MWh, GB/T 2589-2020 equivalent value
GRID_LOCATION = 0.5827


def test_monthly_emissions_copy_the_monthly_document(docs: dict[str, Any]) -> None:
    figure = monthly_emissions(EN, docs["monthly"])
    assert figure.categories == [f"{m:02d}" for m in range(1, 13)]
    scope1, scope2 = figure.series
    assert scope1.name == "Scope 1" and scope2.name == "Scope 2"
    location = docs["inventory"]["views"]["location"]
    assert sum(scope1.values) == pytest.approx(location["scope1_tco2e"], rel=1e-12)
    assert sum(scope2.values) == pytest.approx(location["scope2_tco2e"], rel=1e-12)
    # January: (400 − 30) MWh × 0.5827 + 31/365 of 110 tCO2 of heat
    assert scope2.values[0] == pytest.approx(370 * GRID_LOCATION + 110 * 31 / 365, rel=1e-12)


def test_pv_share_by_hand(docs: dict[str, Any]) -> None:
    figure = pv_share(EN, docs["monthly"])
    assert figure is not None and figure.share is not None
    used, grid = figure.series
    # January: PV 180, export 30, import 400 MWh → PV used 150 of 550 MWh consumed
    assert used.values[0] == pytest.approx(150.0)
    assert grid.values[0] == pytest.approx(400.0)
    assert figure.share.values[0] == pytest.approx(150 / 550)
    assert figure.share.values[1] is None          # February: nothing consumed
    table = figure.table(EN)
    assert table.rows[0] == ["01", pytest.approx(150.0), pytest.approx(400.0),
                             pytest.approx(100 * 150 / 550)]


def test_no_generation_no_pv_figure(docs: dict[str, Any]) -> None:
    monthly = {"months": [{**m, "electricity_mwh": {"grid_import": 1.0}}
                          for m in docs["monthly"]["months"]]}
    assert pv_share(EN, monthly) is None


def test_energy_mix_by_hand(docs: dict[str, Any]) -> None:
    figure = energy_mix(EN, docs["inventory"])
    expected = {"Electricity": 550 * K_ELEC, "Heat": 1_000_000 * 0.03412 / 1000,
                "Natural gas": 12_000 * 1.2143 / 1000, "Diesel": 10_000 * 1.4571 / 1000}
    assert figure.categories == list(expected)     # largest first
    assert figure.series[0].values == pytest.approx(list(expected.values()), rel=1e-12)
    assert sum(figure.series[0].values) == pytest.approx(130.8576, rel=1e-12)


def test_matching_heatmap_by_hand(docs: dict[str, Any]) -> None:
    figure = matching_heatmap(EN, docs["hourly"])
    assert figure is not None
    assert [s.name for s in figure.series][:2] == ["2025-01", "2025-02"]
    assert len(figure.series) == 12 and len(figure.categories) == 24
    # 1 January, hour starting 00:00: import 100 + PV 50 − export 10 = 140 MWh, PV 50 matched
    assert figure.series[0].values[:3] == pytest.approx([50 / 140, 60 / 190, 70 / 220])
    assert figure.series[0].values[3] is None      # no load in that hour of January
    assert matching_heatmap(EN, {"year": 2025}) is None


def test_energy_flow_balances_by_hand(docs: dict[str, Any]) -> None:
    figure = energy_flow(EN, docs["inventory"], docs["efficiency"])
    assert figure is not None
    flows = {(f.source, f.target): f.value for f in figure.flows}
    assert flows[("Grid purchase", "Electricity")] == pytest.approx(400 * K_ELEC)
    assert flows[("On-site generation", "Electricity")] == pytest.approx(180 * K_ELEC)
    assert flows[("Electricity", "Grid export")] == pytest.approx(30 * K_ELEC)
    assert flows[("Electricity", "Consumed on site")] == pytest.approx(550 * K_ELEC)
    assert flows[("Heat", "Heat use")] == pytest.approx(34.12)
    nodes, _ = layout(figure.flows, figure.columns)
    hub = next(n for n in nodes if n.name == "Electricity")
    assert hub.value_in == pytest.approx(hub.value_out)
    consumed = sum(v for (s, t), v in flows.items() if t != "Electricity" and t != "Grid export")
    assert consumed == pytest.approx(docs["inventory"]["energy_tce"], rel=1e-12)


def test_energy_flow_splits_electricity_by_sub_meter() -> None:
    inv = {"year": 2025, "electricity_mwh": {"grid_import": 100.0, "generation": 0.0},
           "energy": {"by_carrier": {"electricity": {"quantity": 100_000.0, "tce": 12.29}}}}
    eff = {"rows": [{"period": "2025", "kind": "process", "name": "EXTR", "energy_kwh": 60_000.0},
                    {"period": "2025-01", "kind": "process", "name": "EXTR",
                     "energy_kwh": 5_000.0},
                    {"period": "2025", "kind": "product", "name": "wire", "energy_kwh": 1.0}]}
    figure = energy_flow(EN, inv, eff)
    assert figure is not None
    flows = {f.target: f.value for f in figure.flows if f.source == "Electricity"}
    assert flows == pytest.approx({"EXTR": 60 * K_ELEC, "Not sub-metered": 40 * K_ELEC})
    assert "more than" not in figure.note


def test_energy_flow_names_sub_meters_exceeding_consumption() -> None:
    inv = {"year": 2025, "electricity_mwh": {"grid_import": 100.0},
           "energy": {"by_carrier": {"electricity": {"quantity": 100_000.0, "tce": 12.29}}}}
    eff = {"rows": [{"period": "2025", "kind": "process", "name": "A", "energy_kwh": 70_000.0},
                    {"period": "2025", "kind": "process", "name": "B", "energy_kwh": 50_000.0}]}
    figure = energy_flow(EN, inv, eff)
    assert figure is not None
    assert "Not sub-metered" not in {f.target for f in figure.flows}
    assert "2.458 tce more than" in figure.note                     # 20 MWh × 0.1229


def test_selfeval_places_the_five_charts(docs: dict[str, Any]) -> None:
    report = build_selfeval_report(docs["inventory"], docs["assessment"], docs["efficiency"],
                                   docs["hourly"], "zh", monthly=docs["monthly"])
    where = {f.key: s.key for s, f in report.figures()}
    assert where == {"fig.monthly_emissions": "path1", "fig.energy_mix": "path1",
                     "fig.energy_flow": "path1", "fig.pv_share": "path2",
                     "fig.matching_heatmap": "path2"}
    # each chart's numbers are also a table (an XLSX sheet)
    keys = {table.key for _, table in report.tables()}
    assert set(where) <= keys
    without = build_selfeval_report(docs["inventory"], docs["assessment"], None, None, "zh")
    assert {f.key for _, f in without.figures()} == {"fig.energy_mix", "fig.energy_flow"}


def test_inventory_report_has_the_monthly_chart(docs: dict[str, Any]) -> None:
    report = build_inventory_report(docs["inventory"], "en", monthly=docs["monthly"])
    assert [f.key for _, f in report.figures()] == ["fig.monthly_emissions"]
    assert not list(build_inventory_report(docs["inventory"], "en").figures())


# ---------------------------------------------------------------- flow layout

NAMES = ["a", "b", "c", "d", "e", "f"]


@st.composite
def networks(draw: st.DrawFn) -> tuple[list[Flow], list[list[str]]]:
    columns = [["a", "b"], ["c"], ["d", "e", "f"]]
    flows = [Flow(s, "c", draw(st.floats(0.1, 1e4))) for s in columns[0]]
    inflow = sum(f.value for f in flows)
    shares = draw(st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3))
    flows += [Flow("c", t, inflow * w / sum(shares)) for t, w in zip(columns[2], shares,
                                                                      strict=True)]
    if draw(st.booleans()):
        flows.append(Flow("a", "f", draw(st.floats(0.1, 1e4))))   # skips the middle column
    return flows, columns


@given(networks())
def test_layout_conserves_and_stacks_bands(net: tuple[list[Flow], list[list[str]]]) -> None:
    flows, columns = net
    nodes, bands = layout(flows, columns)
    by_name = {n.name: n for n in nodes}
    for node in nodes:
        outgoing = sorted((b.y0, b.height) for b in bands if b.flow.source == node.name)
        incoming = sorted((b.y1, b.height) for b in bands if b.flow.target == node.name)
        for stack, total in ((outgoing, node.value_out), (incoming, node.value_in)):
            if not stack:
                continue
            assert sum(h for _, h in stack) == pytest.approx(total, rel=1e-9)
            for (y_lo, h_lo), (y_hi, _) in pairwise(stack):
                assert y_lo + h_lo == pytest.approx(y_hi, rel=1e-9, abs=1e-9)  # no gap/overlap
            top = stack[-1][0] + stack[-1][1]
            assert top == pytest.approx(node.y0 + node.height, rel=1e-9, abs=1e-9)
    for a, b in pairwise(columns[2]):   # nodes do not overlap
        assert by_name[b].y0 + by_name[b].height < by_name[a].y0


def test_layout_refuses_a_backward_flow() -> None:
    with pytest.raises(ValueError, match="left to right"):
        layout([Flow("c", "a", 1.0)], [["a"], ["c"]])
    with pytest.raises(ValueError, match="left to right"):
        layout([Flow("a", "zz", 1.0)], [["a"], ["c"]])
