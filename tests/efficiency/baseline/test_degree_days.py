"""Degree-days by hand: HDD = max(0, base − T), CDD = max(0, T − base), summed by month."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtan.efficiency.baseline import (
    cooling_degree_days,
    daily_mean_temperature,
    degree_days_by_month,
    heating_degree_days,
)
from lingtan.errors import InputError


def test_daily_values_by_hand() -> None:
    t = [10.0, 18.0, 20.0, 30.0]
    assert heating_degree_days(t, 18.0).tolist() == [8.0, 0.0, 0.0, 0.0]
    assert cooling_degree_days(t, 26.0).tolist() == [0.0, 0.0, 0.0, 4.0]


def test_monthly_sums_by_hand() -> None:
    days = ["2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02"]
    dd = degree_days_by_month(days, [10.0, 16.5, 30.0, 27.0],
                              heating_base_c=18.0, cooling_base_c=26.0)
    assert dd.months == ("2024-01", "2024-02")
    assert dd.hdd == (8.0 + 1.5, 0.0)
    assert dd.cdd == (0.0, 4.0 + 1.0)
    assert dd.days_with_data == (2, 2)
    assert dd.to_dict()["months"][1] == {"month": "2024-02", "hdd": 0.0, "cdd": 5.0,
                                         "days_with_data": 2}


def test_hourly_readings_are_averaged_per_day() -> None:
    stamps = np.arange("2024-01-01T00", "2024-01-03T00", dtype="datetime64[h]")
    temps = np.r_[np.full(24, 4.0), np.linspace(10.0, 20.0, 24)]
    days, mean_c = daily_mean_temperature(stamps, temps)
    assert [str(d) for d in days] == ["2024-01-01", "2024-01-02"]
    assert mean_c == pytest.approx([4.0, 15.0])
    dd = degree_days_by_month(days, mean_c, heating_base_c=18.0, cooling_base_c=26.0)
    assert dd.hdd == pytest.approx((14.0 + 3.0,))


@given(t=st.floats(-50, 50), base=st.floats(-10, 30))
def test_hdd_minus_cdd_at_one_base_is_base_minus_t(t: float, base: float) -> None:
    diff = heating_degree_days([t], base) - cooling_degree_days([t], base)
    assert diff[0] == pytest.approx(base - t)


def test_missing_temperature_names_the_day() -> None:
    with pytest.raises(InputError, match="2024-01-02"):
        degree_days_by_month(["2024-01-01", "2024-01-02"], [5.0, float("nan")],
                             heating_base_c=18.0, cooling_base_c=26.0)


def test_repeated_day_and_bad_base_are_rejected() -> None:
    with pytest.raises(InputError, match="more than once"):
        degree_days_by_month(["2024-01-01", "2024-01-01"], [5.0, 6.0],
                             heating_base_c=18.0, cooling_base_c=26.0)
    with pytest.raises(InputError, match="base temperature"):
        heating_degree_days([5.0], float("nan"))
    with pytest.raises(InputError, match="pair up"):
        daily_mean_temperature(["2024-01-01T00"], [1.0, 2.0])


def test_base_temperature_is_required() -> None:
    with pytest.raises(TypeError):
        degree_days_by_month(["2024-01-01"], [5.0])  # type: ignore[call-arg]
