"""Builders for instrument events."""

from __future__ import annotations

from datetime import date

from lingtan.instruments import Acquire, Retire, serial_range


def gec_lot(lot_id: str = "L1", first: str = "GEC2024-000101", last: str = "GEC2024-000200",
            month: str = "2024-03", **kw: object) -> Acquire:
    serials = serial_range(first, last)
    return Acquire(event_id=f"{lot_id}/a", lot_id=lot_id, on=date(2024, 4, 15), kind="gec",
                   quantity=serials.count, unit="MWh", serials=serials,
                   generation_month=month, **kw)  # type: ignore[arg-type]


def retire(event_id: str, lot_id: str = "L1", on: date = date(2025, 1, 10),
           year: int = 2024, **kw: object) -> Retire:
    return Retire(event_id=event_id, lot_id=lot_id, on=on, claimed_year=year,
                  **kw)  # type: ignore[arg-type]
