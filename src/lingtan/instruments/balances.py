"""Balances derived from a lot and its disposals; never stored.

``held = acquired − transferred − retired − expired − cancelled`` in the lot's unit
(MWh or tCO2e). With an ``as_of`` date, a GEC still held after its validity counts as
expired (发改能源〔2023〕1044号; NEA GEC rules 2024-09-05: expired certificates are
cancelled, domain.md §6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from lingtan.instruments.events import Acquire, Cancel, Disposal, Expire, Retire, Transfer

_FIELD_BY_EVENT: dict[type, str] = {
    Transfer: "transferred", Retire: "retired", Expire: "expired", Cancel: "cancelled",
}


@dataclass(frozen=True)
class Balance:
    """Quantities of one lot or one kind, all in ``unit``."""

    unit: str
    acquired: float = 0.0
    transferred: float = 0.0
    retired: float = 0.0
    expired: float = 0.0
    cancelled: float = 0.0

    @property
    def held(self) -> float:
        """What is still held: acquired minus everything that left."""
        return self.acquired - self.transferred - self.retired - self.expired - self.cancelled

    def __add__(self, other: Balance) -> Balance:
        if other.unit != self.unit:
            raise ValueError(f"cannot add balances in {self.unit} and {other.unit}")
        return Balance(self.unit, *(getattr(self, f) + getattr(other, f) for f in
                                    ("acquired", "transferred", "retired", "expired",
                                     "cancelled")))


@dataclass(frozen=True)
class Balances:
    """Balances per lot id and per instrument kind."""

    by_lot: dict[str, Balance] = field(default_factory=dict)
    by_kind: dict[str, Balance] = field(default_factory=dict)


def lot_balance(acquire: Acquire, disposals: Sequence[tuple[Disposal, float]],
                valid_until: date | None, as_of: date | None) -> Balance:
    """Balance of one lot from its acquisition and ``(event, quantity)`` disposals."""
    totals = dict.fromkeys(_FIELD_BY_EVENT.values(), 0.0)
    for event, quantity in disposals:
        if as_of is None or event.on <= as_of:
            totals[_FIELD_BY_EVENT[type(event)]] += quantity
    balance = Balance(acquire.unit, acquire.quantity, **totals)
    if as_of is not None and valid_until is not None and as_of > valid_until:
        totals["expired"] += balance.held
        balance = Balance(acquire.unit, acquire.quantity, **totals)
    return balance
