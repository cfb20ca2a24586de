"""Admit new lots into a site's ledger: which lots break it, each with its own reason.

A ledger rule can hold between lots (two serial ranges must not overlap [1]_), so a
breach found by :func:`~lingtan.instruments.ledger.replay` is pinned on one lot: the
lot whose event broke the rule, unless that lot is already admitted (``kept``) and the
other lot of the rule is a candidate — a stored lot keeps its serials. The pinned lot is
removed and the rest is replayed again, until the ledger replays without a breach; so
every lot named has its own breach, and a lot that only breaks the ledger once another is
removed is named too. The lots not named replay correctly together.

References
----------
.. [1] 国家能源局《可再生能源绿色电力证书核发和交易规则》(2024-09-05), domain.md §6.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

from lingtan.instruments.errors import (
    DoubleClaimError,
    ExpiredCertificateError,
    InsufficientHoldingError,
    LedgerError,
    LotError,
    NotTradableError,
    SerialConflictError,
)
from lingtan.instruments.events import Event
from lingtan.instruments.ledger import replay

#: The ``instruments.csv`` field a breach is reported on, by error class (first match).
FIELD_BY_ERROR: tuple[tuple[type[LedgerError], str], ...] = (
    (DoubleClaimError, "claimed_year"),
    (SerialConflictError, "serial_start"),
    (ExpiredCertificateError, "retired_on"),
    (NotTradableError, "tradable"),
    (InsufficientHoldingError, "quantity"),
    (LotError, "instrument_id"),
)


@dataclass(frozen=True)
class Breach:
    """One lot that cannot be admitted: its id, the field at fault and the reason."""

    lot_id: str
    field: str | None
    reason: str
    kept: bool  # the lot was already admitted (a stored lot): the ledger was broken before


def ledger_breaches(
    candidates: Mapping[str, Sequence[Event]], kept: Mapping[str, Sequence[Event]], *,
    origin: Mapping[str, str] | None = None,
) -> list[Breach]:
    """The lots to leave out so that ``kept`` and the other candidates replay correctly.

    Parameters
    ----------
    candidates : mapping of str to events
        Lot id → events of the lots to admit (new or changed rows of a package).
    kept : mapping of str to events
        Lot id → events of the lots already in the ledger (stored rows a candidate does
        not replace). A candidate with the same lot id replaces the kept lot.
    origin : mapping of str to str, optional
        Lot id → where a kept lot comes from (``"stored, batch 3"``), added to the reason
        when a candidate conflicts with it.

    Returns
    -------
    list of Breach
        In the order found; empty when every candidate can be admitted.
    """
    lots: dict[str, Sequence[Event]] = {k: v for k, v in kept.items() if k not in candidates}
    lots.update(candidates)
    pending = set(candidates)
    breaches: list[Breach] = []
    while lots:
        try:
            replay(chain.from_iterable(lots.values()))
        except LedgerError as exc:
            breach = _pin(exc, pending, lots, origin or {})
            breaches.append(breach)
            del lots[breach.lot_id]
            if breach.lot_id in pending and breach.lot_id in kept:
                lots[breach.lot_id] = kept[breach.lot_id]  # the stored version stays
            pending.discard(breach.lot_id)
            continue
        break
    return breaches


def _pin(exc: LedgerError, candidates: set[str], lots: Mapping[str, Sequence[Event]],
         origin: Mapping[str, str]) -> Breach:
    involved = [lot for lot in (exc.lot_id, exc.other_lot_id) if lot is not None and lot in lots]
    if not involved:  # pragma: no cover - the replay pins every breach on a lot it holds
        raise exc
    new = [lot for lot in involved if lot in candidates]
    lot_id = new[0] if new else involved[0]
    reason = str(exc)
    for other in involved:
        if other != lot_id and other not in candidates and other in origin:
            reason += f" — lot {other!r} is already in the ledger ({origin[other]})"
    field = next((name for cls, name in FIELD_BY_ERROR if isinstance(exc, cls)), None)
    return Breach(lot_id, field, reason, kept=lot_id not in candidates)
