"""The packaged factor tables: every value against its source, and cross-checks.

Expected numbers are written out here, each block citing the section of
``shared/reference/domain.md`` (or the package file) it was read from, so that
an edit to a CSV that is not also an edit to its source fails a test.
"""

from __future__ import annotations

import importlib.resources as ir
import math
from typing import Any

import pytest

from lingtan.factors import FactorLibrary, packaged_families
from lingtan.factors.library import AUXILIARY_TABLES, FACTOR_TABLES
from lingtan.units import convert


@pytest.fixture(scope="module")
def lib() -> FactorLibrary:
    return FactorLibrary.packaged()


def value(lib: FactorLibrary, family: str, subject: str, **key: Any) -> float:
    return lib.get(family, subject, **key).value


def pct_change(old: float, new: float) -> float:
    return (new / old - 1.0) * 100.0


# --------------------------------------------------------------------- integrity


def test_every_data_file_is_a_known_table() -> None:
    data = ir.files("lingtan.factors") / "data"
    files = {p.name for p in data.iterdir() if p.name.endswith(".csv")}
    assert files == set(FACTOR_TABLES) | set(AUXILIARY_TABLES)


def test_every_row_has_source_confidence_and_allowed_unit(lib: FactorLibrary) -> None:
    families = packaged_families()
    for f in lib:
        assert f.source.strip(), f.factor_id
        assert f.confidence in {"V", "R", "U"}, f.factor_id
        assert f.unit in families[f.family].allowed_units, f.factor_id
        assert f.origin == "packaged"


def test_factor_ids_and_keys_are_unique(lib: FactorLibrary) -> None:
    ids = [f.factor_id for f in lib]
    keys = [f.key for f in lib]
    assert len(set(ids)) == len(ids)
    assert len(set(keys)) == len(keys)


def test_every_family_has_rows(lib: FactorLibrary) -> None:
    assert {f.family for f in lib} == set(packaged_families())


def test_uncertain_rows_say_they_must_be_configurable(lib: FactorLibrary) -> None:
    uncertain = [f for f in lib if f.confidence == "U"]
    assert uncertain
    for f in uncertain:
        assert "configurable" in f.note, f.factor_id


def test_no_electricity_equal_value_is_shipped(lib: FactorLibrary) -> None:
    # domain.md §4: the 等价值 is year-specific and has no packaged number.
    assert lib.select(family="tce", subject="electricity_equal_value") == []


def test_row_counts_per_family(lib: FactorLibrary) -> None:
    counts: dict[str, int] = {}
    for f in lib:
        counts[f.family] = counts.get(f.family, 0) + 1
    assert counts == {
        "grid_average": 3 + 14 + 10 + 30,
        "grid_residual": 3,
        "grid_fossil": 3,
        "ets_grid": 2,
        "electricity_footprint": 2,
        "heat": 1,
        "ncv": 12,
        "carbon_content": 10,
        "oxidation": 10,
        "gwp": 72,
        "tce": 13,
    }


# ------------------------------------------------------- electricity, domain.md §3

# domain.md §3.1, three MEE/NBS families, tCO2/MWh.
NATIONAL = {
    ("grid_average", 2021): 0.5568, ("grid_average", 2022): 0.5366,
    ("grid_average", 2023): 0.5306,
    ("grid_residual", 2021): 0.5942, ("grid_residual", 2022): 0.5856,
    ("grid_residual", 2023): 0.6096,
    ("grid_fossil", 2021): 0.8426, ("grid_fossil", 2022): 0.8325,
    ("grid_fossil", 2023): 0.8273,
}

# domain.md §3.1, regional averages: (2022, 2023, announced % change).
REGIONS = {
    "north": (0.6776, 0.6361, -6.1),
    "northeast": (0.5564, 0.5122, -8.0),
    "east": (0.5617, 0.5500, -2.1),
    "central": (0.5395, 0.5271, -2.3),
    "northwest": (0.5857, 0.5543, -5.4),
    "south": (0.3869, 0.4042, +4.5),
    "southwest": (0.2268, 0.2472, +9.0),
}

# domain.md §3.1, provincial 2022 (新京报 2024-12-27: top and bottom five).
PROVINCES_2022 = {
    "CN-HE": 0.7252, "CN-SX": 0.7096, "CN-TJ": 0.7041, "CN-NM": 0.6849, "CN-AH": 0.6782,
    "CN-FJ": 0.4092, "CN-GX": 0.4044, "CN-QH": 0.1567, "CN-SC": 0.1404, "CN-YN": 0.1073,
}

# domain.md §3.1, provincial 2023 values it quotes from the announcement's Table 3.
PROVINCES_2023_DOMAIN = {
    "CN-JS": 0.5827, "CN-ZJ": 0.4974, "CN-SH": 0.5737, "CN-BJ": 0.5554,
    "CN-GD": 0.4419, "CN-SC": 0.1564, "CN-YN": 0.1333, "CN-NM": 0.6479,
}

# codecarbon 3.3.2 codecarbon/data/private_infra/2023/china_provincial_emissions.json,
# gCO2/kWh (MEE/NBS 公告2025年第47号 Table 3), all 30 provinces it lists.
PROVINCES_2023_G_PER_KWH = {
    "CN-BJ": 555.4, "CN-TJ": 679.6, "CN-HE": 651.6, "CN-SX": 663.4, "CN-NM": 647.9,
    "CN-LN": 487.8, "CN-JL": 467.1, "CN-HL": 522.9, "CN-SH": 573.7, "CN-JS": 582.7,
    "CN-ZJ": 497.4, "CN-AH": 655.3, "CN-FJ": 421.1, "CN-JX": 583.6, "CN-SD": 619.1,
    "CN-HA": 589.7, "CN-HB": 404.4, "CN-HN": 497.6, "CN-GD": 441.9, "CN-GX": 447.6,
    "CN-HI": 364.8, "CN-CQ": 558.1, "CN-SC": 156.4, "CN-GZ": 568.3, "CN-YN": 133.3,
    "CN-SN": 633.5, "CN-GS": 447.1, "CN-QH": 179.6, "CN-NX": 618.7, "CN-XJ": 602.1,
}


@pytest.mark.parametrize(("family", "year"), sorted(NATIONAL))
def test_national_factors(lib: FactorLibrary, family: str, year: int) -> None:
    f = lib.get(family, "electricity", geography="CN", data_year=year)
    assert f.value == NATIONAL[(family, year)]
    assert (f.unit, f.scheme) == ("tCO2/MWh", "mee_nbs")


def test_national_confidence(lib: FactorLibrary) -> None:
    # domain.md §3.1: all [V] except the 2021 excl.-market value [R].
    marks = {(f.family, f.data_year): f.confidence for f in lib
             if f.family in {"grid_average", "grid_residual", "grid_fossil"}
             and f.geography == "CN"}
    assert marks.pop(("grid_residual", 2021)) == "R"
    assert set(marks.values()) == {"V"}


@pytest.mark.parametrize(
    ("family", "old", "new", "announced"),
    [
        # domain.md §3.1: "every stated percentage change reproduces from these numbers"
        ("grid_average", 2022, 2023, -1.1),
        ("grid_residual", 2022, 2023, +4.1),
        ("grid_average", 2021, 2022, -3.6),
        ("grid_fossil", 2021, 2022, -1.2),
    ],
)
def test_announced_national_changes(
    lib: FactorLibrary, family: str, old: int, new: int, announced: float
) -> None:
    change = pct_change(value(lib, family, "electricity", data_year=old),
                        value(lib, family, "electricity", data_year=new))
    assert round(change, 1) == announced


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_regional_factors_and_announced_changes(lib: FactorLibrary, region: str) -> None:
    v2022, v2023, announced = REGIONS[region]
    geo = f"region:{region}"
    got = [value(lib, "grid_average", "electricity", geography=geo, data_year=y)
           for y in (2022, 2023)]
    assert got == [v2022, v2023]
    # domain.md §3.1: cross-checked via the published % changes, within 0.1 pp.
    assert abs(pct_change(*got) - announced) <= 0.1 + 1e-9


@pytest.mark.parametrize("geo", sorted(PROVINCES_2022))
def test_provincial_2022(lib: FactorLibrary, geo: str) -> None:
    f = lib.get("grid_average", "electricity", geography=geo, data_year=2022)
    assert (f.value, f.confidence) == (PROVINCES_2022[geo], "V")


@pytest.mark.parametrize("geo", sorted(PROVINCES_2023_DOMAIN))
def test_provincial_2023_against_domain(lib: FactorLibrary, geo: str) -> None:
    assert value(lib, "grid_average", "electricity", geography=geo, data_year=2023) == (
        PROVINCES_2023_DOMAIN[geo]
    )


def test_provincial_2023_is_the_codecarbon_table_in_t_per_mwh(lib: FactorLibrary) -> None:
    rows = [f for f in lib.select(family="grid_average", data_year=2023)
            if f.geography.startswith("CN-")]
    got = {f.geography: f for f in rows}
    assert set(got) == set(PROVINCES_2023_G_PER_KWH)  # 30; no Xizang, HK, Macao, Taiwan
    for geo, g_per_kwh in PROVINCES_2023_G_PER_KWH.items():
        assert got[geo].value == round(g_per_kwh / 1000, 4)
        assert got[geo].confidence == "R"
        assert "codecarbon 3.3.2" in got[geo].note


def test_provincial_2023_direction_is_consistent_with_announcement(lib: FactorLibrary) -> None:
    # domain.md §3.1: in 2023, 20 provinces fell and 10 rose; of the packaged
    # 2022 provinces, no more than 10 may show a rise.
    rises = sum(
        value(lib, "grid_average", "electricity", geography=g, data_year=2023) > v
        for g, v in PROVINCES_2022.items()
    )
    assert rises <= 10


def test_ets_factors(lib: FactorLibrary) -> None:
    # domain.md §2.5, §3.2.
    fixed = lib.get("ets_grid", "electricity", data_year=2022)
    assert (fixed.value, fixed.scheme, fixed.confidence) == (0.5703, "mee_ets", "V")
    assert "2023" in fixed.note and "2025" in fixed.note
    earlier = lib.get("ets_grid", "electricity")
    assert (earlier.value, earlier.confidence, earlier.data_year) == (0.5810, "U", None)


def test_ets_factor_is_kept_apart_from_the_inventory_factor(lib: FactorLibrary) -> None:
    # domain.md §2.5/§3.1: the ETS notice's 2022 figure (0.5703) and the later
    # MEE/NBS 2022 inventory factor (0.5366) are different publications for the
    # same data year, so they live in different families.
    assert value(lib, "ets_grid", "electricity", data_year=2022) != value(
        lib, "grid_average", "electricity", data_year=2022
    )


def test_electricity_footprint(lib: FactorLibrary) -> None:
    # domain.md §3.3: 2023 0.6205, 2024 0.5777 (−6.9 %).
    f23 = lib.get("electricity_footprint", "electricity", data_year=2023)
    f24 = lib.get("electricity_footprint", "electricity", data_year=2024)
    assert (f23.value, f24.value) == (0.6205, 0.5777)
    assert f23.unit == f24.unit == "tCO2e/MWh"
    assert round(pct_change(f23.value, f24.value), 1) == -6.9


def test_heat(lib: FactorLibrary) -> None:
    # domain.md §2.2: 0.11 tCO2/GJ [R].
    f = lib.get("heat", "heat")
    assert (f.value, f.unit, f.confidence, f.scheme) == (0.11, "tCO2/GJ", "R", "default")


# --------------------------------------------------------- fuels, domain.md §2.2

# fuel: (NCV, NCV unit, CC tC/TJ, OF %), the "工业其他行业" table of domain.md §2.2.
MEE_2013 = {
    "raw_coal": (20.908, "GJ/t", 26.37, 94),
    "coke": (28.435, "GJ/t", 29.5, 93),
    "crude_oil": (41.816, "GJ/t", 20.1, 98),
    "fuel_oil": (41.816, "GJ/t", 21.1, 98),
    "gasoline": (43.070, "GJ/t", 18.9, 98),
    "diesel": (42.652, "GJ/t", 20.2, 98),
    "kerosene": (43.070, "GJ/t", 19.6, 98),
    "lpg": (50.179, "GJ/t", 17.2, 98),
    "refinery_gas": (45.998, "GJ/t", 18.2, 99),
    "natural_gas": (389.31, "GJ/10^4 Nm3", 15.3, 99),
}


@pytest.mark.parametrize("fuel", sorted(MEE_2013))
def test_mee_2013_fuel_table(lib: FactorLibrary, fuel: str) -> None:
    ncv, ncv_unit, cc, of_pct = MEE_2013[fuel]
    got_ncv = lib.get("ncv", fuel, scheme="mee_2013")
    assert (got_ncv.value, got_ncv.unit) == (ncv, ncv_unit)
    assert lib.get("carbon_content", fuel, scheme="mee_2013").value == cc
    assert lib.get("oxidation", fuel, scheme="mee_2013").value == of_pct / 100
    assert {lib.get(fam, fuel, scheme="mee_2013").confidence
            for fam in ("ncv", "carbon_content", "oxidation")} == {"U"}


def test_gbt32151_values(lib: FactorLibrary) -> None:
    # domain.md §2.2: the GB/T 32151.x annexes give diesel 43.330, coke 28.447 GJ/t.
    assert value(lib, "ncv", "diesel", scheme="gbt32151_2015") == 43.330
    assert value(lib, "ncv", "coke", scheme="gbt32151_2015") == 28.447
    assert {f.subject for f in lib.select(scheme="gbt32151_2015")} == {"diesel", "coke"}


def test_diesel_emission_factor_matches_ipcc_default(lib: FactorLibrary) -> None:
    # domain.md §2.2: 20.2 tC/TJ × 44/12 = 74.07 tCO2/TJ ≈ IPCC 2006 default 74.1.
    cc_tc_per_tj = value(lib, "carbon_content", "diesel", scheme="mee_2013")
    assert cc_tc_per_tj * 44 / 12 == pytest.approx(74.1, abs=0.05)


def test_natural_gas_ncv_equals_gbt2589_oil_field_gas(lib: FactorLibrary) -> None:
    # domain.md §2.2 and §4: 389.31 GJ/10^4 Nm3 = 38 931 kJ/m3, the GB/T 2589
    # oil-field gas heat value.
    ncv = lib.get("ncv", "natural_gas", scheme="mee_2013")
    kj_per_m3 = convert(ncv.value, "GJ", "kJ") / convert(1, "10^4 Nm3", "m3")
    assert kj_per_m3 == pytest.approx(38_931, abs=1e-6)


# ---------------------------------------------------- standard coal, domain.md §4

# subject: (coefficient, unit, confidence)
TCE = {
    "electricity_equivalent": (0.1229, "kgce/kWh", "R"),
    "heat": (0.03412, "kgce/MJ", "R"),
    "raw_coal": (0.7143, "kgce/kg", "R"),
    "coke": (0.9714, "kgce/kg", "U"),
    "crude_oil": (1.4286, "kgce/kg", "U"),
    "fuel_oil": (1.4286, "kgce/kg", "U"),
    "gasoline": (1.4714, "kgce/kg", "R"),
    "diesel": (1.4571, "kgce/kg", "R"),
    "lpg": (1.7143, "kgce/kg", "U"),
    "natural_gas_gas_field": (1.2143, "kgce/m3", "R"),
    "natural_gas_oil_field": (1.3300, "kgce/m3", "R"),
    "steam_low_pressure": (0.1286, "kgce/kg", "R"),
    "fresh_water": (0.2571, "kgce/t", "R"),
}


@pytest.mark.parametrize("subject", sorted(TCE))
def test_tce_coefficients(lib: FactorLibrary, subject: str) -> None:
    f = lib.get("tce", subject)
    assert (f.value, f.unit, f.confidence, f.scheme) == (*TCE[subject], "gbt2589_2020")


def test_tce_electricity_equivalent_value_derivation(lib: FactorLibrary) -> None:
    # domain.md §4: 3 600 kJ (860 kcal) per kWh ÷ 7 000 kcal/kgce.
    coefficient = value(lib, "tce", "electricity_equivalent")
    assert round(860 / 7000, 4) == coefficient
    # In SI: 3.6 MJ / 29.3076 MJ per kgce = 0.12284 (0.1228 to four places):
    # the 860-kcal convention explains the last digit, hence the tolerance.
    assert convert(1, "kWh", "kgce") == pytest.approx(coefficient, abs=1e-4)


def test_tce_heat_is_one_over_29_3076(lib: FactorLibrary) -> None:
    # 1 MJ / 29.3076 MJ per kgce (units.py: tce = 29.3076 GJ).
    assert round(convert(1, "MJ", "kgce"), 5) == value(lib, "tce", "heat")


@pytest.mark.parametrize(
    ("subject", "kj_per_unit"),
    [("natural_gas_gas_field", 35_544), ("natural_gas_oil_field", 38_931)],
)
def test_tce_natural_gas_from_heat_values(
    lib: FactorLibrary, subject: str, kj_per_unit: float
) -> None:
    # domain.md §4: 35 544 and 38 931 kJ/m3; ≈ heat value / 29.3076 MJ per kgce.
    coefficient = value(lib, "tce", subject)
    assert convert(kj_per_unit, "kJ", "kgce") == pytest.approx(coefficient, rel=2e-3)


# fuel id in the tce family: the mee_2013 NCV (kJ/kg) it is derived from.
TCE_FROM_NCV = {"raw_coal": "raw_coal", "coke": "coke", "crude_oil": "crude_oil",
                "fuel_oil": "fuel_oil", "gasoline": "gasoline", "diesel": "diesel",
                "lpg": "lpg", "natural_gas_oil_field": "natural_gas"}


@pytest.mark.parametrize("subject", sorted(TCE_FROM_NCV))
def test_tce_reproduces_from_independent_ncv_table(lib: FactorLibrary, subject: str) -> None:
    """GB/T 2589 coefficients follow from the MEE fuel NCVs (two independent tables).

    The kJ figures of both tables are kcal figures × 4.1816 kJ/kcal (the 20 °C
    calorie); dividing by 7 000 kcal/kgce gives each coefficient to the four
    decimals published. In SI (÷ 29.3076 MJ/kgce) they agree within 0.2 %.
    """
    ncv = lib.get("ncv", TCE_FROM_NCV[subject], scheme="mee_2013")
    per_kg_or_m3 = 1e3 if ncv.unit == "GJ/t" else 1e4
    kj = convert(ncv.value, "GJ", "kJ") / per_kg_or_m3
    coefficient = value(lib, "tce", subject)
    assert round(kj / 4.1816 / 7000, 4) == coefficient
    assert convert(kj, "kJ", "kgce") == pytest.approx(coefficient, rel=2e-3)


# ------------------------------------------------------------ GWP, domain.md §2.6

# gas: {set: GWP100}, domain.md §2.6 [R].
GWP: dict[str, dict[str, float]] = {
    "CO2": {"SAR": 1, "AR4": 1, "AR5": 1, "AR6": 1},
    "CH4": {"SAR": 21, "AR4": 25, "AR5": 28, "AR6": 27.9},
    "CH4_fossil": {"AR5": 30, "AR6": 29.8},
    "CH4_nonfossil": {"AR6": 27.0},
    "N2O": {"SAR": 310, "AR4": 298, "AR5": 265, "AR6": 273},
    "SF6": {"SAR": 23_900, "AR4": 22_800, "AR5": 23_500, "AR6": 25_200},
    "NF3": {"AR4": 17_200, "AR5": 16_100, "AR6": 17_400},
    "HFC-134a": {"AR4": 1_430, "AR5": 1_300, "AR6": 1_530},
    "HFC-32": {"AR4": 675, "AR5": 677, "AR6": 771},
    "HFC-23": {"AR4": 14_800, "AR5": 12_400, "AR6": 14_600},
    "CF4": {"AR4": 7_390, "AR5": 6_630, "AR6": 7_380},
    "C2F6": {"AR4": 12_200, "AR5": 11_100, "AR6": 12_400},
}


@pytest.mark.parametrize(("gas", "gwp_set"), [(g, s) for g, sets in GWP.items() for s in sets])
def test_gwp_against_domain(lib: FactorLibrary, gas: str, gwp_set: str) -> None:
    f = lib.gwp(gas, gwp_set)
    assert (f.value, f.unit, f.geography, f.data_year) == (GWP[gas][gwp_set], "1", "global", None)


def test_no_fossil_methane_in_sets_that_do_not_give_one(lib: FactorLibrary) -> None:
    assert [f.scheme for f in lib.select(family="gwp", subject="CH4_fossil")] == ["AR5", "AR6"]
    assert [f.scheme for f in lib.select(family="gwp", subject="CH4_nonfossil")] == ["AR6"]


def test_hfc134a_ar6_records_the_1526_variant(lib: FactorLibrary) -> None:
    assert "1526" in lib.gwp("HFC-134a", "AR6").note


@pytest.fixture(scope="module")
def gwp_package() -> dict[tuple[str, str], float]:
    """GWP100 values of globalwarmingpotentials 0.13.2 (CC0), keyed (species, set)."""
    import pandas as pd

    path = ir.files("globalwarmingpotentials") / "globalwarmingpotentials.csv"
    with path.open(encoding="utf-8") as fh:
        frame = pd.read_csv(fh, comment="#", index_col=0)
    columns = {"SAR": "SARGWP100", "AR4": "AR4GWP100", "AR5": "AR5GWP100", "AR6": "AR6GWP100"}
    return {
        (species, gwp_set): float(frame.loc[species, col])
        for species in frame.index
        for gwp_set, col in columns.items()
        if not math.isnan(float(frame.loc[species, col]))
    }


def test_gwp_against_globalwarmingpotentials_package(
    lib: FactorLibrary, gwp_package: dict[tuple[str, str], float]
) -> None:
    checked = 0
    for f in lib.select(family="gwp"):
        species = f.subject.replace("-", "")
        if (species, f.scheme) in gwp_package:
            assert f.value == gwp_package[(species, f.scheme)], f.factor_id
            checked += 1
    assert checked >= 55  # all but CO2 and the CH4 fossil/non-fossil variants


def test_gwp_gases_with_no_package_counterpart_come_from_domain(lib: FactorLibrary) -> None:
    for f in lib.select(family="gwp"):
        if "globalwarmingpotentials" in f.note:
            assert f.confidence == "R"
        else:
            assert f.subject in GWP and f.scheme in GWP[f.subject]
