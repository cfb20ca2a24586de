"""The site's instrument ledger, replayed from the workspace's current ``instruments`` rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from lingtan.instruments.from_rows import events_from_rows
from lingtan.instruments.ledger import LedgerState, replay

#: The ``instruments.csv`` columns as stored (docs/data-package.md).
COLUMNS = ("instrument_id", "kind", "quantity", "unit", "generation_month", "vintage",
           "technology", "province", "tradable", "serial_start", "serial_end", "registry",
           "project_id", "retired_on", "claimed_year")


@dataclass(frozen=True)
class Claimed:
    """Retirements claimed for one reporting year, by kind, with their row hashes."""

    year: int
    quantity_by_kind: dict[str, float] = field(default_factory=dict)
    lots_by_kind: dict[str, list[tuple[str, float, str]]] = field(default_factory=dict)


def site_ledger(con: duckdb.DuckDBPyConnection, site_id: str) -> tuple[LedgerState, dict[str, str]]:
    """Replay the site's instruments; also return each lot's stored row hash.

    Raises
    ------
    lingtan.instruments.LedgerError
        If the stored instruments break a rule (double claim, expired GEC …).
    """
    cur = con.execute(
        f"SELECT {', '.join(COLUMNS)}, row_sha256 FROM instruments"
        " WHERE site_id = ? AND is_current ORDER BY instrument_id", [site_id])
    rows = [dict(zip((*COLUMNS, "row_sha256"), r, strict=True)) for r in cur.fetchall()]
    hashes = {str(r["instrument_id"]): str(r.pop("row_sha256")) for r in rows}
    return replay(events_from_rows(rows)), hashes


def claimed_for_year(con: duckdb.DuckDBPyConnection, site_id: str, year: int) -> Claimed:
    """Every retirement claimed for ``year``: quantity per kind and (lot, quantity, hash)."""
    state, hashes = site_ledger(con, site_id)
    claimed = Claimed(year)
    for lot, taken in state.retirements():
        if getattr(taken.event, "claimed_year", None) != year:
            continue
        kind, lot_id = lot.acquire.kind, lot.acquire.lot_id
        claimed.quantity_by_kind[kind] = claimed.quantity_by_kind.get(kind, 0.0) + taken.quantity
        claimed.lots_by_kind.setdefault(kind, []).append(
            (lot_id, taken.quantity, hashes.get(lot_id, "")))
    return claimed
