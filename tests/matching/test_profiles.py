"""Bucketing interval-end readings into hours, and shaping monthly volumes."""

from __future__ import annotations

import numpy as np
import pytest

from lingtan.matching import match_hourly, shape_monthly_to_hours, to_hourly_kwh


def _quarter_hours(start: str, n: int) -> np.ndarray:
    """``n`` interval-end stamps every 15 minutes, the first at ``start`` + 15 min."""
    return np.datetime64(start, "m") + 15 * np.arange(1, n + 1)


def test_interval_end_readings_fall_in_the_hour_they_close() -> None:
    ts = np.array(["2025-01-01T23:15", "2025-01-01T23:30", "2025-01-01T23:45",
                   "2025-01-02T00:00", "2025-01-02T00:15"], dtype="datetime64[m]")
    hours, kwh = to_hourly_kwh(ts, [1.0, 2.0, 3.0, 4.0, 5.0])
    # 23:15..00:00 are the four quarters of the hour 23:00-24:00 (labelled by its end, 00:00)
    assert hours.tolist() == np.array(["2025-01-02T00", "2025-01-02T01"],
                                      dtype="datetime64[ns]").tolist()
    assert kwh.tolist() == [10.0, 5.0]


def test_midnight_reading_belongs_to_previous_days_last_hour() -> None:
    ts = np.array(["2026-01-01T00:00"], dtype="datetime64[m]")
    hours, _ = to_hourly_kwh(ts, [1.0])
    assert hours[0] == np.datetime64("2026-01-01T00:00")  # end of 2025-12-31 23:00-24:00
    assert hours[0] - np.timedelta64(1, "h") == np.datetime64("2025-12-31T23:00")


def test_one_hour_stamp_belongs_to_first_hour() -> None:
    ts = np.array(["2025-01-01T00:15", "2025-01-01T01:00"], dtype="datetime64[m]")
    hours, kwh = to_hourly_kwh(ts, [1.0, 2.0])
    assert hours.tolist() == [np.datetime64("2025-01-01T01:00", "ns").tolist()]
    assert kwh.tolist() == [3.0]


def test_many_meters_sorted_and_unsorted_agree() -> None:
    ts = _quarter_hours("2025-06-01T00:00", 96)
    rng = np.random.default_rng(1)
    energy = rng.uniform(0, 5, (3, 96))
    hours, kwh = to_hourly_kwh(ts, energy)
    assert kwh.shape == (3, 24)
    np.testing.assert_allclose(kwh, energy.reshape(3, 24, 4).sum(axis=2))
    perm = rng.permutation(96)
    hours2, kwh2 = to_hourly_kwh(ts[perm], energy[:, perm])
    assert (hours2 == hours).all()
    np.testing.assert_allclose(kwh2, kwh)
    _, one = to_hourly_kwh(ts[perm], energy[1, perm])
    np.testing.assert_allclose(one, kwh[1])


def test_bucketing_onto_a_given_grid_and_matching() -> None:
    grid = np.datetime64("2025-06-01T01", "h") + np.arange(4)
    ts = _quarter_hours("2025-06-01T00:00", 8)  # the first two hours only
    hours, kwh = to_hourly_kwh(ts, np.ones(8), hours_utc=grid)
    assert kwh.tolist() == [4.0, 4.0, 0.0, 0.0]
    r = match_hourly(kwh, hours, contracted_kwh=np.array([4.0, 0.0, 0.0, 0.0]))
    assert r.hourly == pytest.approx(0.5)


def test_bucketing_bad_inputs() -> None:
    ts = _quarter_hours("2025-06-01T00:00", 4)
    with pytest.raises(ValueError, match=r"energy_kwh\[2\]"):
        to_hourly_kwh(ts, [1.0, 1.0, np.nan, 1.0])
    with pytest.raises(ValueError, match="readings"):
        to_hourly_kwh(ts, [1.0, 1.0])
    with pytest.raises(ValueError, match=r"ts_utc\[1\] is NaT"):
        to_hourly_kwh(np.array(["2025-01-01T00:15", "NaT"], dtype="datetime64[m]"), [1.0, 1.0])
    with pytest.raises(ValueError, match=r"ts_utc\[0\].*falls in no hour"):
        to_hourly_kwh(ts, np.ones(4), hours_utc=[np.datetime64("2025-06-02T01", "h")])


# -- monthly shaping ----------------------------------------------------------------------
def _year_hours(year: int = 2025) -> np.ndarray:
    """Hour ends covering the local (UTC+8) calendar year ``year``."""
    start = np.datetime64(f"{year - 1}-12-31T17", "h")  # 01:00 local on 1 January
    return start + np.arange(8760)


def test_shape_flat_and_by_profile() -> None:
    hours = _year_hours()
    flat = shape_monthly_to_hours({"2025-01": 744.0, "2025-02": 0.0}, hours)
    assert flat.sum() == pytest.approx(744_000.0)
    assert flat[:744] == pytest.approx(np.full(744, 1000.0))  # January: 744 hours
    assert not flat[744:].any()
    pv = np.clip(np.sin(np.arange(8760) / 24 * 2 * np.pi), 0, None)
    shaped = shape_monthly_to_hours({"2025-03": 10.0}, hours, profile=pv)
    assert shaped.sum() == pytest.approx(10_000.0)
    assert not shaped[pv == 0].any()


def test_shape_bad_inputs() -> None:
    hours = _year_hours()
    with pytest.raises(ValueError, match="covers 743 of the 744 hours of 2025-01"):
        shape_monthly_to_hours({"2025-01": 1.0}, hours[1:])
    with pytest.raises(ValueError, match="YYYY-MM"):
        shape_monthly_to_hours({"2025-13": 1.0}, hours)
    with pytest.raises(ValueError, match="must be finite"):
        shape_monthly_to_hours({"2025-01": -1.0}, hours)
    with pytest.raises(ValueError, match="profile is 0"):
        shape_monthly_to_hours({"2025-01": 1.0}, hours, profile=np.zeros(8760))
    with pytest.raises(ValueError, match="profile has shape"):
        shape_monthly_to_hours({"2025-01": 1.0}, hours, profile=np.ones(3))
