"""IPMVP Option C avoided energy and emissions, by hand."""

from __future__ import annotations

import json

import pytest

from lingtan.efficiency.baseline import BaselineModel, fit_baseline, ipmvp_option_c_savings
from lingtan.errors import InputError


@pytest.fixture
def model() -> BaselineModel:
    # E = 500 + 2.5·P + 10·HDD exactly; P in [1000, 4000], HDD in [0, 300]
    p = [1000.0, 2000.0, 3000.0, 4000.0, 1500.0, 2500.0]
    h = [300.0, 0.0, 100.0, 50.0, 200.0, 10.0]
    e = [500.0 + 2.5 * pi + 10.0 * hi for pi, hi in zip(p, h, strict=True)]
    return fit_baseline([f"2024-{i + 1:02d}" for i in range(6)], e, production=p, hdd=h)


def test_savings_by_hand(model: BaselineModel) -> None:
    # adjusted: 500 + 2.5·2000 + 10·100 = 6500; 500 + 2.5·3000 + 0 = 8000
    r = ipmvp_option_c_savings(model, ["2025-01", "2025-02"], [5000.0, 7000.0],
                               production=[2000.0, 3000.0], hdd=[100.0, 0.0],
                               factor_tco2_per_mwh=0.5703)
    a, b = r.rows
    assert a.adjusted_baseline_kwh == pytest.approx(6500.0)
    assert b.adjusted_baseline_kwh == pytest.approx(8000.0)
    assert (a.avoided_kwh, b.avoided_kwh) == pytest.approx((1500.0, 1000.0))
    assert a.avoided_co2e_t == pytest.approx(1.5 * 0.5703)
    assert b.avoided_co2e_t == pytest.approx(1.0 * 0.5703)
    assert r.avoided_kwh == pytest.approx(2500.0)
    assert r.avoided_co2e_t == pytest.approx(2.5 * 0.5703)
    assert a.outside_baseline_range == ()
    d = r.to_dict()
    assert d["rows"][0]["period"] == "2025-01"
    json.dumps(d)


def test_more_use_than_baseline_is_negative_saving(model: BaselineModel) -> None:
    r = ipmvp_option_c_savings(model, ["2025-01"], [7000.0], production=[2000.0],
                               hdd=[100.0], factor_tco2_per_mwh=0.5)
    assert r.rows[0].avoided_kwh == pytest.approx(-500.0)
    assert r.rows[0].avoided_co2e_t == pytest.approx(-0.25)


def test_extrapolation_is_flagged(model: BaselineModel) -> None:
    r = ipmvp_option_c_savings(model, ["2025-01"], [9000.0], production=[5000.0],
                               hdd=[100.0], factor_tco2_per_mwh=0.5)
    assert r.rows[0].outside_baseline_range == ("production",)


def test_factor_is_required_and_checked(model: BaselineModel) -> None:
    with pytest.raises(TypeError):
        ipmvp_option_c_savings(model, ["x"], [1.0], production=[1.0],  # type: ignore[call-arg]
                               hdd=[1.0])
    with pytest.raises(InputError, match="factor_tco2_per_mwh"):
        ipmvp_option_c_savings(model, ["x"], [1.0], production=[1.0], hdd=[1.0],
                               factor_tco2_per_mwh=float("nan"))


def test_regressors_must_match_the_model(model: BaselineModel) -> None:
    with pytest.raises(InputError, match=r"missing \['hdd'\]"):
        ipmvp_option_c_savings(model, ["x"], [1.0], production=[1.0],
                               factor_tco2_per_mwh=0.5)
    with pytest.raises(InputError, match=r"not in the model \['cdd'\]"):
        ipmvp_option_c_savings(model, ["x"], [1.0], production=[1.0], hdd=[1.0], cdd=[1.0],
                               factor_tco2_per_mwh=0.5)


@pytest.mark.parametrize("bad", [0.0, float("nan")])
def test_reporting_energy_without_production_names_the_period(
    model: BaselineModel, bad: float
) -> None:
    with pytest.raises(InputError, match="period 2025-02: energy use 7000 kWh but production"):
        ipmvp_option_c_savings(model, ["2025-01", "2025-02"], [5000.0, 7000.0],
                               production=[2000.0, bad], hdd=[100.0, 0.0],
                               factor_tco2_per_mwh=0.5)


def test_intercept_only_model() -> None:
    m = fit_baseline(["a", "b", "c"], [90.0, 100.0, 110.0])
    r = ipmvp_option_c_savings(m, ["d"], [80.0], factor_tco2_per_mwh=1.0)
    assert r.rows[0].avoided_kwh == pytest.approx(20.0)
