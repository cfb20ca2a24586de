"""Rooftop PV: specific yield against the published Jiangsu figure."""

from __future__ import annotations

import pandas as pd
import pytest

from lingtan.demo import pv


def test_specific_yield_matches_published_figure(weather_2025: pd.DataFrame) -> None:
    # Published reference: 1,100 kWh/kWp a year for resource zone III (Jiangsu),
    # 财建〔2020〕426号 (22,000 h over 20 years); tolerance 10 %.
    energy_kwh = pv.generation_kwh(weather_2025)
    specific_yield = pv.specific_yield_kwh_per_kwp(energy_kwh)
    assert specific_yield == pytest.approx(pv.REFERENCE_SPECIFIC_YIELD_KWH_PER_KWP, rel=0.10)


def test_output_is_bounded_and_zero_at_night(weather_2025: pd.DataFrame) -> None:
    power_kw = pv.ac_power_kw(weather_2025)
    assert power_kw.min() >= 0
    assert power_kw.max() <= pv.DEMO_SYSTEM.ac_capacity_kw
    assert (power_kw[weather_2025["solar_zenith_deg"] > 90] == 0).all()


def test_summer_months_produce_more_than_winter(weather_2025: pd.DataFrame) -> None:
    energy_kwh = pv.generation_kwh(weather_2025)
    monthly = energy_kwh.groupby(pd.DatetimeIndex(energy_kwh.index).month).sum()
    assert monthly[[5, 6, 7, 8]].mean() > 1.2 * monthly[[1, 2, 11, 12]].mean()


def test_tilted_plane_gains_over_horizontal(weather_2025: pd.DataFrame) -> None:
    poa = pv.plane_of_array_irradiance(weather_2025, pv.DEMO_SYSTEM)
    gain = poa["poa_global_w_per_m2"].sum() / weather_2025["ghi_w_per_m2"].sum()
    assert 1.0 < gain < 1.15  # a 22 deg south-facing plane at 31.6 N
