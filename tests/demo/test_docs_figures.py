"""docs/demo.md cannot go stale: its annual figures are recomputed from a build."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from lingtan.demo import package, pv, weather

from .helpers import ROOT, counter_deltas, read_readings

DEMO_DOC = ROOT / "docs" / "demo.md"


def documented_figures() -> dict[str, float]:
    text = DEMO_DOC.read_text(encoding="utf-8")
    block = text.split("<!-- demo-figures:start -->", 1)[1].split("<!-- demo-figures:end -->")[0]
    rows = re.findall(r"^\| ([^|]+?) \| [^|]+ \| ([\d.]+) \|$", block, flags=re.MULTILINE)
    return {label: float(value) for label, value in rows}


def computed_figures(demo_dir: Path, weather_2025: pd.DataFrame) -> dict[str, float]:
    pv_kwh = read_readings(demo_dir, "PV-1").sum()
    import_kwh = counter_deltas(read_readings(demo_dir, "GRID-IMP")).sum()
    export_kwh = counter_deltas(read_readings(demo_dir, "GRID-EXP")).sum()
    gas_m3 = counter_deltas(read_readings(demo_dir, "GAS-BOILER"),
                            package.gas.COUNTER_MODULUS_M3).sum()
    activities = pd.read_csv(demo_dir / "activities.csv").groupby("source")["quantity"].sum()
    production = pd.read_csv(demo_dir / "production.csv").groupby("product")["quantity"].sum()
    instruments = pd.read_csv(demo_dir / "instruments.csv")
    sub_mwh = {m: read_readings(demo_dir, m).sum() / 1000
               for m in ("SUB-EXTR", "SUB-STRAND", "SUB-UTIL", "SUB-OFFICE")}
    claimed = instruments[instruments["claimed_year"] == 2025].groupby("kind")["quantity"].sum()
    return {
        "site consumption (import + PV − export)": (import_kwh + pv_kwh - export_kwh) / 1000,
        "PV generation": pv_kwh / 1000,
        "grid import": import_kwh / 1000,
        "grid export": export_kwh / 1000,
        "PV used on site": (pv_kwh - export_kwh) / 1000,
        "sub-meter extrusion": sub_mwh["SUB-EXTR"],
        "sub-meter stranding and cabling": sub_mwh["SUB-STRAND"],
        "sub-meter utilities": sub_mwh["SUB-UTIL"],
        "sub-meter offices (8 readings missing)": sub_mwh["SUB-OFFICE"],
        "global horizontal irradiation": weather.annual_irradiation_kwh_per_m2(weather_2025),
        "PV specific yield": pv.specific_yield_kwh_per_kwp(pv.generation_kwh(weather_2025)),
        "boiler natural gas": gas_m3,
        "diesel": activities["diesel"],
        "SF6 top-up": activities["SF6"],
        "HFC-134a top-ups": activities["HFC-134a"],
        "power cable produced": production["power_cable"],
        "building wire produced": production["building_wire"],
        "GEC and green power retired for 2025": claimed["gec"] + claimed["green_power"],
        "CCER retired for 2025": claimed["ccer"],
    }


def test_documented_annual_figures_match_a_build(demo_dir: Path,
                                                 weather_2025: pd.DataFrame) -> None:
    documented = documented_figures()
    computed = computed_figures(demo_dir, weather_2025)
    assert documented.keys() == computed.keys()
    for label, value in documented.items():
        assert computed[label] == pytest.approx(value, rel=0.005), label
