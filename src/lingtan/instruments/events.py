"""Append-only events of the instrument ledger; balances are derived from them, never stored.

An ``Acquire`` opens a lot (a block of certificates, a green-power trade or a block of
credits); ``Transfer``, ``Retire``, ``Expire`` and ``Cancel`` each take part of a lot away.
Quantities are in the lot's unit: MWh for ``gec`` and ``green_power`` (1 GEC = 1 MWh [1]_),
tCO2e for ``ccer``, ``international_credit`` and ``removal`` [2]_. Each serial stands
for one unit.

References
----------
.. [1] 发改能源〔2023〕1044号 (2023-08-03); 国家能源局《可再生能源绿色电力证书核发和交易规则》
   (2024-09-05), domain.md §6.
.. [2] 生态环境部 市场监管总局《温室气体自愿减排交易管理办法（试行）》(2023-10), domain.md §6;
   instrument kinds as in domain.md §1.4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

from lingtan.instruments.errors import LedgerError
from lingtan.instruments.gec import parse_month
from lingtan.instruments.green_power import DeliveryProfile
from lingtan.instruments.serials import SerialRange, serial_range

__all__ = [
    "KINDS", "UNIT_BY_KIND", "Acquire", "Cancel", "Disposal", "Event", "Expire", "Kind",
    "Retire", "SerialRange", "Transfer", "serial_range",
]

Kind = Literal["gec", "green_power", "ccer", "international_credit", "removal"]
#: Instrument kinds, as in ``instruments.csv``.
KINDS: tuple[Kind, ...] = ("gec", "green_power", "ccer", "international_credit", "removal")
#: The one unit of each kind.
UNIT_BY_KIND: dict[str, str] = {
    "gec": "MWh", "green_power": "MWh",
    "ccer": "tCO2e", "international_credit": "tCO2e", "removal": "tCO2e",
}
_EPS = 1e-9


def _check_quantity(event_id: str, quantity: float, whole: bool) -> None:
    if not math.isfinite(quantity) or quantity <= 0:
        raise LedgerError(f"event {event_id}: quantity must be > 0, got {quantity}")
    if whole and abs(quantity - round(quantity)) > _EPS:
        raise LedgerError(f"event {event_id}: quantity {quantity} must be whole certificates")


@dataclass(frozen=True, kw_only=True)
class Acquire:
    """A lot comes into the holder's account (issuance, purchase, transfer in).

    Parameters
    ----------
    event_id, lot_id : str
        Unique ids of the event and of the lot it opens.
    on : datetime.date
        Date the lot is held from.
    kind : {"gec", "green_power", "ccer", "international_credit", "removal"}
    quantity : float
        Size of the lot, in ``unit``; whole certificates for ``gec``.
    unit : {"MWh", "tCO2e"}
        Must match the kind (any letter case is accepted).
    serials : SerialRange, optional
        Serial numbers; required length ``quantity`` when given.
    generation_month : str, optional
        ``YYYY-MM``; required for ``gec`` (validity runs from it).
    vintage : int, optional
        Year of the reductions or removals (credits).
    tradable : bool
        ``False`` for GECs of self-consumed generation or pre-2023 conventional hydro [1]_.
    holder : str
        Account that holds the lot; a non-tradable lot may only be retired for it.
    technology, province, registry, project_id, voucher_id : str, optional
        Descriptive; ``voucher_id`` is the green-power consumption voucher (绿色电力消费凭证).
    profile : DeliveryProfile, optional
        Hourly or monthly delivery of a ``green_power`` trade; totals ``quantity``.
    """

    event_id: str
    lot_id: str
    on: date
    kind: Kind
    quantity: float
    unit: str
    serials: SerialRange | None = None
    generation_month: str | None = None
    vintage: int | None = None
    tradable: bool = True
    holder: str = "self"
    technology: str | None = None
    province: str | None = None
    registry: str | None = None
    project_id: str | None = None
    voucher_id: str | None = None
    profile: DeliveryProfile | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise LedgerError(f"lot {self.lot_id}: unknown kind {self.kind!r}")
        expected = UNIT_BY_KIND[self.kind]
        if self.unit.strip().lower() != expected.lower():
            raise LedgerError(f"lot {self.lot_id}: a {self.kind} lot is in {expected}, "
                              f"not {self.unit!r}")
        object.__setattr__(self, "unit", expected)
        _check_quantity(self.event_id, self.quantity,
                        whole=self.kind == "gec" or self.serials is not None)
        if self.serials is not None and self.serials.count != round(self.quantity):
            raise LedgerError(f"lot {self.lot_id}: {self.serials.count} serials "
                              f"({self.serials}) for a quantity of {self.quantity} {expected}")
        if self.generation_month is not None:
            parse_month(self.generation_month)
        elif self.kind == "gec":
            raise LedgerError(f"lot {self.lot_id}: a GEC needs its generation_month")
        if self.profile is not None and abs(self.profile.total_mwh - self.quantity) > 1e-6:
            raise LedgerError(f"lot {self.lot_id}: delivery profile totals "
                              f"{self.profile.total_mwh} MWh, not {self.quantity} MWh")


@dataclass(frozen=True, kw_only=True)
class Disposal:
    """Part of a lot leaves the holding; the base of the four disposal events.

    Parameters
    ----------
    event_id, lot_id : str
        Unique event id; the lot disposed of.
    on : datetime.date
        Date of the event.
    quantity : float, optional
        In the lot's unit. ``None``: the number of ``serials`` if given, else (``Expire``
        and ``Cancel`` only) everything still held.
    serials : SerialRange, optional
        Which serials; by default the lowest serials still held.
    """

    event_id: str
    lot_id: str
    on: date
    quantity: float | None = None
    serials: SerialRange | None = None

    def __post_init__(self) -> None:
        if self.quantity is not None:
            _check_quantity(self.event_id, self.quantity, whole=self.serials is not None)
            if self.serials is not None and self.serials.count != round(self.quantity):
                raise LedgerError(f"event {self.event_id}: {self.serials.count} serials "
                                  f"({self.serials}) for a quantity of {self.quantity}")
        elif self.serials is not None:
            object.__setattr__(self, "quantity", float(self.serials.count))


def _require_quantity(event: Disposal) -> None:
    if event.quantity is None:
        raise LedgerError(f"event {event.event_id}: a quantity or serials are required")


@dataclass(frozen=True, kw_only=True)
class Transfer(Disposal):
    """Part of a lot is sold or handed to another account ``to``."""

    to: str = "other"

    def __post_init__(self) -> None:
        super().__post_init__()
        _require_quantity(self)


@dataclass(frozen=True, kw_only=True)
class Retire(Disposal):
    """Part of a lot is used (注销/核销) for a claim in reporting year ``claimed_year``.

    ``beneficiary`` is the account the claim is made for; ``None`` means the holder.
    """

    claimed_year: int
    beneficiary: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _require_quantity(self)


@dataclass(frozen=True, kw_only=True)
class Expire(Disposal):
    """Part of a lot lapses at the end of its validity (GEC: 24 months [1]_)."""


@dataclass(frozen=True, kw_only=True)
class Cancel(Disposal):
    """Part of a lot is cancelled by the registry (e.g. issued in error)."""


Event = Acquire | Transfer | Retire | Expire | Cancel
