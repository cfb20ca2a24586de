"""Inventory lines: one emission source in one view, with everything needed to trace it."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from lingtan.factors import Factor
from lingtan.store.workspace import canonical_json

#: ``view`` of a line that counts in every view (scope 1, heat).
ALL_VIEWS = "all"


@dataclass(frozen=True)
class Line:
    """One inventory line.

    Attributes
    ----------
    view : str
        ``all``, ``location``, ``market`` or ``ets``; a view's total is the sum of its
        lines and the ``all`` lines.
    scope : str
        ``"1"``, ``"2"`` or ``"memo"`` (biogenic CO2, reported apart, not in totals).
    category, source : str
        Emission category (``stationary_combustion``…) and fuel, gas or carrier.
    activity_quantity, activity_unit :
        Activity data as used by the formula (e.g. ``1.2`` ``10^4 Nm3``).
    factors : tuple of dict
        Every library factor used (id, value, unit, source, confidence, origin).
    emission_factor, emission_factor_unit :
        Effective factor: ``co2e_t / activity_quantity``.
    gwp : str or None
        GWP set for non-CO2 gases.
    co2e_t : float
        Emissions, tCO2e (negative for deducted exports).
    inputs : tuple of str
        Meter ids or activity ids the activity data came from.
    input_hash : str
        SHA-256 of the inputs' fingerprints (docs/conventions.md, "Input hash").
    """

    view: str
    scope: str
    category: str
    source: str
    activity_quantity: float
    activity_unit: str
    factors: tuple[dict[str, Any], ...]
    emission_factor: float
    emission_factor_unit: str
    gwp: str | None
    co2e_t: float
    inputs: tuple[str, ...]
    input_hash: str
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["factors"] = list(self.factors)
        out["inputs"] = list(self.inputs)
        return out


@dataclass
class Inputs:
    """Activity data gathered for one line, with the fingerprints of where it came from."""

    quantity: float = 0.0
    ids: list[str] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)

    def add(self, quantity: float, source_id: str, fingerprint: str) -> None:
        self.quantity += quantity
        self.ids.append(source_id)
        self.fingerprints.append(fingerprint)

    @classmethod
    def merged(cls, *parts: Inputs) -> Inputs:
        """One Inputs holding the quantities, ids and fingerprints of ``parts``."""
        out = cls()
        for part in parts:
            out.quantity += part.quantity
            out.ids += part.ids
            out.fingerprints += part.fingerprints
        return out

    def digest(self) -> str:
        return hashlib.sha256(canonical_json(sorted(self.fingerprints)).encode()).hexdigest()


def factor_ref(factor: Factor) -> dict[str, Any]:
    """The part of a factor every line repeats."""
    keys = ("factor_id", "family", "subject", "geography", "data_year", "scheme", "value",
            "unit", "source", "confidence", "origin")
    data = factor.as_dict()
    return {k: data[k] for k in keys}
