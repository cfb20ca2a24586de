"""Published formulas with every parameter given explicitly, checked against hand sums.

GB/T 32150-2015 (combustion ``FC × NCV × CC × OF × 44/12``, gases ``mass × GWP``,
electricity and heat ``AD × EF``) and GB/T 2589-2020 (``E × k / 1000``).
"""

from __future__ import annotations

import pytest

from lingtan.accounting import formulas as fm


def test_co2_per_c_is_molar_mass_ratio() -> None:
    assert pytest.approx(44.0 / 12.0) == fm.CO2_PER_C
    assert pytest.approx(3.6666666667) == fm.CO2_PER_C


def test_diesel_combustion() -> None:
    # 10 t × 42.652 GJ/t = 426.52 GJ; × 20.2 tC/TJ / 1000 = 8.615704 tC;
    # × 0.98 = 8.44338992 tC oxidised; × 44/12 = 30.959096373… tCO2
    assert fm.combustion_co2_t(10, 42.652, 20.2, 0.98) == pytest.approx(30.95909637333, rel=1e-12)


def test_natural_gas_combustion() -> None:
    # 1.2 × 10^4 Nm3 × 389.31 GJ/10^4 Nm3 = 467.172 GJ; × 15.3 / 1000 = 7.1477316 tC;
    # × 0.99 = 7.076254284 tC; × 44/12 = 25.946265708 tCO2
    assert fm.combustion_co2_t(1.2, 389.31, 15.3, 0.99) == pytest.approx(25.946265708, rel=1e-12)


def test_combustion_is_linear_in_fuel() -> None:
    one = fm.combustion_co2_t(1, 42.652, 20.2, 0.98)
    assert fm.combustion_co2_t(7, 42.652, 20.2, 0.98) == pytest.approx(7 * one)
    assert fm.combustion_co2_t(0, 42.652, 20.2, 0.98) == 0.0


def test_full_oxidation_of_pure_carbon() -> None:
    # 1 TJ at 1 tC/TJ, all oxidised → 1 tC → 44/12 tCO2
    assert fm.combustion_co2_t(1000, 1, 1, 1) == pytest.approx(44 / 12)


def test_gas_co2e() -> None:
    assert fm.gas_co2e_t(0.002, 23500) == pytest.approx(47.0)    # 2 kg SF6, AR5
    assert fm.gas_co2e_t(0.005, 1300) == pytest.approx(6.5)      # 5 kg HFC-134a, AR5
    assert fm.gas_co2e_t(0.002, 25200) == pytest.approx(50.4)    # SF6, AR6


def test_electricity_co2() -> None:
    assert fm.electricity_co2_t(370, 0.5827) == pytest.approx(215.599)
    assert fm.electricity_co2_t(300, 0.6096) == pytest.approx(182.88)


def test_heat_co2() -> None:
    assert fm.heat_co2_t(1000, 0.11) == pytest.approx(110.0)


@pytest.mark.parametrize(("quantity", "k", "tce"), [
    (550_000, 0.1229, 67.595),       # kWh, electricity equivalent value
    (12_000, 1.2143, 14.5716),       # m3 natural gas (gas field)
    (10_000, 1.4571, 14.571),        # kg diesel
    (1_000_000, 0.03412, 34.12),     # MJ heat
])
def test_energy_tce(quantity: float, k: float, tce: float) -> None:
    assert fm.energy_tce(quantity, k) == pytest.approx(tce, rel=1e-12)
