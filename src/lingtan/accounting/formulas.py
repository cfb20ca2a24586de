"""Published emission and energy formulas, one function each, plain numbers in named units.

References
----------
.. [1] GB/T 32150-2015 工业企业温室气体排放核算和报告通则 (formula structure shared by the
   GB/T 32151.x sector parts and the MEE/NDRC sector guidelines), domain.md §2.1.
.. [2] GB/T 2589-2020 综合能耗计算通则, domain.md §4.
"""

from __future__ import annotations

#: Mass ratio of CO2 to C (44/12), applied to oxidised carbon [1]_.
CO2_PER_C = 44.0 / 12.0


def combustion_co2_t(
    fuel_quantity: float, ncv_gj_per_unit: float, carbon_content_tc_per_tj: float,
    oxidation_fraction: float,
) -> float:
    """CO2 from burning a fossil fuel, tCO2 [1]_.

    ``E = FC × NCV × CC × OF × 44/12`` with ``AD = FC × NCV`` (GJ) and
    ``EF = CC × OF × 44/12`` (tCO2/GJ).

    Parameters
    ----------
    fuel_quantity : float
        Fuel consumed, in the denominator unit of the NCV (t or 10^4 Nm3).
    ncv_gj_per_unit : float
        Net calorific value [GJ/t or GJ/10^4 Nm3].
    carbon_content_tc_per_tj : float
        Carbon content per unit heat [tC/TJ].
    oxidation_fraction : float
        Carbon oxidation rate [-], e.g. 0.98.
    """
    heat_gj = fuel_quantity * ncv_gj_per_unit
    return heat_gj * carbon_content_tc_per_tj / 1000.0 * oxidation_fraction * CO2_PER_C


def gas_co2e_t(mass_t: float, gwp: float) -> float:
    """CO2e of a released greenhouse gas, tCO2e: ``mass × GWP100`` [1]_."""
    return mass_t * gwp


def electricity_co2_t(energy_mwh: float, factor_tco2_per_mwh: float) -> float:
    """CO2 of electricity, tCO2: ``AD_elec (MWh) × EF_grid (tCO2/MWh)`` [1]_."""
    return energy_mwh * factor_tco2_per_mwh


def heat_co2_t(heat_gj: float, factor_tco2_per_gj: float) -> float:
    """CO2 of purchased heat, tCO2: ``AD_heat (GJ) × EF_heat (tCO2/GJ)`` [1]_."""
    return heat_gj * factor_tco2_per_gj


def energy_tce(quantity: float, coefficient_kgce_per_unit: float) -> float:
    """Energy in tonnes of standard coal, tce: ``E_i × k_i / 1000`` [2]_.

    Parameters
    ----------
    quantity : float
        Energy carrier consumed, in the coefficient's denominator unit (kWh, kg, m3, MJ…).
    coefficient_kgce_per_unit : float
        GB/T 2589 conversion coefficient [kgce per unit].
    """
    return quantity * coefficient_kgce_per_unit / 1000.0
