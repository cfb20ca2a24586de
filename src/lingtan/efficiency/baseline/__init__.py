"""Energy baselines and savings: degree-days, regression baseline, IPMVP Option C.

- :mod:`.degree_days`: heating and cooling degree-days per month from a site's
  temperatures (base temperatures always given by the caller).
- :mod:`.regression`: ``E = b0 + b1·production + b2·HDD + b3·CDD`` by OLS, with R²,
  CV(RMSE), NMBE and ASHRAE Guideline 14 acceptance.
- :mod:`.savings`: adjusted baseline, avoided energy and avoided emissions per period.

See ``docs/efficiency-baseline.md``.
"""

from lingtan.efficiency.baseline.degree_days import (
    DegreeDays,
    cooling_degree_days,
    daily_mean_temperature,
    degree_days_by_month,
    heating_degree_days,
)
from lingtan.efficiency.baseline.regression import (
    GUIDELINE_14,
    REGRESSORS,
    AcceptanceCriteria,
    BaselineModel,
    cv_rmse,
    fit_baseline,
    nmbe,
)
from lingtan.efficiency.baseline.savings import (
    SavingsResult,
    SavingsRow,
    ipmvp_option_c_savings,
)

__all__ = [
    "GUIDELINE_14",
    "REGRESSORS",
    "AcceptanceCriteria",
    "BaselineModel",
    "DegreeDays",
    "SavingsResult",
    "SavingsRow",
    "cooling_degree_days",
    "cv_rmse",
    "daily_mean_temperature",
    "degree_days_by_month",
    "fit_baseline",
    "heating_degree_days",
    "ipmvp_option_c_savings",
    "nmbe",
]
