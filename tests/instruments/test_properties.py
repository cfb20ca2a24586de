"""Hypothesis properties of the ledger: retired ≤ held, no serial retired twice, and
replay in any order gives the same balances (or the same error)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lingtan.instruments import (
    Acquire,
    Cancel,
    Event,
    Ledger,
    LedgerError,
    LedgerState,
    Retire,
    SerialRange,
    Transfer,
)

START = date(2024, 1, 1)
MONTHS = ["2023-11", "2024-01", "2024-06", "2025-02"]


@st.composite
def lots(draw: st.DrawFn, n: int) -> list[Acquire]:
    out = []
    for i in range(n):
        size = draw(st.integers(1, 40))
        # lots mostly live in their own block of numbers; sometimes they collide
        base = draw(st.sampled_from([i * 100] * 5 + [0]))
        tradable = draw(st.sampled_from([True, True, True, False]))
        out.append(Acquire(
            event_id=f"a{i}", lot_id=f"L{i}", on=START + timedelta(days=draw(st.integers(0, 60))),
            kind="gec", quantity=size, unit="MWh", tradable=tradable,
            serials=SerialRange("GEC-", base, base + size - 1, 6),
            generation_month=draw(st.sampled_from(MONTHS))))
    return out


@st.composite
def ledgers(draw: st.DrawFn) -> list[Event]:
    acquired = draw(lots(draw(st.integers(1, 4))))
    events: list[Event] = list(acquired)
    for j in range(draw(st.integers(0, 12))):
        lot = draw(st.sampled_from(acquired))
        assert lot.serials is not None
        on = lot.on + timedelta(days=draw(st.integers(-1, 700)))
        quantity = draw(st.integers(1, 15))
        serials = None
        if draw(st.integers(0, 2)) == 0:
            first = draw(st.integers(lot.serials.start, lot.serials.end))
            serials = SerialRange("GEC-", first, min(first + quantity - 1, lot.serials.end), 6)
        what = draw(st.sampled_from(["retire", "retire", "transfer", "cancel"]))
        common = {"event_id": f"e{j}", "lot_id": lot.lot_id, "on": on,
                  "quantity": None if serials else float(quantity), "serials": serials}
        if what == "retire":
            events.append(Retire(**common, claimed_year=draw(st.sampled_from([2024, 2025]))))
        elif what == "transfer":
            events.append(Transfer(**common, to="buyer"))
        else:
            events.append(Cancel(**common))
    return events


def _outcome(events: list[Event]) -> LedgerState | str:
    try:
        return Ledger.replay(events)
    except LedgerError as exc:
        return f"{type(exc).__name__}: {exc}"


@settings(max_examples=150, deadline=None)
@given(ledgers(), st.randoms(use_true_random=False))
def test_any_order_gives_the_same_balances_or_error(events: list[Event], rnd) -> None:
    shuffled = list(events)
    rnd.shuffle(shuffled)
    first, second = _outcome(events), _outcome(shuffled)
    if isinstance(first, str) or isinstance(second, str):
        assert first == second
    else:
        assert first.balances() == second.balances()
        assert first == second


@settings(max_examples=150, deadline=None)
@given(ledgers())
def test_retired_never_exceeds_what_was_held(events: list[Event]) -> None:
    state = _outcome(events)
    if isinstance(state, str):
        return
    for balance in state.balances().by_lot.values():
        assert 0 <= balance.retired <= balance.acquired
        assert balance.held >= 0


@settings(max_examples=150, deadline=None)
@given(ledgers())
def test_no_serial_is_retired_twice(events: list[Event]) -> None:
    state = _outcome(events)
    if isinstance(state, str):
        return
    seen: set[int] = set()
    for _lot, taken in state.retirements():
        numbers = {n for lo, hi in taken.serials for n in range(lo, hi + 1)}
        assert len(numbers) == taken.quantity
        assert not numbers & seen
        seen |= numbers
    left = [t for lot in state.lots.values() for t in lot.disposals]
    assert sum(t.quantity for t in left) == sum(len(range(lo, hi + 1)) for t in left
                                                for lo, hi in t.serials)
