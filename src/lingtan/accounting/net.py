"""Net emissions and the self-reduction ratio (自主减排比例), under each definition.

No official formula for the self-reduction ratio has been published (domain.md §1.4,
[U]); lingtan computes every defensible definition and each result names the one used:

- ``A`` (baseline-relative): ``SR = (E_base − E_gross) / E_base`` with
  ``E_gross = E1 + E2_MB`` before credits.
- ``B`` (current-year share): ``SR = 1 − O / (E1 + E2_LB)``.
- ``strict``: green power and certificates count as offsets, not as reductions:
  ``E_gross = E1 + E2_LB`` and ``O_strict = O + covered_tco2e`` (the location-based
  emissions of the MWh the instruments cover); then ``SR = (E_base − E_gross) / E_base``.

Net emissions of categories 1 + 2: ``E_net = E1 + E2_MB − O`` (``E1 + E2_LB − O_strict``
in the strict variant). Zero-carbon schemes require ``E_net ≤ 0``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from lingtan.errors import NoDataError

Definition = Literal["A", "B", "strict"]
DEFINITIONS: tuple[Definition, ...] = ("A", "B", "strict")


@dataclass(frozen=True)
class YearEmissions:
    """Category 1 + 2 emissions of one year and the credits retired for it, tCO2e.

    Attributes
    ----------
    scope1_tco2e, scope2_location_tco2e, scope2_market_tco2e : float
        From the inventory's views.
    offsets_tco2e : float
        Retired CCER, international credits and removals claimed for the year.
    covered_tco2e : float
        Location-based emissions of the MWh covered by retired GECs and green power
        (used by the strict variant only).
    """

    scope1_tco2e: float
    scope2_location_tco2e: float
    scope2_market_tco2e: float
    offsets_tco2e: float = 0.0
    covered_tco2e: float = 0.0


@dataclass(frozen=True)
class NetResult:
    """Net emissions and self-reduction ratio under one definition."""

    definition: Definition
    gross_tco2e: float
    offsets_tco2e: float
    net_tco2e: float
    baseline_tco2e: float | None
    ratio: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def gross_tco2e(year: YearEmissions, definition: Definition) -> float:
    """Emissions before credits: market-based, or location-based in the strict variant."""
    scope2 = year.scope2_location_tco2e if definition == "strict" else year.scope2_market_tco2e
    return year.scope1_tco2e + scope2


def offsets_tco2e(year: YearEmissions, definition: Definition) -> float:
    """Credits that count as offsets; the strict variant adds instrument-covered emissions."""
    return year.offsets_tco2e + (year.covered_tco2e if definition == "strict" else 0.0)


def self_reduction(
    current: YearEmissions, definition: Definition, baseline_tco2e: float | None = None
) -> NetResult:
    """Net emissions and self-reduction ratio of ``current`` under ``definition``.

    Parameters
    ----------
    current : YearEmissions
        The reporting year.
    definition : {"A", "B", "strict"}
        See the module docstring.
    baseline_tco2e : float, optional
        Categories 1 + 2 of the baseline year, gross of credits (market-based; location-
        based for ``strict``). Required by ``A`` and ``strict``.

    Raises
    ------
    NoDataError
        If the definition needs a baseline and none (or zero) is given, or if the
        current year's location-based emissions are zero under ``B``.
    """
    gross = gross_tco2e(current, definition)
    offsets = offsets_tco2e(current, definition)
    if definition == "B":
        denominator = current.scope1_tco2e + current.scope2_location_tco2e
        if denominator <= 0:
            raise NoDataError("self-reduction (definition B) needs E1 + E2_LB > 0")
        ratio = 1.0 - current.offsets_tco2e / denominator
    else:
        if not baseline_tco2e or baseline_tco2e <= 0:
            raise NoDataError(f"self-reduction (definition {definition}) needs the baseline "
                              "year's emissions (> 0); set baseline_year in factory.yaml")
        ratio = (baseline_tco2e - gross) / baseline_tco2e
    return NetResult(definition, gross, offsets, gross - offsets,
                     baseline_tco2e if definition != "B" else None, ratio)
