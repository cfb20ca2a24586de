"""Refrigerant blends: mass composition and the GWP that follows from it.

A blend such as R-410A is not a gas with its own GWP: its GWP is the
mass-weighted sum of its components' GWPs in the chosen set,

.. math:: GWP_{blend} = \\sum_i w_i \\, GWP_i

where :math:`w_i` is the mass fraction of component *i* in the designation of
ANSI/ASHRAE Standard 34 (``refrigerant_blends.csv``). Fugitive emissions of a
blend can equally be split into component masses and each multiplied by its
own GWP; the result is the same.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from lingtan.errors import FactorNotFoundError
from lingtan.factors.library import FactorLibrary

__all__ = ["BlendComponent", "blend_gwp", "refrigerant_blends"]


@dataclass(frozen=True)
class BlendComponent:
    """One component of a refrigerant blend.

    Parameters
    ----------
    gas : str
        Gas id as used by the ``gwp`` family (``HFC-32``).
    mass_fraction : float
        Nominal mass fraction, 0–1 (ASHRAE 34 composition).
    source : str
        Document the composition comes from.
    """

    gas: str
    mass_fraction: float
    source: str


@lru_cache(maxsize=1)
def refrigerant_blends() -> Mapping[str, tuple[BlendComponent, ...]]:
    """Packaged blend compositions (``refrigerant_blends.csv``), by blend name (read-only).

    Returns
    -------
    Mapping of str to tuple of BlendComponent
        ``{"R-410A": (BlendComponent("HFC-32", 0.5, …), …), …}``
    """
    text = (resources.files("lingtan.factors") / "data" / "refrigerant_blends.csv").read_text(
        encoding="utf-8"
    )
    blends: dict[str, list[BlendComponent]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        component = BlendComponent(row["component"], float(row["mass_fraction"]), row["source"])
        blends.setdefault(row["blend"], []).append(component)
    return MappingProxyType({name: tuple(parts) for name, parts in blends.items()})


def blend_gwp(library: FactorLibrary, blend: str, gwp_set: str) -> float:
    """GWP of a refrigerant blend, tCO2e per t of blend.

    Parameters
    ----------
    library : FactorLibrary
        Supplies the component GWPs (``library.gwp(gas, gwp_set)``).
    blend : str
        ASHRAE 34 designation, e.g. ``"R-410A"``.
    gwp_set : str
        ``"AR4"``, ``"AR5"``, ``"AR6"``…

    Returns
    -------
    float
        :math:`\\sum_i w_i \\, GWP_i`.

    Raises
    ------
    FactorNotFoundError
        If the blend is not packaged, or a component has no GWP in the set.
    """
    components = refrigerant_blends().get(blend)
    if components is None:
        known = ", ".join(sorted(refrigerant_blends()))
        raise FactorNotFoundError(f"no composition for refrigerant blend {blend!r}; known: {known}")
    return sum(c.mass_fraction * library.gwp(c.gas, gwp_set).value for c in components)
