"""Regression baseline against known relations, and its fit statistics by hand."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lingtan.efficiency.baseline import GUIDELINE_14, cv_rmse, fit_baseline, nmbe
from lingtan.errors import InputError

MONTHS = [f"{2022 + i // 12}-{i % 12 + 1:02d}" for i in range(36)]


def _synthetic() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240601)
    production = rng.uniform(1000.0, 5000.0, 36)
    month = np.arange(36) % 12
    hdd = np.maximum(0.0, 400.0 * np.cos(2 * np.pi * month / 12)) + rng.uniform(0, 20, 36)
    cdd = np.maximum(0.0, -200.0 * np.cos(2 * np.pi * month / 12)) + rng.uniform(0, 5, 36)
    return production, hdd, cdd


def test_exact_relation_is_recovered() -> None:
    production, hdd, cdd = _synthetic()
    energy = 500.0 + 2.5 * production + 10.0 * hdd
    m = fit_baseline(MONTHS, energy, production=production, hdd=hdd, cdd=cdd)
    assert m.regressors == ("production", "hdd", "cdd")
    assert m.coefficient("intercept") == pytest.approx(500.0, abs=1e-9)
    assert m.coefficient("production") == pytest.approx(2.5, abs=1e-9)
    assert m.coefficient("hdd") == pytest.approx(10.0, abs=1e-9)
    assert m.coefficient("cdd") == pytest.approx(0.0, abs=1e-9)
    assert m.r_squared == pytest.approx(1.0, abs=1e-12)
    assert m.cv_rmse == pytest.approx(0.0, abs=1e-12)
    assert m.nmbe == pytest.approx(0.0, abs=1e-12)
    assert m.n_periods == 36 and m.n_params == 4
    assert m.accepted


def test_noisy_relation_within_tolerance_and_accepted() -> None:
    production, hdd, _ = _synthetic()
    noise = np.random.default_rng(7).normal(0.0, 150.0, 36)
    energy = 500.0 + 2.5 * production + 10.0 * hdd + noise
    m = fit_baseline(MONTHS, energy, production=production, hdd=hdd)
    assert m.coefficient("production") == pytest.approx(2.5, abs=0.1)
    assert m.coefficient("hdd") == pytest.approx(10.0, abs=0.5)
    assert m.coefficient("intercept") == pytest.approx(500.0, abs=300.0)
    assert 0.98 < m.r_squared < 1.0
    # CV(RMSE) ≈ σ / mean(E) ≈ 150 / 8900
    assert 0.01 < m.cv_rmse < 0.03
    assert m.nmbe == pytest.approx(0.0, abs=1e-12)  # OLS with an intercept
    assert m.criteria is GUIDELINE_14["monthly"]
    assert m.accepted


def test_large_noise_fails_guideline_14() -> None:
    production, hdd, _ = _synthetic()
    noise = np.random.default_rng(7).uniform(-5000.0, 5000.0, 36)  # σ ≈ 2900 kWh
    m = fit_baseline(MONTHS, 6000.0 + 2.5 * production + 10.0 * hdd + noise,
                     production=production, hdd=hdd)
    assert m.cv_rmse > GUIDELINE_14["monthly"].max_cv_rmse
    assert not m.accepted
    assert m.to_dict()["accepted"] is False


def test_tiny_fit_by_hand() -> None:
    # P = 1, 2, 3; E = 1, 3, 2 → b1 = Sxy/Sxx = 1/2, b0 = 2 − 0.5·2 = 1;
    # ŷ = 1.5, 2, 2.5; residuals −0.5, 1, −0.5; SSres = 1.5, SStot = 2.
    m = fit_baseline(["a", "b", "c"], [1.0, 3.0, 2.0], production=[1.0, 2.0, 3.0])
    assert m.coefficients == pytest.approx((1.0, 0.5))
    assert m.r_squared == pytest.approx(0.25)
    assert m.rmse_kwh == pytest.approx(np.sqrt(1.5 / (3 - 2)))
    assert m.cv_rmse == pytest.approx(np.sqrt(1.5) / 2.0)
    d = m.to_dict()
    assert d["coefficients"] == pytest.approx({"intercept": 1.0, "production": 0.5})
    json.dumps(d)


def test_cv_rmse_and_nmbe_by_hand() -> None:
    # residuals y − ŷ = −1, 0, 1, 1; Σ = 1, Σ² = 3; n − p = 4 − 2; ȳ = 13
    y, y_hat = [10.0, 12.0, 14.0, 16.0], [11.0, 12.0, 13.0, 15.0]
    assert cv_rmse(y, y_hat, 2) == pytest.approx(np.sqrt(3 / 2) / 13)
    assert nmbe(y, y_hat, 2) == pytest.approx(1 / (2 * 13))
    assert nmbe(y, y_hat, 0) == pytest.approx(1 / (4 * 13))


def test_thresholds_are_data() -> None:
    assert GUIDELINE_14["monthly"].max_cv_rmse == 0.15
    assert GUIDELINE_14["monthly"].max_abs_nmbe == 0.05
    assert GUIDELINE_14["hourly"].max_cv_rmse == 0.30
    assert GUIDELINE_14["hourly"].max_abs_nmbe == 0.10
    assert GUIDELINE_14["monthly"].accepts(0.15, -0.05)
    assert not GUIDELINE_14["monthly"].accepts(0.151, 0.0)


# --- bad input -------------------------------------------------------------------------

def test_too_few_periods() -> None:
    with pytest.raises(InputError, match="3 baseline periods for 3 parameters; need at least 4"):
        fit_baseline(["a", "b", "c"], [1.0, 2.0, 4.0], production=[1.0, 2.0, 3.0],
                     hdd=[0.0, 1.0, 5.0])


@pytest.mark.parametrize("bad", [0.0, float("nan")])
def test_energy_without_production_names_the_period(bad: float) -> None:
    with pytest.raises(InputError, match=r"period 2024-02: energy use 300 kWh but production"):
        fit_baseline(["2024-01", "2024-02", "2024-03", "2024-04"], [100.0, 300.0, 250.0, 90.0],
                     production=[10.0, bad, 20.0, 5.0])


def test_idle_period_with_no_energy_and_no_production_is_allowed() -> None:
    m = fit_baseline(["a", "b", "c", "d"], [0.0, 110.0, 205.0, 310.0],
                     production=[0.0, 10.0, 20.0, 30.0])
    # x̄ = 15, ȳ = 156.25, Sxy = 5125, Sxx = 500 → b1 = 10.25
    assert m.coefficient("production") == pytest.approx(10.25, abs=1e-9)


def test_missing_values_name_the_period() -> None:
    with pytest.raises(InputError, match="period c: energy_kwh is missing"):
        fit_baseline(["a", "b", "c", "d"], [1.0, 2.0, float("nan"), 3.0], hdd=[1, 2, 3, 4])
    with pytest.raises(InputError, match="period b: hdd is missing"):
        fit_baseline(["a", "b", "c", "d"], [1.0, 2.0, 5.0, 3.0], hdd=[1, float("nan"), 3, 4])
    with pytest.raises(InputError, match="period d: energy_kwh is negative"):
        fit_baseline(["a", "b", "c", "d"], [1.0, 2.0, 5.0, -3.0], hdd=[1, 2, 3, 4])


def test_degenerate_data_is_rejected_without_division_by_zero() -> None:
    with pytest.raises(InputError, match="constant or collinear"):
        fit_baseline(["a", "b", "c", "d"], [1.0, 2.0, 5.0, 3.0], cdd=[0, 0, 0, 0])
    with pytest.raises(InputError, match="same in every"):
        fit_baseline(["a", "b", "c", "d"], [2.0, 2.0, 2.0, 2.0], hdd=[1, 2, 3, 4])
    with pytest.raises(InputError, match="mean measured energy is zero"):
        cv_rmse([0.0, 0.0, 0.0], [1.0, 0.0, 0.0], 1)
    with pytest.raises(InputError, match="degree of freedom"):
        nmbe([1.0, 2.0], [1.0, 2.0], 2)


def test_shape_labels_and_resolution_are_checked() -> None:
    with pytest.raises(InputError, match="3 values for 4 periods"):
        fit_baseline(["a", "b", "c", "d"], [1.0, 2.0, 5.0, 3.0], hdd=[1, 2, 3])
    with pytest.raises(InputError, match="unique"):
        fit_baseline(["a", "a", "c", "d"], [1.0, 2.0, 5.0, 3.0], hdd=[1, 2, 3, 4])
    with pytest.raises(InputError, match="resolution"):
        fit_baseline(["a", "b", "c", "d"], [1.0, 2.0, 5.0, 3.0], hdd=[1, 2, 3, 4],
                     resolution="daily")


def test_errors_are_value_errors() -> None:
    assert issubclass(InputError, ValueError)
