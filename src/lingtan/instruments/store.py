"""The site's instrument ledger, replayed from the workspace's current ``instruments`` rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from lingtan.accounting.metered import READING_TYPE, SUM_TYPE, months_of_year
from lingtan.instruments.from_rows import events_from_rows
from lingtan.instruments.ledger import LedgerState, replay

#: The ``instruments.csv`` columns as stored (docs/data-package.md).
COLUMNS = ("instrument_id", "kind", "quantity", "unit", "generation_month", "vintage",
           "technology", "province", "tradable", "serial_start", "serial_end", "registry",
           "project_id", "retired_on", "claimed_year")


@dataclass(frozen=True)
class Claimed:
    """Retirements claimed for one reporting year, by kind, with their row hashes.

    ``lots_by_kind`` holds what may cover grid purchases in the market view;
    ``self_consumption`` the non-tradable GECs (self-consumed generation, 自发自用)
    claimed for the year, which may not (docs/instruments.md): ``quantity_by_kind``
    counts both.
    """

    year: int
    quantity_by_kind: dict[str, float] = field(default_factory=dict)
    lots_by_kind: dict[str, list[tuple[str, float, str]]] = field(default_factory=dict)
    self_consumption: list[tuple[str, float, str]] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """One warning per non-tradable GEC lot left out of the market view's cover."""
        return [f"GEC lot {lot_id!r} ({mwh:g} MWh claimed for {self.year}) is not tradable: "
                "GECs of self-consumed generation (自发自用) prove on-site consumption that is "
                "not in grid purchases, so they do not cover grid electricity in the market "
                "view (it would count that green power twice)"
                for lot_id, mwh, _ in self.self_consumption]


def current_rows(con: duckdb.DuckDBPyConnection, site_id: str) -> list[dict[str, Any]]:
    """The site's current ``instruments`` rows, with ``batch_id`` and ``row_sha256``."""
    names = (*COLUMNS, "batch_id", "row_sha256")
    cur = con.execute(f"SELECT {', '.join(names)} FROM instruments"
                      " WHERE site_id = ? AND is_current ORDER BY instrument_id", [site_id])
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def site_ledger(con: duckdb.DuckDBPyConnection, site_id: str) -> tuple[LedgerState, dict[str, str]]:
    """Replay the site's instruments; also return each lot's stored row hash.

    Raises
    ------
    lingtan.instruments.LedgerError
        If the stored instruments break a rule (double claim, expired GEC …).
    """
    rows = current_rows(con, site_id)
    hashes = {str(r["instrument_id"]): str(r["row_sha256"]) for r in rows}
    plain = [{k: r[k] for k in COLUMNS} for r in rows]
    return replay(events_from_rows(plain)), hashes


def claimed_for_year(con: duckdb.DuckDBPyConnection, site_id: str, year: int) -> Claimed:
    """Every retirement claimed for ``year``: quantity per kind and (lot, quantity, hash)."""
    state, hashes = site_ledger(con, site_id)
    claimed = Claimed(year)
    for lot, taken in state.retirements():
        if getattr(taken.event, "claimed_year", None) != year:
            continue
        kind, lot_id = lot.acquire.kind, lot.acquire.lot_id
        claimed.quantity_by_kind[kind] = claimed.quantity_by_kind.get(kind, 0.0) + taken.quantity
        entry = (lot_id, taken.quantity, hashes.get(lot_id, ""))
        if kind == "gec" and not lot.acquire.tradable:
            claimed.self_consumption.append(entry)
        else:
            claimed.lots_by_kind.setdefault(kind, []).append(entry)
    return claimed


def monthly_generation_kwh(con: duckdb.DuckDBPyConnection, site_id: str, timezone: str,
                           through_year: int) -> dict[str, float]:
    """Metered generation (current meters of role ``generation``) per local month [kWh].

    Every month with readings up to December of ``through_year``, summed exactly as the
    inventory sums them; a reading belongs to the month its interval ends in (a reading
    at local midnight of the 1st closes the month before). The query the read layer will
    own.
    """
    rows = con.execute(
        "SELECT strftime(timezone(?, (ts_utc - INTERVAL 1 MICROSECOND) AT TIME ZONE 'UTC'),"
        f" '%Y-%m') AS month, sum(value::{READING_TYPE})::{SUM_TYPE} FROM readings"
        " WHERE site_id = ? AND value IS NOT NULL AND ts_utc <= ? AND meter_id IN"
        " (SELECT meter_id FROM meters WHERE site_id = ? AND is_current AND role = 'generation')"
        " GROUP BY month ORDER BY month",
        [timezone, site_id, months_of_year(through_year, timezone)[-1].end_utc, site_id]
    ).fetchall()
    return {str(month): float(kwh) for month, kwh in rows}
