"""The synthetic typical year: FAO-56 worked examples and calibration targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lingtan.demo import timeline, weather


def test_daylight_hours_fao56_example_9() -> None:
    # FAO-56 Example 9: 20 deg S on 3 September (day 246): N = 11.7 h.
    assert weather.daylight_hours(-20.0, np.array([246]))[0] == pytest.approx(11.7, abs=0.05)


def test_angstrom_prescott_fao56_example_10() -> None:
    # FAO-56 Example 10: Rio de Janeiro, May: n = 7.1 h, N = 10.9 h, Ra = 25.1 MJ/m2/d
    # gives Rs = 14.5 MJ/m2/d.
    clearness = weather.angstrom_prescott_clearness(np.array([7.1]), np.array([10.9]))
    assert clearness[0] * 25.1 == pytest.approx(14.5, abs=0.1)


def test_time_axis(weather_2025: pd.DataFrame) -> None:
    assert len(weather_2025) == 35_040
    assert weather_2025.index[0] == pd.Timestamp("2025-01-01 00:15")
    assert weather_2025.index[-1] == pd.Timestamp("2026-01-01 00:00")
    assert pd.DatetimeIndex(weather_2025.index).tz is None


def test_monthly_clearness_matches_target(weather_2025: pd.DataFrame) -> None:
    ends = pd.DatetimeIndex(weather_2025.index)
    sky = weather.clear_sky(weather.WUXI, timeline.interval_midpoints(ends))
    months = timeline.interval_dates(ends).month
    ghi = weather_2025["ghi_w_per_m2"].groupby(months).sum()
    ghi_extra = pd.Series(sky["ghi_extra_w_per_m2"].to_numpy()).groupby(months).sum()
    achieved = (ghi / ghi_extra).to_numpy()
    target = weather.monthly_clearness_index(weather.WUXI, 2025)
    np.testing.assert_allclose(achieved, target, rtol=0.002)


def test_annual_irradiation_in_regional_range(weather_2025: pd.DataFrame) -> None:
    # Southern Jiangsu receives roughly 1,250-1,450 kWh/m2 a year (4,500-5,200 MJ/m2).
    assert 1_250 < weather.annual_irradiation_kwh_per_m2(weather_2025) < 1_450


def test_irradiance_is_physical(weather_2025: pd.DataFrame) -> None:
    irradiance = weather_2025[["ghi_w_per_m2", "dni_w_per_m2", "dhi_w_per_m2"]]
    night = weather_2025["apparent_zenith_deg"] > 90
    assert (irradiance[night] == 0).all().all()
    assert (irradiance >= 0).all().all()
    assert weather_2025["ghi_w_per_m2"].max() < 1_200
    closure = (weather_2025["dni_w_per_m2"] * np.cos(np.radians(weather_2025["solar_zenith_deg"]))
               + weather_2025["dhi_w_per_m2"])
    day = weather_2025["solar_zenith_deg"] < 85
    np.testing.assert_allclose(closure[day], weather_2025.loc[day, "ghi_w_per_m2"], atol=1.0)


def test_temperature_follows_cma_normals(weather_2025: pd.DataFrame) -> None:
    monthly = weather_2025["temp_air_c"].groupby(pd.DatetimeIndex(weather_2025.index).month).mean()
    normals = (np.array(weather.TEMP_MIN_C) + np.array(weather.TEMP_MAX_C)) / 2
    np.testing.assert_allclose(monthly.to_numpy()[:12], normals, atol=2.0)
    assert weather_2025["temp_air_c"].min() > -10
    assert weather_2025["temp_air_c"].max() < 40


def test_same_seed_same_weather() -> None:
    first = weather.typical_year(2025, seed=7)
    second = weather.typical_year(2025, seed=7)
    pd.testing.assert_frame_equal(first, second)
    other = weather.typical_year(2025, seed=8)
    assert not np.allclose(first["ghi_w_per_m2"], other["ghi_w_per_m2"])
