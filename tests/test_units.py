"""Unit parsing and conversion at the boundary (lingtan.units)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtan.errors import InputError, UnitError
from lingtan.units import (
    convert,
    dimension_of,
    factor_to,
    known_units,
    parse_unit,
    to_canonical_factor,
)

#: (value, from, to, expected) — each expected value worked out by hand.
KNOWN = [
    (1, "万kWh", "MWh", 10.0),                  # 10^4 kWh = 10 MWh
    (1, "万kWh", "kWh", 1e4),
    (2.5, "MWh", "kWh", 2500.0),
    (1, "kWh", "MJ", 3.6),                      # 1 kWh = 3600 kJ
    (1, "tce", "GJ", 29.3076),                  # GB/T 2589: 7000 kcal/kgce
    (1000, "kgce", "tce", 1.0),
    (1, "kgce", "MJ", 29.3076),
    (1, "吨标准煤", "kgce", 1000.0),
    (1, "万Nm3", "m3", 1e4),
    (1, "10^4 Nm3", "m3", 1e4),
    (12000, "m3", "10^4 Nm3", 1.2),
    (3, "1e4 Nm3", "万Nm3", 3.0),
    (1, "亿kWh", "GWh", 100.0),
    (1, "吨", "kg", 1000.0),
    (5, "千克", "t", 0.005),
    (2, "公斤", "kg", 2.0),
    (7, "立方米", "m3", 7.0),
    (7, "方", "Nm3", 7.0),
    (1, "升", "m3", 1e-3),
    (1, "度", "kWh", 1.0),
    (1, "兆瓦时", "千瓦时", 1000.0),
    (1, "吉焦", "GJ", 1.0),
    (1, "GJ", "MJ", 1000.0),
    (1, "TJ", "GJ", 1000.0),
]


@pytest.mark.parametrize(("value", "src", "dst", "expected"), KNOWN)
def test_known_conversions(value: float, src: str, dst: str, expected: float) -> None:
    assert convert(value, src, dst) == pytest.approx(expected, rel=1e-12)


def test_multiplier_parses_apart_from_the_unit() -> None:
    parsed = parse_unit("万kWh")
    assert parsed.multiplier == 1e4
    assert parsed.dimension == "energy"
    assert parse_unit("10^4 Nm3").multiplier == 1e4
    assert parse_unit(" 10^4  Nm3 ").dimension == "volume"


@pytest.mark.parametrize(("unit", "dimension"), [
    ("kWh", "energy"), ("GJ", "energy"), ("tce", "energy"), ("吨", "mass"), ("kg", "mass"),
    ("m3", "volume"), ("万Nm3", "volume"), ("升", "volume"),
])
def test_dimension_of(unit: str, dimension: str) -> None:
    assert dimension_of(unit) == dimension


def test_to_canonical_factor_checks_dimension_and_scales() -> None:
    assert to_canonical_factor("MWh", "energy") == pytest.approx(1000.0)
    assert to_canonical_factor("万Nm3", "volume") == pytest.approx(1e4)
    assert to_canonical_factor("千克", ("mass", "volume")) == pytest.approx(1e-3)
    assert to_canonical_factor("GJ", "energy") == pytest.approx(1e6 / 3600)


def test_wrong_dimension_raises_unit_error() -> None:
    with pytest.raises(UnitError, match=r"kWh.*energy.*volume"):
        to_canonical_factor("kWh", "volume")
    with pytest.raises(UnitError, match="cannot convert"):
        convert(1, "kWh", "m3")
    with pytest.raises(UnitError):
        factor_to("t", "GJ")


@pytest.mark.parametrize("unit", ["furlong", "kWhh", "万", "10^4", "吨吨", "m^3x"])
def test_unknown_unit_raises(unit: str) -> None:
    with pytest.raises(UnitError, match="unknown unit"):
        parse_unit(unit)


def test_unit_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        convert(1, "parsec", "kWh")
    assert issubclass(UnitError, InputError)


def test_known_units_lists_chinese_spellings() -> None:
    names = known_units()
    for spelling in ("kWh", "吨", "千克", "立方米", "tce", "kgce", "Nm3"):
        assert spelling in names


_SAME_DIMENSION = {
    "energy": ["kWh", "MWh", "万kWh", "GJ", "MJ", "tce", "kgce", "度"],
    "mass": ["t", "kg", "吨", "千克", "g"],
    "volume": ["m3", "Nm3", "万Nm3", "10^4 Nm3", "立方米", "L"],
}
_PAIRS = [(a, b) for units in _SAME_DIMENSION.values() for a in units for b in units]


@given(x=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
       pair=st.sampled_from(_PAIRS))
def test_round_trip_is_identity(x: float, pair: tuple[str, str]) -> None:
    a, b = pair
    back = convert(convert(x, a, b), b, a)
    assert math.isclose(back, x, rel_tol=1e-12, abs_tol=1e-9)
