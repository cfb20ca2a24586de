"""Comprehensive energy consumption in tonnes of standard coal (GB/T 2589-2020).

``E = Σ E_i × k_i`` over the carriers consumed inside the boundary, with the
equivalent-value (当量值) coefficients of the packaged ``tce`` table. Electricity
consumed = grid import + on-site generation − export. The equal-value (等价值)
figure for electricity is reported only when the user supplies its coefficient
(``tce / electricity_equal_value / data_year``) — no value is published in a form
lingtan can cite, so none is shipped (domain.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lingtan.accounting import formulas as fm
from lingtan.errors import FactorNotFoundError
from lingtan.factors import Factor, FactorLibrary
from lingtan.site import Site
from lingtan.units import factor_to


@dataclass
class EnergyBalance:
    """Energy by carrier in tce, equivalent value, and the coefficients used."""

    year: int
    by_carrier: dict[str, dict[str, Any]] = field(default_factory=dict)
    electricity_equal_value_tce: float | None = None
    equal_value_factor_id: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def total_tce(self) -> float:
        return sum(c["tce"] for c in self.by_carrier.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "basis": "equivalent", "total_tce": self.total_tce, "by_carrier": self.by_carrier,
            "electricity_equal_value_tce": self.electricity_equal_value_tce,
            "equal_value_factor_id": self.equal_value_factor_id,
        }


def energy_balance(
    library: FactorLibrary, site: Site, year: int, groups: dict[str, Any], elec: dict[str, Any]
) -> EnergyBalance:
    """Energy in tce of every carrier of an inventory's grouped inputs."""
    out = EnergyBalance(year)
    consumed_kwh = (elec["grid_import_kwh"].quantity + elec["generation_kwh"].quantity
                    - elec["grid_export_kwh"].quantity)
    if consumed_kwh:
        k = library.get("tce", "electricity_equivalent", scheme="gbt2589_2020")
        _put(out, "electricity", consumed_kwh, "kWh", k)
        _equal_value(out, library, consumed_kwh)
    fuels: dict[str, float] = {}
    for (category, fuel), inp in groups["fuel"].items():
        if category != "biomass_combustion":
            fuels[fuel] = fuels.get(fuel, 0.0) + inp.quantity
    for fuel, quantity in sorted(fuels.items()):
        _fuel(out, library, site, fuel, quantity, _fuel_unit(library, site, fuel))
    heat_gj = groups["heat_gj"].quantity
    if heat_gj:
        k = library.get("tce", "heat", scheme="gbt2589_2020")
        _put(out, "heat", heat_gj * 1000.0, "MJ", k)
    return out


def _put(out: EnergyBalance, carrier: str, quantity: float, unit: str, k: Factor) -> None:
    per = k.unit.split("/", 1)[1]
    qty = quantity * factor_to(unit, per)
    out.by_carrier[carrier] = {"quantity": qty, "unit": per, "coefficient": k.value,
                               "coefficient_unit": k.unit, "factor_id": k.factor_id,
                               "tce": fm.energy_tce(qty, k.value)}


def _fuel(out: EnergyBalance, library: FactorLibrary, site: Site, fuel: str, quantity: float,
          unit: str) -> None:
    subject = f"natural_gas_{site.accounting.natural_gas_tce}" if fuel == "natural_gas" else fuel
    try:
        k = library.get("tce", subject, scheme="gbt2589_2020")
    except FactorNotFoundError:
        out.warnings.append(f"no GB/T 2589 coefficient for {fuel!r}: not included in energy_tce")
        return
    _put(out, fuel, quantity, unit, k)


def _fuel_unit(library: FactorLibrary, site: Site, fuel: str) -> str:
    return library.get("ncv", fuel, scheme=site.accounting.fuel_table).unit.split("/", 1)[1]


def _equal_value(out: EnergyBalance, library: FactorLibrary, consumed_kwh: float) -> None:
    try:
        k = library.get("tce", "electricity_equal_value", data_year=out.year)
    except FactorNotFoundError:
        return
    per = k.unit.split("/", 1)[1]
    out.electricity_equal_value_tce = fm.energy_tce(consumed_kwh * factor_to("kWh", per), k.value)
    out.equal_value_factor_id = k.factor_id
