"""Ledger replay and its rules (NEA GEC rules 2024-09-05; 发改能源〔2023〕1044号; domain.md §6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lingtan.instruments import (
    Acquire,
    Cancel,
    DeliveryProfile,
    DoubleClaimError,
    DoubleRetirementError,
    Expire,
    ExpiredCertificateError,
    InsufficientHoldingError,
    Ledger,
    LedgerError,
    LotError,
    NotTradableError,
    SerialConflictError,
    Transfer,
    serial_range,
)

from .builders import gec_lot, retire


def test_balances_are_derived_per_lot_and_kind() -> None:
    ccer = Acquire(event_id="C/a", lot_id="C", on=date(2024, 1, 1), kind="ccer",
                   quantity=12.5, unit="tCO2e", vintage=2024, registry="CCER",
                   project_id="P-001")
    state = Ledger.replay([
        gec_lot(), ccer,
        retire("r1", quantity=30),
        Transfer(event_id="t1", lot_id="L1", on=date(2025, 1, 11), quantity=20, to="buyer"),
        Cancel(event_id="c1", lot_id="L1", on=date(2025, 1, 12), quantity=5),
        retire("r2", lot_id="C", quantity=2.5, year=2025),
    ])
    b = state.balances()
    lot = b.by_lot["L1"]
    assert (lot.acquired, lot.retired, lot.transferred, lot.cancelled, lot.held) == (
        100, 30, 20, 5, 45)
    assert b.by_kind["ccer"].held == 10.0 and b.by_kind["ccer"].unit == "tCO2e"
    assert state.retired_for_year(2024) == 30
    assert state.retired_for_year(2025, kind="ccer") == 2.5
    assert state.retired_for_year(2025, kind="gec") == 0


def test_retirement_without_serials_takes_the_lowest_free_serials() -> None:
    state = Ledger.replay([gec_lot(), retire("r1", quantity=10),
                           retire("r2", serials=serial_range("GEC2024-000150", "GEC2024-000159")),
                           retire("r3", on=date(2025, 2, 1), quantity=45)])
    taken = [t.serials for t in state.lots["L1"].disposals]
    assert taken == [((101, 110),), ((150, 159),), ((111, 149), (160, 165))]


def test_gec_retirement_on_the_last_valid_day_is_accepted() -> None:
    state = Ledger.replay([gec_lot(month="2024-03"), retire("r1", on=date(2026, 2, 28),
                                                            quantity=1, year=2025)])
    assert state.balances().by_lot["L1"].retired == 1


def test_gec_retirement_after_expiry_is_rejected() -> None:
    with pytest.raises(ExpiredCertificateError, match=r"L1.*2026-02-28.*2026-03-01"):
        Ledger.replay([gec_lot(month="2024-03"),
                       retire("r1", on=date(2026, 3, 1), quantity=1, year=2025)])


def test_pre_2024_generation_is_valid_to_end_2025() -> None:
    events = [gec_lot(month="2023-06")]
    Ledger.replay([*events, retire("ok", on=date(2025, 12, 31), quantity=1)])
    with pytest.raises(ExpiredCertificateError):
        Ledger.replay([*events, retire("late", on=date(2026, 1, 1), quantity=1)])


def test_held_gecs_past_validity_are_reported_expired() -> None:
    state = Ledger.replay([gec_lot(month="2024-03"), retire("r1", quantity=40)])
    assert state.balances(as_of=date(2026, 2, 28)).by_lot["L1"].held == 60
    after = state.balances(as_of=date(2026, 3, 1)).by_lot["L1"]
    assert (after.held, after.expired, after.retired) == (0, 60, 40)
    assert state.balances(as_of=date(2024, 12, 31)).by_lot["L1"].retired == 0


def test_explicit_expiry_takes_what_is_left() -> None:
    state = Ledger.replay([gec_lot(), retire("r1", quantity=40),
                           Expire(event_id="x", lot_id="L1", on=date(2026, 3, 1))])
    assert state.balances().by_lot["L1"].expired == 60


def test_retiring_more_than_held_is_rejected() -> None:
    with pytest.raises(InsufficientHoldingError, match=r"lot L1.*r2.*2025-01-10.*exceeds the 30"):
        Ledger.replay([gec_lot(), retire("r1", quantity=70), retire("r2", quantity=31)])


def test_a_serial_retired_twice_is_rejected() -> None:
    rng = serial_range("GEC2024-000120", "GEC2024-000129")
    with pytest.raises(DoubleRetirementError, match=r"GEC2024-000125 of lot L1.*r1"):
        Ledger.replay([gec_lot(), retire("r1", serials=rng),
                       retire("r2", serials=serial_range("GEC2024-000125", "GEC2024-000130"))])


def test_the_same_serials_claimed_for_two_years_are_rejected() -> None:
    rng = serial_range("GEC2024-000120", "GEC2024-000129")
    with pytest.raises(DoubleClaimError, match=r"claims it for 2025.*already claimed it for 2024"):
        Ledger.replay([gec_lot(), retire("r1", serials=rng, year=2024),
                       retire("r2", serials=rng, year=2025, on=date(2025, 6, 1))])


def test_retiring_transferred_serials_is_rejected() -> None:
    rng = serial_range("GEC2024-000101", "GEC2024-000110")
    with pytest.raises(SerialConflictError, match="transfer t1"):
        Ledger.replay([gec_lot(),
                       Transfer(event_id="t1", lot_id="L1", on=date(2024, 5, 1), serials=rng),
                       retire("r1", serials=rng)])


def test_overlapping_serial_ranges_across_lots_are_rejected() -> None:
    with pytest.raises(SerialConflictError, match=r"overlaps lot L1.*GEC2024-000200"):
        Ledger.replay([gec_lot(), gec_lot("L2", "GEC2024-000200", "GEC2024-000250")])
    # same numbers under another prefix do not overlap
    Ledger.replay([gec_lot(), gec_lot("L2", "GEC2025-000101", "GEC2025-000200")])


def test_serials_outside_the_lot_are_rejected() -> None:
    with pytest.raises(SerialConflictError, match="not part of lot L1"):
        Ledger.replay([gec_lot(), retire("r1", serials=serial_range("GEC2024-000300"))])


def test_non_tradable_gec_can_be_retired_by_its_holder_only() -> None:
    lot = gec_lot(tradable=False)
    state = Ledger.replay([lot, retire("r1", quantity=10), retire("r2", quantity=5,
                                                                   beneficiary="self")])
    assert state.balances().by_lot["L1"].retired == 15
    with pytest.raises(NotTradableError, match=r"lot L1 is not tradable.*t1.*buyer"):
        Ledger.replay([lot, Transfer(event_id="t1", lot_id="L1", on=date(2024, 5, 1),
                                     quantity=1, to="buyer")])
    with pytest.raises(NotTradableError):
        Ledger.replay([lot, retire("r1", quantity=1, beneficiary="customer")])


def test_disposal_before_acquisition_and_reused_ids_are_rejected() -> None:
    with pytest.raises(LotError, match="lot L1 is not held"):
        Ledger.replay([gec_lot(), retire("r1", on=date(2024, 1, 1), quantity=1)])
    with pytest.raises(LotError, match="acquired twice"):
        Ledger.replay([gec_lot(), replace(gec_lot(), event_id="other", serials=None)])
    with pytest.raises(LotError, match="used twice"):
        Ledger.replay([gec_lot(), retire("r1", quantity=1), retire("r1", quantity=2)])


@pytest.mark.parametrize("kwargs", [
    {"kind": "gec", "unit": "tCO2e", "generation_month": "2024-01"},
    {"kind": "gec", "unit": "MWh", "quantity": 1.5, "generation_month": "2024-01"},
    {"kind": "gec", "unit": "MWh"},
    {"kind": "ccer", "unit": "MWh"},
    {"kind": "bogus", "unit": "MWh"},
    {"kind": "ccer", "unit": "tCO2e", "quantity": -1},
])
def test_invalid_acquisitions_are_rejected(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {"event_id": "a", "lot_id": "L", "on": date(2024, 1, 1),
                               "quantity": 10.0}
    with pytest.raises(LedgerError):
        Acquire(**{**base, **kwargs})  # type: ignore[arg-type]


def test_green_power_trade_with_voucher_and_profile() -> None:
    profile = DeliveryProfile("hourly", (("2025-03-01T13:00", 1.5), ("2025-03-01T12:00", 2.0),
                                         ("2025-04-02T09:00", 0.5)))
    trade = Acquire(event_id="g/a", lot_id="G", on=date(2025, 3, 1), kind="green_power",
                    quantity=4.0, unit="mwh", generation_month="2025-03",
                    voucher_id="GPV-2025-0001", profile=profile)
    assert trade.unit == "MWh"
    assert profile.quantities_mwh[0] == ("2025-03-01T12:00", 2.0)
    assert profile.monthly_mwh() == {"2025-03": 3.5, "2025-04": 0.5}
    state = Ledger.replay([trade, retire("r", lot_id="G", on=date(2025, 5, 1), quantity=4.0,
                                         year=2025)])
    assert state.retired_for_year(2025, kind="green_power") == 4.0
    with pytest.raises(LedgerError, match="totals"):
        Acquire(**{**trade.__dict__, "quantity": 5.0})
    with pytest.raises(LedgerError, match="twice"):
        DeliveryProfile("monthly", (("2025-03", 1.0), ("2025-03", 2.0)))
    with pytest.raises(LedgerError, match="on the hour"):
        DeliveryProfile("hourly", (("2025-03-01T12:30", 1.0),))
