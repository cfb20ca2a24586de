"""Units at the boundary: parse ledger spellings, convert once to canonical units.

Engines work in plain numbers whose names carry the unit (``energy_kwh``,
``mass_t``); conversion happens here, when data enters lingtan (DESIGN.md,
"Units are explicit"). pint does the arithmetic; this module adds the units
pint lacks and the Chinese spellings found in factory ledgers.

Added definitions
-----------------
- ``tce`` (吨标准煤, tonne of coal equivalent) = 29.3076 GJ = 7 000 kcal/kgce
  (GB/T 2589-2020, 3.x; domain.md §0). ``kgce`` = 10^-3 tce.
- ``Nm3`` (标准立方米, normal cubic metre): gas volume at the reference conditions
  its ledger states. lingtan treats it as m3 and never corrects for temperature
  or pressure; gas volumes in ``m3`` are assumed to be at the same conditions.
- ``万`` (10^4) and ``亿`` (10^8) multipliers in front of any unit
  (``万kWh``, ``万Nm3``), and the spellings ``10^4 Nm3`` / ``1e4 Nm3``.

Canonical units
---------------
=========== ============== =================================
dimension   canonical      used for
=========== ============== =================================
energy      ``kWh``        electricity (and any energy reading)
mass        ``t``          fuels, gases
volume      ``m3``         gaseous fuels, water
=========== ============== =================================
Heat is energy as well; engines that need GJ convert with :func:`convert`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import pint

from lingtan.errors import UnitError

Dimension = Literal["energy", "mass", "volume", "dimensionless"]

CANONICAL_UNIT: dict[Dimension, str] = {
    "energy": "kWh",
    "mass": "t",
    "volume": "m3",
    "dimensionless": "1",
}

_ureg: pint.UnitRegistry = pint.UnitRegistry(cache_folder=None)
_ureg.define("tonne_coal_equivalent = 29.3076 * gigajoule = tce")
_ureg.define("kilogram_coal_equivalent = 1e-3 * tonne_coal_equivalent = kgce")
_ureg.define("gram_coal_equivalent = 1e-6 * tonne_coal_equivalent = gce")
_ureg.define("normal_cubic_meter = meter ** 3 = Nm3")

#: Spellings (after removing spaces) mapped to a pint expression.
_ALIASES: dict[str, str] = {
    # electricity / energy
    "kWh": "kilowatt_hour", "kwh": "kilowatt_hour", "KWH": "kilowatt_hour",
    "kW·h": "kilowatt_hour", "kW.h": "kilowatt_hour", "千瓦时": "kilowatt_hour",
    "度": "kilowatt_hour", "Wh": "watt_hour", "MWh": "megawatt_hour",
    "兆瓦时": "megawatt_hour", "GWh": "gigawatt_hour", "吉瓦时": "gigawatt_hour",
    "J": "joule", "kJ": "kilojoule", "MJ": "megajoule", "兆焦": "megajoule",
    "GJ": "gigajoule", "吉焦": "gigajoule", "百万千焦": "gigajoule", "TJ": "terajoule",
    # mass
    "t": "tonne", "tonne": "tonne", "吨": "tonne", "kg": "kilogram",
    "千克": "kilogram", "公斤": "kilogram", "g": "gram", "克": "gram",
    # volume
    "m3": "meter**3", "m³": "meter**3", "立方米": "meter**3", "方": "meter**3",
    "Nm3": "normal_cubic_meter", "Nm³": "normal_cubic_meter",
    "标方": "normal_cubic_meter", "标准立方米": "normal_cubic_meter",
    "L": "liter", "l": "liter", "升": "liter",
    # standard coal
    "tce": "tonne_coal_equivalent", "吨标准煤": "tonne_coal_equivalent",
    "吨标煤": "tonne_coal_equivalent", "kgce": "kilogram_coal_equivalent",
    "千克标准煤": "kilogram_coal_equivalent", "千克标煤": "kilogram_coal_equivalent",
    "gce": "gram_coal_equivalent", "克标准煤": "gram_coal_equivalent",
    # counts and pure numbers
    "1": "dimensionless", "": "dimensionless",
}

_MULTIPLIERS: tuple[tuple[str, float], ...] = (
    ("万", 1e4), ("亿", 1e8), ("10^4", 1e4), ("10⁴", 1e4), ("1e4", 1e4), ("10^3", 1e3),
)

_DIMENSIONALITY: dict[Dimension, pint.util.UnitsContainer] = {
    "energy": _ureg.kilowatt_hour.dimensionality,
    "mass": _ureg.tonne.dimensionality,
    "volume": (_ureg.meter**3).dimensionality,
    "dimensionless": _ureg.dimensionless.dimensionality,
}


@dataclass(frozen=True)
class ParsedUnit:
    """A unit string resolved to a multiplier times a pint unit.

    ``万kWh`` parses to ``multiplier=1e4`` and ``unit=kilowatt_hour``.
    """

    text: str
    multiplier: float
    unit: pint.Unit

    @property
    def dimension(self) -> Dimension | None:
        """Named dimension of the unit, or ``None`` if it is none of ours."""
        for name, dims in _DIMENSIONALITY.items():
            if self.unit.dimensionality == dims:
                return name
        return None


@lru_cache(maxsize=512)
def parse_unit(text: str) -> ParsedUnit:
    """Parse a unit as written in a ledger.

    Parameters
    ----------
    text : str
        ``"kWh"``, ``"万kWh"``, ``"10^4 Nm3"``, ``"吨"``, ``"kgce"``…

    Returns
    -------
    ParsedUnit

    Raises
    ------
    UnitError
        If the spelling is not known.
    """
    compact = re.sub(r"\s+", "", str(text))
    multiplier = 1.0
    for prefix, factor in _MULTIPLIERS:
        if compact.startswith(prefix) and compact != prefix:
            multiplier, compact = factor, compact[len(prefix):].lstrip("*·")
            break
    expr = _ALIASES.get(compact)
    if expr is None:
        raise UnitError(f"unknown unit {text!r}; known spellings: {', '.join(known_units())}")
    return ParsedUnit(text=str(text), multiplier=multiplier, unit=_ureg.Unit(expr))


def known_units() -> list[str]:
    """All accepted base spellings (each may also take a 万/亿/10^4 multiplier)."""
    return sorted(k for k in _ALIASES if k not in ("", "1"))


def factor_to(from_unit: str, to_unit: str) -> float:
    """Multiplier that converts a number in ``from_unit`` to ``to_unit``.

    Raises
    ------
    UnitError
        If either unit is unknown or the dimensions differ.
    """
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    try:
        ratio = float(_ureg.Quantity(1.0, src.unit).to(dst.unit).magnitude)
    except pint.DimensionalityError as exc:
        raise UnitError(
            f"cannot convert {from_unit!r} ({src.dimension or src.unit.dimensionality}) "
            f"to {to_unit!r} ({dst.dimension or dst.unit.dimensionality})"
        ) from exc
    return ratio * src.multiplier / dst.multiplier


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` from one unit to another (``convert(1, "万kWh", "MWh") == 10``)."""
    return value * factor_to(from_unit, to_unit)


def dimension_of(unit: str) -> Dimension:
    """Named dimension of ``unit``; :class:`UnitError` if it has none of ours."""
    parsed = parse_unit(unit)
    if parsed.dimension is None:
        raise UnitError(f"unit {unit!r} is not an energy, mass or volume unit")
    return parsed.dimension


def to_canonical_factor(unit: str, expected: Dimension | tuple[Dimension, ...]) -> float:
    """Multiplier from ``unit`` to the canonical unit of its dimension, checking the dimension.

    Parameters
    ----------
    unit : str
        Unit as given in the data package.
    expected : Dimension or tuple of Dimension
        Dimension(s) that the carrier or category admits.

    Raises
    ------
    UnitError
        If the unit is unknown or its dimension is not among ``expected``
        (e.g. ``kWh`` for a gas volume).
    """
    allowed = (expected,) if isinstance(expected, str) else expected
    dim = dimension_of(unit)
    if dim not in allowed:
        raise UnitError(
            f"unit {unit!r} is a unit of {dim}, expected {' or '.join(allowed)}"
        )
    return factor_to(unit, CANONICAL_UNIT[dim])
