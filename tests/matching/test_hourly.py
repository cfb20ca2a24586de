"""Hourly vs annual matching and the CFE score (domain.md §8)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lingtan.matching import (
    annual_matching,
    cfe_score,
    hourly_matching,
    match_hourly,
    onsite_split,
)

# Hand example (domain.md §8 formulas): 4 hours, load 10 kWh each, clean supply 30 kWh in
# hour 2 and 10 kWh in hour 4.
#   annual  = min(1, 40/40)                              = 1.0
#   hourly  = (0 + 10 + 0 + 10)/40                       = 0.5  (20 kWh surplus of hour 2 lost)
#   CFE, g = 0.2: (0 + 10 + 0 + 10 + 0.2 × (10 + 10))/40 = 0.6
LOAD = [10.0, 10.0, 10.0, 10.0]
CLEAN = [0.0, 30.0, 0.0, 10.0]
HOURS = np.arange("2025-01-01T01", "2025-01-01T05", dtype="datetime64[h]")


def test_hand_example_annual_hourly_cfe() -> None:
    assert annual_matching(LOAD, CLEAN) == pytest.approx(1.0)
    assert hourly_matching(LOAD, CLEAN) == pytest.approx(0.5)
    assert cfe_score(LOAD, CLEAN, 0.2) == pytest.approx(0.6)
    assert cfe_score(LOAD, CLEAN, 0.0) == pytest.approx(0.5)
    assert cfe_score(LOAD, CLEAN, 1.0) == pytest.approx(1.0)


def test_hand_example_per_hour_grid_share() -> None:
    # unmatched hours 1 and 3 get grid shares 0.1 and 0.5: (20 + 1 + 5)/40
    assert cfe_score(LOAD, CLEAN, [0.1, 0.9, 0.5, 0.9]) == pytest.approx(26 / 40)


def test_surplus_is_not_carried_to_the_next_hour() -> None:
    assert hourly_matching([0.0, 10.0], [10.0, 0.0]) == 0.0
    assert annual_matching([0.0, 10.0], [10.0, 0.0]) == 1.0


def test_annual_is_capped_at_one() -> None:
    assert annual_matching([10.0], [25.0]) == 1.0


def test_match_hourly_hand_example_totals() -> None:
    r = match_hourly(LOAD, HOURS, contracted_kwh=np.array(CLEAN), grid_cfe_share=0.2)
    assert (r.annual, r.hourly, r.cfe) == pytest.approx((1.0, 0.5, 0.6))
    assert r.load_kwh == 40.0
    assert r.clean_supplied_kwh == 40.0
    assert r.matched_kwh == 20.0
    assert r.unmatched_kwh == 20.0
    assert r.surplus_kwh == 20.0
    assert r.onsite_self_consumed_kwh == 0.0
    assert r.by_month_hour.shape == (12, 24)
    # hours ending 01:00..04:00 UTC start at 08:00..11:00 in Asia/Shanghai, January
    assert r.by_month_hour[0, 8:12] == pytest.approx([0.0, 1.0, 0.0, 1.0])
    assert np.isnan(r.by_month_hour[0, :8]).all()
    assert np.isnan(r.by_month_hour[1:]).all()


def test_match_hourly_onsite_then_contracts() -> None:
    # on-site PV 0/15/0/0: self-consumed 10, exported 5; contract 5 kWh every hour.
    r = match_hourly(LOAD, HOURS, generation_kwh=[0.0, 15.0, 0.0, 0.0],
                     contracted_kwh=[np.full(4, 5.0)])
    assert r.onsite_self_consumed_kwh == 10.0
    assert r.onsite_export_kwh == 5.0
    assert r.clean_supplied_kwh == 35.0
    assert r.matched_kwh == 25.0  # 5 + 10 + 5 + 5
    assert r.surplus_kwh == 10.0  # 5 exported + 5 contracted in hour 2
    assert r.hourly == pytest.approx(25 / 40)
    assert r.annual == pytest.approx(35 / 40)


def test_onsite_split() -> None:
    used, export = onsite_split([5.0, 5.0], [2.0, 9.0])
    assert used.tolist() == [2.0, 5.0]
    assert export.tolist() == [0.0, 4.0]


def test_match_hourly_local_month_hour_cells() -> None:
    hours = np.arange("2025-01-31T15", "2025-01-31T18", dtype="datetime64[h]")
    r = match_hourly([1.0, 1.0, 1.0], hours, contracted_kwh=np.array([1.0, 0.0, 0.0]))
    # hour 14:00-15:00 UTC = 22:00 local Jan 31; 16:00-17:00 UTC = 00:00 local Feb 1
    assert r.by_month_hour[0, 22] == 1.0
    assert r.by_month_hour[0, 23] == 0.0
    assert r.by_month_hour[1, 0] == 0.0
    assert np.isfinite(r.by_month_hour).sum() == 3


# -- properties ---------------------------------------------------------------------------
_energy = hnp.arrays(np.float64, st.integers(1, 48),
                     elements=st.floats(0, 1e6, allow_nan=False, allow_infinity=False))


@st.composite
def _load_clean_share(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    load = draw(_energy.filter(lambda a: a.sum() > 0))
    elems = st.floats(0, 1e6, allow_nan=False, allow_infinity=False)
    clean = draw(hnp.arrays(np.float64, load.shape, elements=elems))
    share = draw(hnp.arrays(np.float64, load.shape, elements=st.floats(0, 1)))
    return load, clean, share


@settings(max_examples=200, deadline=None)
@given(_load_clean_share())
def test_annual_ge_hourly_and_cfe_ge_hourly(args: tuple[np.ndarray, ...]) -> None:
    load, clean, share = args
    hourly = hourly_matching(load, clean)
    assert isinstance(hourly, float)
    assert 0.0 <= hourly <= 1.0 + 1e-12
    assert annual_matching(load, clean) >= hourly - 1e-12
    cfe = cfe_score(load, clean, share)
    assert hourly - 1e-12 <= cfe <= 1.0 + 1e-12


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 5), st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_many_meters_equal_per_meter_loop(meters: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    load = rng.uniform(0.1, 10, (meters, n))
    clean = rng.uniform(0, 10, (meters, n)) * rng.integers(0, 2, (meters, n))
    share = rng.uniform(0, 1, n)
    hours = np.datetime64("2025-03-01T00", "h") + np.arange(1, n + 1)
    many = match_hourly(load, hours, contracted_kwh=clean, grid_cfe_share=share)
    assert isinstance(many.hourly, np.ndarray) and many.hourly.shape == (meters,)
    assert many.by_month_hour.shape == (meters, 12, 24)
    for i in range(meters):
        one = match_hourly(load[i], hours, contracted_kwh=clean[i], grid_cfe_share=share)
        for field in ("annual", "hourly", "cfe", "matched_kwh", "surplus_kwh", "unmatched_kwh"):
            assert getattr(many, field)[i] == pytest.approx(getattr(one, field))
        np.testing.assert_allclose(many.by_month_hour[i], one.by_month_hour)
        assert annual_matching(load, clean)[i] == pytest.approx(one.annual)  # type: ignore[index]
        assert cfe_score(load, clean, share)[i] == pytest.approx(one.cfe)  # type: ignore[index]


# -- bad inputs ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("load", "clean", "match"),
    [
        ([1.0, -1.0], [1.0, 1.0], r"load_kwh\[1\]"),
        ([1.0, 1.0], [1.0, np.nan], r"clean_kwh\[1\]"),
        ([1.0, np.inf], [1.0, 1.0], r"load_kwh\[1\]"),
        ([[1.0, 1.0], [1.0, -2.0]], [[1.0, 1.0], [1.0, 1.0]], r"load_kwh\[\(1, 1\)\]"),
        ([1.0, 1.0], [1.0, 1.0, 1.0], "shape"),
        ([], [], "empty"),
        ([0.0, 0.0], [1.0, 1.0], "total load"),
        ([[1.0], [0.0]], [[1.0], [1.0]], "meter 1"),
        (5.0, 5.0, "shape"),
    ],
)
def test_bad_inputs_raise_value_error(load: object, clean: object, match: str) -> None:
    for fn in (annual_matching, hourly_matching):
        with pytest.raises(ValueError, match=match):
            fn(load, clean)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=match):
        cfe_score(load, clean, 0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("share", [1.5, -0.1, np.nan, [0.1, 0.2, 0.3]])
def test_bad_grid_share(share: object) -> None:
    with pytest.raises(ValueError, match="grid_cfe_share"):
        cfe_score(LOAD, CLEAN, share)  # type: ignore[arg-type]


def test_match_hourly_bad_hours_and_shapes() -> None:
    with pytest.raises(ValueError, match="hours_utc has 3 hours"):
        match_hourly(LOAD, HOURS[:3])
    with pytest.raises(ValueError, match="does not follow"):
        match_hourly(LOAD, HOURS[::-1])
    with pytest.raises(ValueError, match="not on the hour"):
        match_hourly(LOAD, HOURS.astype("datetime64[m]") + np.timedelta64(15, "m"))
    with pytest.raises(ValueError, match="datetime64"):
        match_hourly(LOAD, [1, 2, 3, 4])
    with pytest.raises(ValueError, match=r"contracted_kwh\[0\] of shape"):
        match_hourly(LOAD, HOURS, contracted_kwh=[np.ones(3)])
    with pytest.raises(ValueError, match=r"generation_kwh\[2\]"):
        match_hourly(LOAD, HOURS, generation_kwh=[0.0, 0.0, -1.0, 0.0])
