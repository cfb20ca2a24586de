"""Replay instrument events into a ledger state; reject what the rules forbid.

Events are sorted by ``(date, event type, event id)`` — types in the order acquire,
transfer, retire, expire, cancel — so any input order gives the same state and the same
error. Rules checked, with their sources:

- a GEC may be sold and used only once, so a serial is retired once and serial ranges
  of different lots never overlap [1]_;
- a GEC cannot be used after its validity (24 months from the generation month, or
  2025-12-31 for generation before 2024) [1]_;
- GECs for self-consumed generation are issued but not tradable [2]_: they may be
  retired by their holder, not transferred or retired for another party;
- nothing is transferred or retired beyond what the lot still holds, and a retirement is
  claimed for one reporting year only (no double counting, domain.md §6).

References
----------
.. [1] 国家能源局《可再生能源绿色电力证书核发和交易规则》(2024-09-05), domain.md §6.
.. [2] 发改能源〔2023〕1044号 (2023-08-03), domain.md §6.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from lingtan.instruments.balances import Balance, Balances, lot_balance
from lingtan.instruments.errors import (
    DoubleClaimError,
    DoubleRetirementError,
    ExpiredCertificateError,
    InsufficientHoldingError,
    LedgerError,
    LotError,
    NotTradableError,
    SerialConflictError,
)
from lingtan.instruments.events import Acquire, Cancel, Disposal, Event, Expire, Retire, Transfer
from lingtan.instruments.gec import valid_until
from lingtan.instruments.serials import Intervals, first_overlap, remove, size, take_lowest

#: Order of event types on the same day.
TYPE_ORDER: dict[type, int] = {Acquire: 0, Transfer: 1, Retire: 2, Expire: 3, Cancel: 4}
_EPS = 1e-9


def sort_key(event: Event) -> tuple[date, int, str]:
    """Deterministic replay order: ``(date, event type, event id)``."""
    return event.on, TYPE_ORDER[type(event)], event.event_id


@dataclass(frozen=True)
class Taken:
    """One disposal as applied: the event, its quantity and the serial numbers it took."""

    event: Transfer | Retire | Expire | Cancel
    quantity: float
    serials: Intervals = ()


@dataclass(frozen=True)
class Lot:
    """A lot: its acquisition and the disposals applied to it, in replay order."""

    acquire: Acquire
    disposals: tuple[Taken, ...] = ()
    free: Intervals = ()

    @property
    def held(self) -> float:
        """Quantity still held, in the lot's unit."""
        return self.acquire.quantity - sum(t.quantity for t in self.disposals)

    @property
    def valid_until(self) -> date | None:
        """Last valid day of a GEC lot; ``None`` for other kinds."""
        month = self.acquire.generation_month
        return valid_until(month) if self.acquire.kind == "gec" and month else None


@dataclass(frozen=True)
class LedgerState:
    """The result of a replay: every lot and what happened to it."""

    lots: Mapping[str, Lot]

    def balances(self, as_of: date | None = None) -> Balances:
        """Held, transferred, retired, expired and cancelled per lot and per kind.

        Parameters
        ----------
        as_of : datetime.date, optional
            Count only events on or before this day, and report GECs still held after
            their validity as expired. ``None``: every event, no derived expiry.
        """
        by_lot = {lot_id: lot_balance(lot.acquire, [(t.event, t.quantity) for t in
                                                     lot.disposals], lot.valid_until, as_of)
                  for lot_id, lot in self.lots.items()
                  if as_of is None or lot.acquire.on <= as_of}
        by_kind: dict[str, Balance] = {}
        for lot_id, balance in by_lot.items():
            kind = self.lots[lot_id].acquire.kind
            by_kind[kind] = by_kind[kind] + balance if kind in by_kind else balance
        return Balances(by_lot=by_lot, by_kind=dict(sorted(by_kind.items())))

    def retirements(self) -> list[tuple[Lot, Taken]]:
        """Every retirement with its lot, in replay order of the lots."""
        return [(lot, t) for lot in self.lots.values() for t in lot.disposals
                if isinstance(t.event, Retire)]

    def retired_for_year(self, year: int, kind: str | None = None) -> float:
        """Total retired and claimed for reporting ``year``, optionally of one ``kind``."""
        return sum(t.quantity for lot, t in self.retirements()
                   if isinstance(t.event, Retire) and t.event.claimed_year == year
                   and (kind is None or lot.acquire.kind == kind))


class Ledger:
    """Entry point: :meth:`replay` a list of events into a :class:`LedgerState`."""

    @staticmethod
    def replay(events: Iterable[Event]) -> LedgerState:
        """Apply ``events`` in :func:`sort_key` order; raise a ``LedgerError`` on a breach."""
        ordered = sorted(events, key=sort_key)
        _check_unique_ids(ordered)
        lots: dict[str, Lot] = {}
        for event in ordered:
            try:
                lots[event.lot_id] = _apply(lots, event)
            except LedgerError as exc:
                exc.lot_id = exc.lot_id or event.lot_id  # the lot a breach is pinned on
                raise
        return LedgerState(dict(sorted(lots.items())))


def replay(events: Iterable[Event]) -> LedgerState:
    """Same as :meth:`Ledger.replay`."""
    return Ledger.replay(events)


def _apply(lots: dict[str, Lot], event: Event) -> Lot:
    if isinstance(event, Acquire):
        return _acquire(lots, event)
    return _dispose(_lot_for(lots, event), event)


def _check_unique_ids(ordered: list[Event]) -> None:
    seen: set[str] = set()
    for event in ordered:
        if event.event_id in seen:
            raise LotError(f"event id {event.event_id} is used twice", lot_id=event.lot_id)
        seen.add(event.event_id)


def _acquire(lots: dict[str, Lot], event: Acquire) -> Lot:
    if event.lot_id in lots:
        raise LotError(f"lot {event.lot_id} is acquired twice (event {event.event_id})")
    if event.serials is not None:
        for other in lots.values():
            if other.acquire.serials is not None and event.serials.overlaps(other.acquire.serials):
                first = max(event.serials.start, other.acquire.serials.start)
                raise SerialConflictError(
                    f"lot {event.lot_id} ({event.serials}) overlaps lot {other.acquire.lot_id} "
                    f"({other.acquire.serials}) at serial {event.serials.label(first)}",
                    lot_id=event.lot_id, other_lot_id=other.acquire.lot_id)
    free = event.serials.intervals() if event.serials is not None else ()
    return Lot(acquire=event, free=free)


def _lot_for(lots: dict[str, Lot], event: Disposal) -> Lot:
    if event.lot_id not in lots:
        raise LotError(f"event {event.event_id} on {event.on}: lot {event.lot_id} "
                       "is not held (never acquired, or acquired later)")
    return lots[event.lot_id]


def _dispose(lot: Lot, event: Transfer | Retire | Expire | Cancel) -> Lot:
    _check_tradable(lot, event)
    _check_validity(lot, event)
    serials = _take_serials(lot, event)
    quantity = event.quantity if event.quantity is not None else lot.held
    whole = lot.acquire.serials is not None or lot.acquire.kind == "gec"
    if whole and abs(quantity - round(quantity)) > _EPS:
        raise LedgerError(f"event {event.event_id}: lot {lot.acquire.lot_id} is counted in "
                          f"whole certificates, not {quantity:g}")
    if quantity > lot.held + _EPS:
        raise InsufficientHoldingError(
            f"lot {lot.acquire.lot_id}: {type(event).__name__.lower()} {event.event_id} of "
            f"{quantity:g} {lot.acquire.unit} on {event.on} exceeds the "
            f"{lot.held:g} {lot.acquire.unit} held")
    if lot.acquire.serials is not None and not serials:
        serials, free = take_lowest(lot.free, round(quantity))
    else:
        free = _remaining(lot, serials)
    taken = Taken(event=event, quantity=float(quantity), serials=serials)
    return dataclasses.replace(lot, disposals=(*lot.disposals, taken), free=free)


def _remaining(lot: Lot, serials: Intervals) -> Intervals:
    free = lot.free
    for lo, hi in serials:
        left = remove(free, lo, hi)
        if left is None:  # pragma: no cover - _take_serials checked this
            raise LedgerError(f"serials {lo}…{hi} of lot {lot.acquire.lot_id} are not held")
        free = left
    return free


def _check_tradable(lot: Lot, event: Disposal) -> None:
    if lot.acquire.tradable:
        return
    other = event.to if isinstance(event, Transfer) else (
        event.beneficiary if isinstance(event, Retire) else None)
    if other is not None and other != lot.acquire.holder:
        raise NotTradableError(
            f"lot {lot.acquire.lot_id} is not tradable (e.g. self-consumed generation): "
            f"{type(event).__name__.lower()} {event.event_id} on {event.on} to {other} "
            f"is not allowed; only {lot.acquire.holder} may retire it")


def _check_validity(lot: Lot, event: Disposal) -> None:
    last = lot.valid_until
    if last is not None and isinstance(event, Transfer | Retire) and event.on > last:
        raise ExpiredCertificateError(
            f"lot {lot.acquire.lot_id}: GEC generated in {lot.acquire.generation_month} "
            f"expired after {last}; {type(event).__name__.lower()} {event.event_id} "
            f"on {event.on} is rejected")


def _take_serials(lot: Lot, event: Disposal) -> Intervals:
    """The serial numbers an event names, checked against the lot; ``()`` if none named."""
    wanted = event.serials
    if wanted is None:
        return ()
    own = lot.acquire.serials
    if own is None or not own.contains(wanted):
        raise SerialConflictError(f"event {event.event_id}: serials {wanted} are not part "
                                  f"of lot {lot.acquire.lot_id} ({own or 'no serials'})")
    if remove(lot.free, wanted.start, wanted.end) is None:
        _raise_conflict(lot, event, wanted.start, wanted.end)
    return wanted.intervals()


def _raise_conflict(lot: Lot, event: Disposal, start: int, end: int) -> None:
    own = lot.acquire.serials
    assert own is not None
    for earlier in lot.disposals:
        number = first_overlap(earlier.serials, start, end)
        if number is None:
            continue
        prior = earlier.event
        where = (f"serial {own.label(number)} of lot {lot.acquire.lot_id}: "
                 f"{type(event).__name__.lower()} {event.event_id} on {event.on}")
        if isinstance(prior, Retire) and isinstance(event, Retire):
            if prior.claimed_year != event.claimed_year:
                raise DoubleClaimError(f"{where} claims it for {event.claimed_year}, but "
                                       f"{prior.event_id} on {prior.on} already claimed it "
                                       f"for {prior.claimed_year}")
            raise DoubleRetirementError(f"{where}, but it was already retired by "
                                        f"{prior.event_id} on {prior.on}")
        raise SerialConflictError(f"{where}, but it already left the lot by "
                                  f"{type(prior).__name__.lower()} {prior.event_id} "
                                  f"on {prior.on}")
    raise SerialConflictError(  # pragma: no cover - every taken serial has a disposal
        f"serials {start}…{end} of lot {lot.acquire.lot_id} are not held ({size(lot.free)} free)")
