"""Instruments held by a site at the end of a reporting year, per kind and per lot.

The site's ledger is replayed from the workspace (:func:`~lingtan.instruments.store.site_ledger`)
and its balances are taken as of 31 December of ``year``
(:meth:`~lingtan.instruments.ledger.LedgerState.balances`): only events up to that day
count, and a GEC still held after its validity counts as expired [1]_. Quantities are in
the kind's unit (``UNIT_BY_KIND``: MWh for ``gec`` and ``green_power``, tCO2e for
credits). ``claimed_for_year`` is every retirement claimed for ``year``, whenever it was
made — a retirement in the first months of the next year is claimed for ``year`` but its
lot is still held on ``as_of`` — so it equals the inventory's ``instruments_claimed``.

``issuable_gec`` gives, month by month, the GECs the site's own generation meters (role
``generation``) qualify for: 1 GEC per MWh of metered generation, the remainder below
1 MWh carried to the next month, also from December into January [1]_
(:func:`~lingtan.instruments.gec.issue_monthly`).

References
----------
.. [1] 国家能源局《可再生能源绿色电力证书核发和交易规则》(2024-09-05), domain.md §6.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import duckdb

from lingtan.accounting.inventory import load_site
from lingtan.instruments.balances import Balance
from lingtan.instruments.events import UNIT_BY_KIND, Retire
from lingtan.instruments.gec import KWH_PER_CERTIFICATE, issue_monthly
from lingtan.instruments.ledger import LedgerState, Lot
from lingtan.instruments.store import monthly_generation_kwh, site_ledger

SCHEMA = "lingtan.instruments/1"


@dataclass(frozen=True)
class KindHolding:
    """Totals of one instrument kind on ``as_of``, all in ``unit`` (MWh or tCO2e)."""

    kind: str
    unit: str
    acquired: float
    held: float
    transferred: float
    retired: float
    claimed_for_year: float
    expired: float
    cancelled: float


@dataclass(frozen=True)
class LotHolding(KindHolding):
    """One lot on ``as_of``: its totals, what it is and whether its validity has passed."""

    lot_id: str
    generation_month: str | None
    vintage: int | None
    valid_until: date | None  # GECs only
    is_expired: bool  # the GEC's validity ended before as_of
    tradable: bool  # false: GECs of self-consumed generation or pre-2023 conventional hydro


@dataclass(frozen=True)
class IssuableMonth:
    """GECs the site's metered generation qualifies for in one month [MWh, certificates]."""

    month: str  # YYYY-MM
    generation_mwh: float
    carried_in_mwh: float  # remainder below 1 MWh from the months before
    certificates: int  # floor(carried_in_mwh + generation_mwh), 1 GEC = 1 MWh
    carried_mwh: float  # remainder passed to the next month


@dataclass(frozen=True)
class Holdings:
    """Result of :func:`holdings`; :meth:`to_dict` gives the ``lingtan.instruments/1`` document."""

    site_id: str
    year: int
    as_of: date
    by_kind: dict[str, KindHolding] = field(default_factory=dict)
    lots: list[LotHolding] = field(default_factory=list)
    issuable_gec: list[IssuableMonth] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON document (docs/instruments.md, docs/cli.md)."""
        lots = [{**asdict(lot), "valid_until": _iso(lot.valid_until)} for lot in self.lots]
        return {"schema": SCHEMA, "site": self.site_id, "year": self.year,
                "as_of": self.as_of.isoformat(),
                "by_kind": {k: asdict(v) for k, v in self.by_kind.items()}, "lots": lots,
                "issuable_gec": [asdict(m) for m in self.issuable_gec]}


def holdings(con: duckdb.DuckDBPyConnection, year: int, *,
             site_id: str | None = None) -> Holdings:
    """Instruments acquired, held, transferred, retired, expired and cancelled by 31 Dec ``year``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    year : int
        Reporting year; balances are as of ``date(year, 12, 31)``.
    site_id : str, optional
        Site; ``None`` for the only site of the workspace.

    Raises
    ------
    lingtan.errors.NoDataError
        If the workspace has no such site. A site without instruments is not an error:
        its ``by_kind`` and ``lots`` are empty.
    lingtan.instruments.LedgerError
        If the stored instruments break a ledger rule.
    """
    site = load_site(con, site_id)
    state, _ = site_ledger(con, site.id)
    as_of = date(year, 12, 31)
    balances = state.balances(as_of=as_of)
    lots = [_lot_holding(state.lots[lot_id], balance, year, as_of)
            for lot_id, balance in balances.by_lot.items()]
    claimed = {lot.acquire.kind for lot in state.lots.values() if _claimed(lot, year)}
    by_kind = {kind: _kind_holding(kind, balances.by_kind.get(kind), state, year)
               for kind in sorted(set(balances.by_kind) | claimed)}
    generation = monthly_generation_kwh(con, site.id, site.timezone, year)
    return Holdings(site.id, year, as_of, by_kind, lots, issuable_gec(generation, year))


def issuable_gec(generation_kwh_by_month: dict[str, float], year: int) -> list[IssuableMonth]:
    """The months of ``year`` from :func:`~lingtan.instruments.gec.issue_monthly`.

    Parameters
    ----------
    generation_kwh_by_month : dict[str, float]
        Metered generation per ``YYYY-MM`` month [kWh], from any earlier month on: the
        remainder carried into January comes from the months before.
    year : int
        The months shown.
    """
    out: list[IssuableMonth] = []
    carried_kwh = 0.0
    for month, certificates, carry_kwh in issue_monthly(generation_kwh_by_month):
        if month.startswith(f"{year:04d}-"):
            out.append(IssuableMonth(
                month, _mwh(generation_kwh_by_month[month]), _mwh(carried_kwh), certificates,
                _mwh(carry_kwh)))
        carried_kwh = carry_kwh
    return out


def _mwh(kwh: float) -> float:
    return round(kwh / KWH_PER_CERTIFICATE, 9)


def _claimed(lot: Lot, year: int) -> float:
    """Retired from ``lot`` and claimed for ``year``, whenever retired."""
    return float(sum(t.quantity for t in lot.disposals
                     if isinstance(t.event, Retire) and t.event.claimed_year == year))


def _lot_holding(lot: Lot, balance: Balance, year: int, as_of: date) -> LotHolding:
    a, last = lot.acquire, lot.valid_until
    return LotHolding(lot_id=a.lot_id, kind=a.kind, unit=balance.unit,
                      generation_month=a.generation_month, vintage=a.vintage,
                      **_quantities(balance), claimed_for_year=_claimed(lot, year),
                      valid_until=last, is_expired=last is not None and as_of > last,
                      tradable=a.tradable)


def _kind_holding(kind: str, balance: Balance | None, state: LedgerState,
                  year: int) -> KindHolding:
    b = balance if balance is not None else Balance(UNIT_BY_KIND[kind])
    return KindHolding(kind=kind, unit=b.unit, **_quantities(b),
                       claimed_for_year=float(state.retired_for_year(year, kind=kind)))


def _quantities(b: Balance) -> dict[str, float]:
    return {f: float(getattr(b, f)) for f in
            ("acquired", "held", "transferred", "retired", "expired", "cancelled")}


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
