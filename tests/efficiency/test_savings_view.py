"""Savings against the site's regression baseline, on a synthetic site computed by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import lingtan
from lingtan.efficiency.report import efficiency_report

FACTORY = (Path(__file__).resolve().parents[2] / "examples" / "minimal" / "factory.yaml")


def _package(root: Path, year: int, production: list[float], kwh: list[float]) -> Path:
    root.mkdir()
    (root / "factory.yaml").write_text(
        FACTORY.read_text(encoding="utf-8")
        + "efficiency:\n  baseline: {year: 2023, heating_base_c: 18, cooling_base_c: 26}\n",
        encoding="utf-8")
    bills, output = [], []
    for m in range(1, 13):
        first = dt.date(year, m, 1)
        last = (dt.date(year + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
        bills.append(f"{first},{last},purchased_electricity,electricity,{kwh[m - 1]},kWh,bill")
        output.append(f"{first},{last},cable,{production[m - 1]},km")
    (root / "activities.csv").write_text(
        "period_start,period_end,category,source,quantity,unit,evidence\n"
        + "\n".join(bills) + "\n", encoding="utf-8")
    (root / "production.csv").write_text(
        "period_start,period_end,product,quantity,unit\n" + "\n".join(output) + "\n",
        encoding="utf-8")
    days = [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    (root / "weather.csv").write_text(
        "date,temp_air_c\n" + "".join(f"{d},20\n" for d in days), encoding="utf-8")
    return root


def test_savings_by_hand(tmp_path: Path) -> None:
    # 2023: E = 1000 + 2·P exactly; 20 °C every day, so HDD18 = CDD26 = 0 (left out).
    p23 = [100.0 + 10 * m for m in range(1, 13)]
    base = _package(tmp_path / "b", 2023, p23, [1000 + 2 * p for p in p23])
    # 2025: P = 150 each month, metered 1 200 kWh; the baseline predicts 1 300 kWh.
    now = _package(tmp_path / "n", 2025, [150.0] * 12, [1200.0] * 12)
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(base)
        ws.import_package(now)
        s = efficiency_report(ws.con, 2025)["savings"]
    assert s["regressors"] == ["production"]
    assert s["model"]["coefficients"]["production"] == pytest.approx(2.0)
    assert s["model"]["r_squared"] == pytest.approx(1.0)
    assert all(r["avoided_kwh"] == pytest.approx(100.0) for r in s["rows"])
    assert s["avoided_kwh"] == pytest.approx(1200.0)
    assert s["factor_tco2_per_mwh"] == pytest.approx(0.5827)      # JS 2023, location view
    assert s["avoided_co2e_t"] == pytest.approx(1.2 * 0.5827)
