"""The written demo package: format, row counts, balance, totals, determinism."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from lingtan.demo import build_demo_package, package

from .helpers import counter_deltas, documented_columns, read_readings

INTERVAL_METERS = ("PV-1", "SUB-EXTR", "SUB-STRAND", "SUB-UTIL", "SUB-OFFICE")
SUBMETERS = ("SUB-EXTR", "SUB-STRAND", "SUB-UTIL", "SUB-OFFICE")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
VALUE = re.compile(r"^\d+\.\d{3}$")


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _annual(demo_dir: Path) -> dict[str, float]:
    pv = read_readings(demo_dir, "PV-1")
    grid_import = counter_deltas(read_readings(demo_dir, "GRID-IMP"))
    grid_export = counter_deltas(read_readings(demo_dir, "GRID-EXP"))
    gas = counter_deltas(read_readings(demo_dir, "GAS-BOILER"), package.gas.COUNTER_MODULUS_M3)
    activities = pd.read_csv(demo_dir / "activities.csv")
    return {
        "pv_kwh": pv.sum(),
        "import_kwh": grid_import.sum(),
        "export_kwh": grid_export.sum(),
        "consumption_kwh": grid_import.sum() + pv.sum() - grid_export.sum(),
        "gas_m3": gas.sum(),
        "diesel_t": activities.loc[activities["source"] == "diesel", "quantity"].sum(),
    }


def test_all_files_present(demo_dir: Path) -> None:
    names = sorted(p.relative_to(demo_dir).as_posix() for p in demo_dir.rglob("*") if p.is_file())
    meters = [m["meter_id"] for m in package.METERS]
    expected = ["activities.csv", "equipment.csv", "factory.yaml", "instruments.csv", "meters.csv",
                "weather.csv",
                "production.csv", *(f"readings/{m}.csv" for m in meters)]
    assert names == sorted(expected)


@pytest.mark.parametrize(
    ("filename", "section"),
    [("meters.csv", "meters.csv"), ("activities.csv", "activities.csv"),
     ("production.csv", "production.csv"), ("instruments.csv", "instruments.csv"),
     ("equipment.csv", "equipment.csv")],
)
def test_table_columns_are_documented(demo_dir: Path, filename: str, section: str) -> None:
    allowed, required = documented_columns(section)
    header = _header(demo_dir / filename)
    assert set(required) <= set(header)
    assert [c for c in allowed if c in header] == header  # documented names, documented order


def test_readings_columns_and_formats(demo_dir: Path) -> None:
    allowed, required = documented_columns("readings/")
    for path in sorted((demo_dir / "readings").glob("*.csv")):
        assert _header(path) == required
        with path.open(encoding="utf-8") as handle:
            next(handle)
            for line in handle:
                meter_id, stamp, value = line.rstrip("\n").split(",")
                assert meter_id == path.stem
                assert TIMESTAMP.match(stamp), stamp
                assert VALUE.match(value), value
    assert set(required) <= set(allowed)


def test_factory_yaml(demo_dir: Path) -> None:
    factory = yaml.safe_load((demo_dir / "factory.yaml").read_text(encoding="utf-8"))
    assert factory["id"] == "demo-cable"
    assert factory["province"] == "CN-JS"
    assert factory["grid_region"] == "east"
    assert factory["timezone"] == "Asia/Shanghai"
    assert factory["green_factory_level"] == "national"
    assert factory["baseline_year"] == 2023
    assert factory["location"] == {"lat": 31.57, "lon": 120.30}
    assert factory["industry"].startswith("C3831")
    assert factory["accounting"] == {
        "gwp": "AR5", "location_factor": "provincial", "electricity_factor_year": 2023,
        "ets_factor_year": 2022, "fuel_table": "mee_2013", "natural_gas_tce": "gas_field",
    }


def test_meters(demo_dir: Path) -> None:
    meters = pd.read_csv(demo_dir / "meters.csv").set_index("meter_id")
    assert meters.loc["GRID-IMP", "role"] == "grid_import"
    assert meters.loc["GRID-EXP", "role"] == "grid_export"
    assert meters.loc["PV-1", "role"] == "generation"
    assert set(meters.index[meters["role"] == "submeter"]) == set(SUBMETERS)
    assert meters.loc["GAS-BOILER", "carrier"] == "natural_gas"
    assert meters.loc["GAS-BOILER", "unit"] == "m3"
    assert meters.loc["GAS-BOILER", "rollover"] == 100000
    assert meters.loc["GAS-BOILER", "interval_minutes"] == 60
    assert (meters.drop(index="GAS-BOILER")["interval_minutes"] == 15).all()
    assert (meters["timestamp_marks"] == "end").all()


def test_row_counts_and_time_span(demo_dir: Path) -> None:
    for meter_id in INTERVAL_METERS:
        readings = read_readings(demo_dir, meter_id)
        expected = 35_040 - (package.GAP_READINGS if meter_id == package.GAP_METER else 0)
        assert len(readings) == expected
        assert readings.index[0] == pd.Timestamp("2025-01-01 00:15")
        assert readings.index[-1] == pd.Timestamp("2026-01-01 00:00")
    for meter_id, rows in (("GRID-IMP", 35_041), ("GRID-EXP", 35_041), ("GAS-BOILER", 8_761)):
        readings = read_readings(demo_dir, meter_id)
        assert len(readings) == rows
        assert readings.index[0] == pd.Timestamp("2025-01-01 00:00")
        assert readings.index[-1] == pd.Timestamp("2026-01-01 00:00")
        assert readings.index.is_monotonic_increasing


def test_office_gap(demo_dir: Path) -> None:
    office = read_readings(demo_dir, "SUB-OFFICE")
    full = pd.date_range("2025-01-01 00:15", "2026-01-01 00:00", freq="15min")
    missing = full.difference(pd.DatetimeIndex(office.index))
    assert len(missing) == 8
    assert missing[0] == pd.Timestamp("2025-04-16 10:15")
    assert ((missing[1:] - missing[:-1]) == pd.Timedelta(minutes=15)).all()  # consecutive


def test_gas_counter_rolls_over_once(demo_dir: Path) -> None:
    counter = read_readings(demo_dir, "GAS-BOILER")
    assert (counter.diff().iloc[1:] < 0).sum() == 1
    assert counter.iloc[0] == pytest.approx(package.gas.COUNTER_START_M3)
    assert counter.max() < package.gas.COUNTER_MODULUS_M3
    hourly = counter_deltas(counter, package.gas.COUNTER_MODULUS_M3)
    assert (hourly >= 0).all()
    assert hourly.max() < 30  # m3/h: a 1 t/h boiler burns at most about 75 m3/h


def test_meter_balance_per_interval(demo_dir: Path) -> None:
    subs = pd.concat([read_readings(demo_dir, m) for m in SUBMETERS], axis=1).dropna()
    pv = read_readings(demo_dir, "PV-1").reindex(subs.index)
    grid_import = counter_deltas(read_readings(demo_dir, "GRID-IMP")).reindex(subs.index)
    grid_export = counter_deltas(read_readings(demo_dir, "GRID-EXP")).reindex(subs.index)
    site = grid_import + pv - grid_export
    expected = subs.sum(axis=1) * (1 + package.LOSS_FRACTION)
    assert len(subs) == 35_040 - package.GAP_READINGS
    np.testing.assert_allclose(site.to_numpy(), expected.to_numpy(), rtol=0, atol=0.0015)
    assert ((grid_import > 0) & (grid_export > 0)).sum() == 0
    assert (pv >= 0).all() and (grid_import >= 0).all() and (grid_export >= 0).all()


def test_annual_totals_in_documented_ranges(demo_dir: Path) -> None:
    totals = _annual(demo_dir)
    assert 6.3e6 < totals["consumption_kwh"] < 6.7e6
    assert 3.0e6 < totals["pv_kwh"] < 3.5e6
    assert 0.45 < totals["pv_kwh"] / totals["consumption_kwh"] < 0.55
    assert 3.9e6 < totals["import_kwh"] < 4.6e6
    assert 0.8e6 < totals["export_kwh"] < 1.3e6
    assert 30_000 < totals["gas_m3"] < 50_000
    assert 3.6 <= totals["diesel_t"] <= 7.2


def test_instruments_cover_import_and_residual(demo_dir: Path) -> None:
    totals = _annual(demo_dir)
    instruments = pd.read_csv(demo_dir / "instruments.csv")
    retired = instruments["retired_on"].notna()
    energy = instruments["kind"].isin(["gec", "green_power"])
    covered_mwh = instruments.loc[retired & energy, "quantity"].sum()
    assert 0.7 < covered_mwh / (totals["import_kwh"] / 1000) < 1.0
    held = instruments[energy & ~retired]
    assert len(held) == 1 and held["claimed_year"].isna().all()
    assert (instruments.loc[retired, "claimed_year"] == 2025).all()
    credits = instruments[instruments["kind"] == "ccer"]
    assert (credits["unit"] == "tCO2e").all() and (credits["registry"] == "CCER").all()
    assert 200 <= credits["quantity"].sum() <= 1000
    gec = instruments[instruments["kind"] == "gec"]
    assert gec["generation_month"].str.startswith("2025-").all()
    assert (pd.to_datetime(gec["retired_on"]).dropna().dt.year == 2026).all()


def test_activities_and_production(demo_dir: Path) -> None:
    activities = pd.read_csv(demo_dir / "activities.csv")
    diesel = activities[activities["source"] == "diesel"]
    assert len(diesel) == 12
    assert diesel["quantity"].between(0.3, 0.6).all()
    assert (diesel["category"] == "mobile_combustion").all() and (diesel["unit"] == "t").all()
    fugitive = activities[activities["category"] == "fugitive"]
    assert sorted(fugitive["source"]) == ["HFC-134a", "HFC-134a", "SF6"]
    assert (fugitive["unit"] == "kg").all()
    assert activities["evidence"].notna().all()
    production = pd.read_csv(demo_dir / "production.csv")
    assert set(production["product"]) == {"power_cable", "building_wire"}
    assert (production["unit"] == "km").all()
    by_product = production.groupby("product")["quantity"].sum()
    assert 2_500 < by_product["power_cable"] < 4_500
    assert 90_000 < by_product["building_wire"] < 140_000


def test_build_is_byte_identical(demo_dir: Path, tmp_path: Path) -> None:
    again = build_demo_package(tmp_path / "again")
    files = sorted(p.relative_to(demo_dir) for p in demo_dir.rglob("*") if p.is_file())
    for relative in files:
        assert (again / relative).read_bytes() == (demo_dir / relative).read_bytes(), relative


def test_other_year_uses_weekends_only_and_leap_days(tmp_path: Path) -> None:
    out = build_demo_package(tmp_path / "y2024", year=2024)
    pv = read_readings(out, "PV-1")
    assert len(pv) == 35_136  # 2024 is a leap year
    assert len(read_readings(out, "GRID-IMP")) == 35_137
    assert len(read_readings(out, "GAS-BOILER")) == 8_785
    extrusion = read_readings(out, "SUB-EXTR")
    # 2024-01-01 was a Monday: a full production day when no holidays are modelled
    assert extrusion.loc["2024-01-01 12:00"] > 100
    assert (pd.read_csv(out / "instruments.csv")["claimed_year"].dropna() == 2024).all()
