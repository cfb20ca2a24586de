"""Avoided energy and avoided emissions, IPMVP Option C (whole facility).

For each reporting period the baseline model is evaluated at that period's
conditions (production, degree-days), the *adjusted baseline energy*; the saving
is measured against it (EVO, *IPMVP Core Concepts* 2022, "avoided energy
consumption" with routine adjustments)::

    avoided_kwh   = adjusted_baseline_kwh − metered_kwh
    avoided_co2e_t = avoided_kwh / 1000 × factor_tco2_per_mwh

The emission factor is always the caller's (grid factor of the year, or a
supplier's); there is no default. A negative avoided figure means more energy
was used than the baseline predicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lingtan.efficiency.baseline.regression import BaselineModel, Values, check_periods
from lingtan.errors import InputError

__all__ = ["SavingsResult", "SavingsRow", "ipmvp_option_c_savings"]


@dataclass(frozen=True)
class SavingsRow:
    """One reporting period's savings.

    Attributes
    ----------
    period : str
        Period label.
    adjusted_baseline_kwh, metered_kwh, avoided_kwh : float
        Energy [kWh].
    avoided_co2e_t : float
        Avoided emissions [t CO2].
    outside_baseline_range : tuple[str, ...]
        Regressors whose value lies outside the range seen in the baseline periods
        (the model is extrapolated there; IPMVP advises caution).
    """

    period: str
    adjusted_baseline_kwh: float
    metered_kwh: float
    avoided_kwh: float
    avoided_co2e_t: float
    outside_baseline_range: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "adjusted_baseline_kwh": self.adjusted_baseline_kwh,
                "metered_kwh": self.metered_kwh, "avoided_kwh": self.avoided_kwh,
                "avoided_co2e_t": self.avoided_co2e_t,
                "outside_baseline_range": list(self.outside_baseline_range)}


@dataclass(frozen=True)
class SavingsResult:
    """Avoided energy and emissions over the reporting periods.

    Attributes
    ----------
    rows : tuple[SavingsRow, ...]
        One row per reporting period, in input order.
    factor_tco2_per_mwh : float
        Emission factor applied [t CO2 / MWh].
    model : BaselineModel
        The baseline used.
    """

    rows: tuple[SavingsRow, ...]
    factor_tco2_per_mwh: float
    model: BaselineModel

    @property
    def avoided_kwh(self) -> float:
        return float(sum(r.avoided_kwh for r in self.rows))

    @property
    def avoided_co2e_t(self) -> float:
        return float(sum(r.avoided_co2e_t for r in self.rows))

    def to_dict(self) -> dict[str, Any]:
        return {"factor_tco2_per_mwh": self.factor_tco2_per_mwh,
                "avoided_kwh": self.avoided_kwh, "avoided_co2e_t": self.avoided_co2e_t,
                "model": self.model.to_dict(), "rows": [r.to_dict() for r in self.rows]}


def ipmvp_option_c_savings(
    model: BaselineModel,
    periods: Sequence[str],
    metered_kwh: Values,
    *,
    factor_tco2_per_mwh: float,
    production: Values | None = None,
    hdd: Values | None = None,
    cdd: Values | None = None,
) -> SavingsResult:
    """Avoided energy and emissions of each reporting period against a baseline.

    Parameters
    ----------
    model : BaselineModel
        Fitted baseline (:func:`~lingtan.efficiency.baseline.regression.fit_baseline`).
    periods : sequence of str
        Reporting period labels, unique.
    metered_kwh : sequence of float
        Metered energy of each reporting period [kWh].
    factor_tco2_per_mwh : float
        Emission factor [t CO2 / MWh]; required, no default.
    production, hdd, cdd : sequence of float, optional
        The reporting periods' values of exactly the regressors the model uses.

    Raises
    ------
    InputError
        The regressors differ from the model's; a missing or negative value, or
        energy use with zero or missing production, naming the period; the factor is
        not a finite non-negative number.
    """
    if not (np.isfinite(factor_tco2_per_mwh) and factor_tco2_per_mwh >= 0):
        raise InputError(f"factor_tco2_per_mwh must be a finite number ≥ 0, "
                         f"got {factor_tco2_per_mwh}")
    given = {"production": production, "hdd": hdd, "cdd": cdd}
    labels, metered, columns = check_periods(periods, metered_kwh, given)
    adjusted = model.predict(len(labels), columns)
    rows = []
    for i, label in enumerate(labels):
        avoided = float(adjusted[i] - metered[i])
        outside = tuple(k for k, (lo, hi) in zip(model.regressors, model.regressor_ranges,
                                                 strict=True)
                        if not lo <= columns[k][i] <= hi)
        rows.append(SavingsRow(label, float(adjusted[i]), float(metered[i]), avoided,
                               avoided / 1000.0 * float(factor_tco2_per_mwh), outside))
    return SavingsResult(tuple(rows), float(factor_tco2_per_mwh), model)
