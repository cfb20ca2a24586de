"""The site's instrument ledger, replayed from the workspace's current ``instruments`` rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from lingtan.accounting.metered import monthly_by_meter, months_of_year
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
    """Metered generation (meters of role ``generation``) per local month [kWh].

    From the first year with a generation reading through December of ``through_year``,
    months without readings left out (the query the read layer will own).
    """
    row = con.execute(
        "SELECT min(r.ts_utc) FROM readings r JOIN meters m ON m.site_id = r.site_id"
        " AND m.meter_id = r.meter_id AND m.is_current AND m.role = 'generation'"
        " WHERE r.site_id = ? AND r.value IS NOT NULL", [site_id]).fetchone()
    if row is None or row[0] is None:
        return {}
    first_year = min(row[0].year, through_year)  # the UTC year of the first reading, or before
    months = [m for y in range(first_year, through_year + 1) for m in months_of_year(y, timezone)]
    table = monthly_by_meter(con, site_id, months).to_pylist()
    out: dict[str, float] = {}
    for r in table:
        if r["role"] == "generation":
            out[r["month"]] = out.get(r["month"], 0.0) + float(r["quantity"])
    return out
