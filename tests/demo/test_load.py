"""Plant load: shift pattern, sub-meter shares and weather dependence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lingtan.demo import load


@pytest.fixture(scope="module")
def submeters(weather_2025: pd.DataFrame) -> pd.DataFrame:
    return load.submeter_energy_kwh(weather_2025, 2025)


def test_shift_mask() -> None:
    hours = np.array([2.0, 9.0, 17.0, 23.9])
    types = np.array(["saturday"] * 4, dtype=object)
    mask = load.shift_mask(hours, types, load.STRANDING_WINDOWS)
    assert mask.tolist() == [False, True, False, False]


def test_annual_shares(submeters: pd.DataFrame) -> None:
    shares = submeters.sum() / submeters.sum().sum()
    assert 0.45 < shares["extrusion"] < 0.60
    assert 0.15 < shares["stranding"] < 0.30
    assert 0.15 < shares["utilities"] < 0.30
    assert 0.02 < shares["office"] < 0.06


def test_weekday_runs_sunday_rests(submeters: pd.DataFrame) -> None:
    wednesday = submeters.loc["2025-03-12 00:15":"2025-03-13 00:00"].sum()
    sunday = submeters.loc["2025-03-16 00:15":"2025-03-17 00:00"].sum()
    assert wednesday["extrusion"] > 8 * sunday["extrusion"]
    assert wednesday["office"] > 1.5 * sunday["office"]


def test_spring_festival_shutdown(submeters: pd.DataFrame) -> None:
    shutdown = submeters.loc["2025-01-30 00:15":"2025-01-31 00:00"].sum().sum()
    normal = submeters.loc["2025-03-12 00:15":"2025-03-13 00:00"].sum().sum()
    assert shutdown < 0.15 * normal


def test_utilities_rise_with_heat(submeters: pd.DataFrame, weather_2025: pd.DataFrame) -> None:
    months = pd.DatetimeIndex(submeters.index).month
    utilities = submeters["utilities"].groupby(months).sum()
    extrusion = submeters["extrusion"].groupby(months).sum()
    ratio = utilities / extrusion
    assert ratio[7] > ratio[4] * 1.1  # cooling in July
