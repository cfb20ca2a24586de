"""Refrigerant blend compositions and blend GWPs."""

from __future__ import annotations

import pytest

from lingtan.errors import FactorNotFoundError
from lingtan.factors import FactorLibrary, blend_gwp, refrigerant_blends


@pytest.fixture(scope="module")
def lib() -> FactorLibrary:
    return FactorLibrary.packaged()


def test_compositions_are_ashrae_34() -> None:
    # ANSI/ASHRAE Standard 34-2019 nominal mass compositions
    # (as transcribed in openscm-units 0.6.3, openscm_units/data/mixtures.py).
    got = {name: {c.gas: c.mass_fraction for c in parts}
           for name, parts in refrigerant_blends().items()}
    assert got == {
        "R-410A": {"HFC-32": 0.50, "HFC-125": 0.50},
        "R-407C": {"HFC-32": 0.23, "HFC-125": 0.25, "HFC-134a": 0.52},
        "R-404A": {"HFC-125": 0.44, "HFC-143a": 0.52, "HFC-134a": 0.04},
    }
    for parts in refrigerant_blends().values():
        assert sum(c.mass_fraction for c in parts) == pytest.approx(1.0)
        assert all("ASHRAE Standard 34" in c.source for c in parts)


@pytest.mark.parametrize(("blend", "published_ar4"), [("R-410A", 2088), ("R-407C", 1774),
                                                      ("R-404A", 3922)])
def test_blend_gwp_reproduces_published_ar4_values(
    lib: FactorLibrary, blend: str, published_ar4: int
) -> None:
    # AR4 blend GWPs of the US EPA GHG Emission Factors Hub, as shipped in
    # atomic6ghg 1.1.1 factors/source_data/refrigerants_gwp_factors.json
    # (an independent table: it lists blends, not compositions).
    assert round(blend_gwp(lib, blend, "AR4")) == published_ar4


def test_every_blend_component_has_a_gwp_in_ar4_ar5_ar6(lib: FactorLibrary) -> None:
    for parts in refrigerant_blends().values():
        for c in parts:
            for gwp_set in ("AR4", "AR5", "AR6"):
                assert lib.gwp(c.gas, gwp_set).value > 0


def test_unknown_blend_is_named(lib: FactorLibrary) -> None:
    with pytest.raises(FactorNotFoundError, match=r"R-22.*R-404A, R-407C, R-410A"):
        blend_gwp(lib, "R-22", "AR5")


def test_blend_gwp_uses_only_the_requested_set(lib: FactorLibrary) -> None:
    # SAR values of HFC-32 and HFC-125 (globalwarmingpotentials 0.13.2).
    assert blend_gwp(lib, "R-410A", "SAR") == pytest.approx(0.5 * 650 + 0.5 * 2800)
    with pytest.raises(FactorNotFoundError):
        blend_gwp(lib, "R-410A", "TAR")
