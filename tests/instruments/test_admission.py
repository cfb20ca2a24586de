"""Admitting new lots into a stored ledger: each breach is pinned on one lot, and what is
left replays correctly (lingtan.instruments.admission)."""

from __future__ import annotations

import dataclasses
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from lingtan.instruments import Event, Ledger, LedgerError
from lingtan.instruments.admission import ledger_breaches

from .builders import gec_lot, retire


def lot(lot_id: str, first: int, last: int, month: str = "2024-03",
        retired: date | None = None, year: int = 2024,
        on: date = date(2024, 4, 15)) -> list[Event]:
    acquire = gec_lot(lot_id, f"GEC-{first:04d}", f"GEC-{last:04d}", month)
    events: list[Event] = [dataclasses.replace(acquire, on=on)]
    if retired is not None:
        events.append(retire(f"{lot_id}/r", lot_id, on=retired, year=year,
                             quantity=last - first + 1))
    return events


def test_good_candidates_give_no_breach() -> None:
    assert ledger_breaches({"B": lot("B", 101, 200)}, {"A": lot("A", 1, 100)}) == []


def test_candidate_reclaiming_stored_serials_is_pinned_and_names_the_stored_lot() -> None:
    stored = {"A": lot("A", 1, 100, retired=date(2025, 1, 10), year=2024)}
    [breach] = ledger_breaches({"X": lot("X", 50, 149)}, stored,
                               origin={"A": "stored, batch 1"})
    assert (breach.lot_id, breach.field, breach.kept) == ("X", "serial_start", False)
    assert "overlaps lot A" in breach.reason and "GEC-0050" in breach.reason
    assert "lot 'A' is already in the ledger (stored, batch 1)" in breach.reason


def test_stored_lot_keeps_its_serials_even_when_acquired_later() -> None:
    # the candidate is acquired first in replay order; the stored lot raises, the candidate
    # is pinned
    stored = {"A": lot("A", 1, 100, on=date(2024, 9, 1))}
    [breach] = ledger_breaches({"X": lot("X", 1, 1, on=date(2024, 2, 1))}, stored)
    assert breach.lot_id == "X" and not breach.kept


def test_one_bad_lot_among_nine_is_the_only_one_named() -> None:
    candidates = {f"L{i}": lot(f"L{i}", i * 100 + 1, i * 100 + 100) for i in range(8)}
    candidates["BAD"] = lot("BAD", 9001, 9010, month="2023-06", retired=date(2026, 1, 15))
    [breach] = ledger_breaches(candidates, {})
    assert (breach.lot_id, breach.field) == ("BAD", "retired_on")
    assert "expired after 2025-12-31" in breach.reason


def test_two_new_lots_overlapping_pins_the_later_one() -> None:
    late, early = lot("A", 100, 199, on=date(2024, 6, 1)), lot("Z", 1, 100, on=date(2024, 2, 1))
    [breach] = ledger_breaches({"A": late, "Z": early}, {})
    assert breach.lot_id == "A"


def test_rejected_change_restores_the_stored_lot_and_names_what_it_then_breaks() -> None:
    # stored A holds 1…100; the package moves A to 201…300 but retires it after expiry, and
    # adds B on 1…100. Without the bad A', the stored A stays — and B overlaps it.
    stored = {"A": lot("A", 1, 100)}
    candidates = {"A": lot("A", 201, 300, month="2023-06", retired=date(2026, 1, 15)),
                  "B": lot("B", 1, 100, month="2024-05")}
    breaches = ledger_breaches(candidates, stored, origin={"A": "stored, batch 1"})
    assert [(b.lot_id, b.field) for b in breaches] == [("A", "retired_on"), ("B", "serial_start")]
    assert "already in the ledger (stored, batch 1)" in breaches[1].reason


def test_breach_among_stored_lots_alone_is_marked_kept() -> None:
    stored = {"A": lot("A", 1, 100), "C": lot("C", 50, 60, on=date(2024, 5, 1))}
    [breach] = ledger_breaches({"B": lot("B", 201, 300)}, stored)
    assert breach.lot_id == "C" and breach.kept


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[dict[str, list[Event]], dict[str, list[Event]]]:
    def some(prefix: str, n: int) -> dict[str, list[Event]]:
        out: dict[str, list[Event]] = {}
        for i in range(n):
            base, size = draw(st.integers(0, 300)), draw(st.integers(1, 60))
            month = draw(st.sampled_from(["2023-06", "2024-03", "2025-01"]))
            a = gec_lot(f"{prefix}{i}", f"GEC-{base:04d}", f"GEC-{base + size - 1:04d}", month)
            events: list[Event] = [a]
            if draw(st.booleans()):
                events.append(retire(f"{prefix}{i}/r", a.lot_id, quantity=size,
                                     on=draw(st.sampled_from([date(2025, 3, 1),
                                                              date(2026, 2, 1)]))))
            out[a.lot_id] = events
        return out

    return some("K", draw(st.integers(0, 4))), some("N", draw(st.integers(0, 5)))


def _replays(lots: dict[str, list[Event]]) -> bool:
    try:
        Ledger.replay([e for events in lots.values() for e in events])
    except LedgerError:
        return False
    return True


@settings(max_examples=150, deadline=None)
@given(ledgers())
def test_what_is_left_replays_and_only_breaking_lots_are_named(
    case: tuple[dict[str, list[Event]], dict[str, list[Event]]],
) -> None:
    kept, candidates = case
    breaches = ledger_breaches(candidates, kept)
    named = {(b.lot_id, b.kept) for b in breaches}
    assert len(named) == len(breaches)  # each version of a lot named once
    left = {k: v for k, v in kept.items() if (k, True) not in named}
    left |= {k: v for k, v in candidates.items() if (k, False) not in named}
    assert _replays(left)
    if _replays({**kept, **candidates}):
        assert breaches == []
    assert all(not b.kept or not _replays(kept) or b.lot_id in candidates for b in breaches)
