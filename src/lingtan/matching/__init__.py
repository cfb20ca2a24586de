"""Hourly (24/7) carbon-free energy matching: annual vs hourly matching and CFE score.

See docs/matching.md for the formulas, their sources and the conventions.
"""

from __future__ import annotations

from lingtan.matching.hourly import (
    MatchingResult,
    annual_matching,
    cfe_score,
    hourly_matching,
    match_hourly,
    onsite_split,
)
from lingtan.matching.profiles import local_month_hour, shape_monthly_to_hours, to_hourly_kwh

__all__ = [
    "MatchingResult",
    "annual_matching",
    "cfe_score",
    "hourly_matching",
    "local_month_hour",
    "match_hourly",
    "onsite_split",
    "shape_monthly_to_hours",
    "to_hourly_kwh",
]
