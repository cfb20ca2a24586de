"""Regression energy baseline and its goodness of fit (ASHRAE Guideline 14-2014).

The baseline model is the linear regression, fitted by ordinary least squares over
the baseline periods (usually months)::

    E = b0 + b1·production + b2·HDD + b3·CDD

with any subset of the three regressors. This is the whole-facility regression
model of IPMVP Option C (EVO, *IPMVP Core Concepts*, 2022) and of the
whole-building approach of ASHRAE Guideline 14-2014.

Goodness of fit, with ``y`` metered and ``ŷ`` modelled energy, ``n`` periods,
``p`` fitted parameters (intercept included) and ``ȳ`` the mean of ``y``::

    R²        = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²
    RMSE      = √( Σ(y − ŷ)² / (n − p) )
    CV(RMSE)  = RMSE / ȳ
    NMBE      = Σ(y − ŷ) / ((n − p) · ȳ)

CV(RMSE) and NMBE divide by the residual degrees of freedom ``n − p`` as
Guideline 14-2014 defines them (Annex B and §5.3.2.4) [R]. Both are returned as
fractions (0.15 = 15 %). An OLS fit with an intercept has Σ(y − ŷ) = 0, so its
NMBE on the baseline data is zero up to rounding; NMBE matters when a model is
checked against other data (:func:`nmbe` takes any predictions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from lingtan.errors import InputError

__all__ = [
    "GUIDELINE_14",
    "REGRESSORS",
    "AcceptanceCriteria",
    "BaselineModel",
    "cv_rmse",
    "fit_baseline",
    "nmbe",
]

FloatArray = npt.NDArray[np.float64]
Values = Sequence[float] | FloatArray

#: The regressors lingtan knows, in the order their coefficients are reported.
REGRESSORS: tuple[str, ...] = ("production", "hdd", "cdd")


@dataclass(frozen=True)
class AcceptanceCriteria:
    """Largest CV(RMSE) and |NMBE| a model may have to be accepted.

    Attributes
    ----------
    resolution : str
        Data interval the criteria apply to (``monthly`` or ``hourly``).
    max_cv_rmse : float
        Largest accepted CV(RMSE), a fraction.
    max_abs_nmbe : float
        Largest accepted |NMBE|, a fraction.
    source : str
        Where the figures come from.
    """

    resolution: str
    max_cv_rmse: float
    max_abs_nmbe: float
    source: str

    def accepts(self, cv_rmse: float, nmbe: float) -> bool:
        """Whether a model with these statistics meets the criteria."""
        return cv_rmse <= self.max_cv_rmse and abs(nmbe) <= self.max_abs_nmbe


_G14 = ("ASHRAE Guideline 14-2014 §5.3.2.4 (calibration criteria), as commonly quoted [R]; "
        "the Guideline's own whole-building regression criteria may differ")

#: ASHRAE Guideline 14 acceptance by data interval, as commonly quoted [R]:
#: monthly CV(RMSE) ≤ 15 % and |NMBE| ≤ 5 %; hourly CV(RMSE) ≤ 30 % and |NMBE| ≤ 10 %.
GUIDELINE_14: Mapping[str, AcceptanceCriteria] = MappingProxyType({
    "monthly": AcceptanceCriteria("monthly", 0.15, 0.05, _G14),
    "hourly": AcceptanceCriteria("hourly", 0.30, 0.10, _G14),
})


def _residual_dof(n: int, n_params: int) -> int:
    if n_params < 0 or n - n_params < 1:
        raise InputError(f"{n} values leave no residual degree of freedom for {n_params} "
                         "parameters; need at least parameters + 1 values")
    return n - n_params


def _paired(measured: Values, predicted: Values) -> tuple[FloatArray, FloatArray, float]:
    y = np.asarray(measured, dtype=float)
    y_hat = np.asarray(predicted, dtype=float)
    if y.shape != y_hat.shape or y.ndim != 1:
        raise InputError(f"{y.size} measured but {y_hat.size} predicted values")
    if not (np.isfinite(y).all() and np.isfinite(y_hat).all()):
        raise InputError("measured and predicted values must be finite numbers")
    mean = float(y.mean()) if y.size else 0.0
    if mean <= 0.0:
        raise InputError("mean measured energy is zero or negative; CV(RMSE) and NMBE are "
                         "undefined")
    return y, y_hat, mean


def cv_rmse(measured: Values, predicted: Values, n_params: int) -> float:
    """CV(RMSE) of predictions, ASHRAE Guideline 14-2014 [R], as a fraction.

    ``√(Σ(y − ŷ)² / (n − p)) / ȳ``.

    Parameters
    ----------
    measured, predicted : sequence of float
        Metered and modelled energy of each period [kWh].
    n_params : int
        Number of fitted model parameters ``p``, intercept included.
    """
    y, y_hat, mean = _paired(measured, predicted)
    dof = _residual_dof(y.size, n_params)
    return float(np.sqrt(np.sum((y - y_hat) ** 2) / dof) / mean)


def nmbe(measured: Values, predicted: Values, n_params: int) -> float:
    """Normalised mean bias error, ASHRAE Guideline 14-2014 [R], as a fraction.

    ``Σ(y − ŷ) / ((n − p) · ȳ)``: positive when the model predicts too little.

    Parameters
    ----------
    measured, predicted : sequence of float
        Metered and modelled energy of each period [kWh].
    n_params : int
        Number of fitted model parameters ``p``, intercept included.
    """
    y, y_hat, mean = _paired(measured, predicted)
    dof = _residual_dof(y.size, n_params)
    return float(np.sum(y - y_hat) / (dof * mean))


def check_periods(
    periods: Sequence[str], energy_kwh: Values, regressors: Mapping[str, Values | None]
) -> tuple[tuple[str, ...], FloatArray, dict[str, FloatArray]]:
    """Validate period-aligned energy and regressors; return them as arrays.

    Raises :class:`InputError` naming the first offending period: a missing or negative
    energy or regressor value, or energy use in a period whose production is zero or
    missing (energy per unit of production would be a division by zero).
    """
    labels = tuple(str(p) for p in periods)
    if len(set(labels)) != len(labels):
        raise InputError("period labels must be unique")
    e = _column("energy_kwh", energy_kwh, labels)
    columns = {k: _column(k, v, labels) for k, v in regressors.items() if v is not None}
    _check_present("energy_kwh", e, labels)
    _check_production(labels, e, columns.get("production"))
    for name, col in columns.items():
        _check_present(name, col, labels)
    return labels, e, columns


def _check_present(name: str, col: FloatArray, labels: tuple[str, ...]) -> None:
    bad = ~np.isfinite(col)
    if bad.any():
        raise InputError(f"period {labels[int(np.argmax(bad))]}: {name} is missing")
    neg = col < 0
    if neg.any():
        raise InputError(f"period {labels[int(np.argmax(neg))]}: {name} is negative")


def _column(name: str, values: Values, labels: tuple[str, ...]) -> FloatArray:
    col = np.asarray(values, dtype=float)
    if col.ndim != 1 or col.size != len(labels):
        raise InputError(f"{name} has {col.size} values for {len(labels)} periods")
    return col


def _check_production(labels: tuple[str, ...], e: FloatArray, production: FloatArray | None
                      ) -> None:
    if production is None:
        return
    bad = ~(production > 0) & (e > 0)  # production zero, negative or NaN
    if bad.any():
        i = int(np.argmax(bad))
        what = "missing" if np.isnan(production[i]) else f"{production[i]:g}"
        raise InputError(f"period {labels[i]}: energy use {e[i]:g} kWh but production is "
                         f"{what}; supply the production or leave the period out")


def _design(columns: Mapping[str, FloatArray], names: tuple[str, ...], n: int) -> FloatArray:
    return np.column_stack([np.ones(n), *(columns[k] for k in names)])


@dataclass(frozen=True)
class BaselineModel:
    """A fitted regression baseline and its goodness of fit.

    Attributes
    ----------
    periods : tuple[str, ...]
        Baseline period labels, in input order.
    regressors : tuple[str, ...]
        Regressors used, a subset of :data:`REGRESSORS` in that order.
    coefficients : tuple[float, ...]
        ``b0`` (intercept, kWh per period) then one coefficient per regressor
        (kWh per unit of production, kWh per K·d).
    r_squared, rmse_kwh, cv_rmse, nmbe : float
        Goodness of fit on the baseline periods (module docstring); fractions except
        ``rmse_kwh``.
    criteria : AcceptanceCriteria
        The acceptance criteria applied.
    regressor_ranges : tuple[tuple[float, float], ...]
        (min, max) of each regressor over the baseline, to flag extrapolation.
    """

    periods: tuple[str, ...]
    regressors: tuple[str, ...]
    coefficients: tuple[float, ...]
    r_squared: float
    rmse_kwh: float
    cv_rmse: float
    nmbe: float
    criteria: AcceptanceCriteria
    regressor_ranges: tuple[tuple[float, float], ...]

    @property
    def n_periods(self) -> int:
        return len(self.periods)

    @property
    def n_params(self) -> int:
        return len(self.coefficients)

    @property
    def accepted(self) -> bool:
        """Whether CV(RMSE) and |NMBE| are within :attr:`criteria`."""
        return self.criteria.accepts(self.cv_rmse, self.nmbe)

    def coefficient(self, name: str) -> float:
        """Coefficient of ``intercept`` or of a regressor."""
        names = ("intercept", *self.regressors)
        if name not in names:
            raise InputError(f"the model has no coefficient {name!r}; it has {list(names)}")
        return self.coefficients[names.index(name)]

    def predict(self, n_periods: int, columns: Mapping[str, Values]) -> FloatArray:
        """Modelled energy [kWh] of ``n_periods`` periods from their regressor columns.

        ``columns`` must hold exactly the model's regressors, each of ``n_periods``
        values (an intercept-only model takes ``{}``).
        """
        missing = [k for k in self.regressors if k not in columns]
        extra = [k for k in columns if k not in self.regressors]
        if missing or extra:
            raise InputError(f"the model uses regressors {list(self.regressors)}; "
                             f"missing {missing}, not in the model {extra}")
        arrays = {k: np.asarray(v, dtype=float) for k, v in columns.items()}
        if any(a.shape != (n_periods,) for a in arrays.values()):
            raise InputError(f"every regressor needs {n_periods} values")
        return _design(arrays, self.regressors, n_periods) @ np.asarray(self.coefficients)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {
            "periods": list(self.periods),
            "n_periods": self.n_periods,
            "n_params": self.n_params,
            "coefficients": dict(zip(("intercept", *self.regressors), self.coefficients,
                                     strict=True)),
            "r_squared": self.r_squared,
            "rmse_kwh": self.rmse_kwh,
            "cv_rmse": self.cv_rmse,
            "nmbe": self.nmbe,
            "criteria": {"resolution": self.criteria.resolution,
                         "max_cv_rmse": self.criteria.max_cv_rmse,
                         "max_abs_nmbe": self.criteria.max_abs_nmbe,
                         "source": self.criteria.source},
            "accepted": self.accepted,
            "regressor_ranges": {k: list(r) for k, r in zip(self.regressors,
                                                            self.regressor_ranges, strict=True)},
        }


def fit_baseline(
    periods: Sequence[str],
    energy_kwh: Values,
    *,
    production: Values | None = None,
    hdd: Values | None = None,
    cdd: Values | None = None,
    resolution: str = "monthly",
) -> BaselineModel:
    """Fit ``E = b0 + b1·production + b2·HDD + b3·CDD`` by ordinary least squares.

    Leave out a regressor by not passing it. Goodness of fit follows ASHRAE
    Guideline 14-2014 (module docstring), acceptance :data:`GUIDELINE_14`.

    Parameters
    ----------
    periods : sequence of str
        Baseline period labels (``2024-01``), unique.
    energy_kwh : sequence of float
        Metered energy of each period [kWh].
    production : sequence of float, optional
        Production volume of each period [the site's production unit].
    hdd, cdd : sequence of float, optional
        Heating and cooling degree-days of each period [K·d].
    resolution : {"monthly", "hourly"}
        Data interval, choosing the acceptance criteria.

    Raises
    ------
    InputError
        Fewer periods than parameters + 1; a missing (NaN) or negative value, naming
        the period; energy use with zero or missing production, naming the period;
        a regressor constant or collinear with others; zero mean energy or no
        variation in energy (R² undefined).
    """
    if resolution not in GUIDELINE_14:
        raise InputError(f"resolution must be one of {sorted(GUIDELINE_14)}, got {resolution!r}")
    given = {"production": production, "hdd": hdd, "cdd": cdd}
    labels, y, columns = check_periods(periods, energy_kwh, given)
    names = tuple(k for k in REGRESSORS if k in columns)
    n, p = len(labels), len(names) + 1
    if n < p + 1:
        raise InputError(f"{n} baseline periods for {p} parameters; need at least {p + 1}")
    x = _design(columns, names, n)
    if np.linalg.matrix_rank(x) < p:
        raise InputError(f"regressors {list(names)} are constant or collinear over the "
                         "baseline; drop one")
    sst = float(np.sum((y - y.mean()) ** 2))
    if sst == 0.0:
        raise InputError("energy is the same in every baseline period; R² is undefined")
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    y_hat = x @ beta
    cv = cv_rmse(y, y_hat, p)
    return BaselineModel(
        periods=labels,
        regressors=names,
        coefficients=tuple(float(b) for b in beta),
        r_squared=1.0 - float(np.sum((y - y_hat) ** 2)) / sst,
        rmse_kwh=cv * float(y.mean()),
        cv_rmse=cv,
        nmbe=nmbe(y, y_hat, p),
        criteria=GUIDELINE_14[resolution],
        regressor_ranges=tuple((float(columns[k].min()), float(columns[k].max()))
                               for k in names),
    )
