"""instruments.csv rows → ledger events (columns as in docs/data-package.md)."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.errors import PackageError
from lingtan.instruments import (
    Acquire,
    Ledger,
    Retire,
    SerialConflictError,
    events_from_rows,
)

GEC_ROW = {"instrument_id": "GEC-A", "kind": "gec", "quantity": "100", "unit": "MWh",
           "generation_month": "2024-03", "technology": "solar", "province": "CN-JS",
           "tradable": "true", "serial_start": "GEC2024-000101",
           "serial_end": "GEC2024-000200", "retired_on": "2025-01-10", "claimed_year": "2024"}
CCER_ROW = {"instrument_id": "CCER-1", "kind": "ccer", "quantity": "25.5", "unit": "tCO2e",
            "vintage": "2024", "registry": "CCER", "project_id": "P-7", "retired_on": ""}


def test_rows_become_acquire_and_retire() -> None:
    events = events_from_rows([GEC_ROW, CCER_ROW])
    acquire, retire, credit = events
    assert isinstance(acquire, Acquire) and acquire.on == date(2024, 3, 1)
    assert acquire.serials is not None and acquire.serials.count == 100
    assert isinstance(retire, Retire) and retire.claimed_year == 2024
    assert isinstance(credit, Acquire) and credit.on == date(2024, 1, 1)
    assert credit.project_id == "P-7"
    state = Ledger.replay(events)
    assert state.retired_for_year(2024, kind="gec") == 100
    assert state.balances().by_kind["ccer"].held == 25.5


def test_claimed_year_defaults_to_the_retirement_year() -> None:
    retire = events_from_rows([{**GEC_ROW, "claimed_year": None}])[1]
    assert isinstance(retire, Retire) and retire.claimed_year == 2025


def test_same_certificates_in_two_rows_are_rejected_by_the_ledger() -> None:
    second = {**GEC_ROW, "instrument_id": "GEC-B", "claimed_year": "2025"}
    with pytest.raises(SerialConflictError, match="overlaps lot"):
        Ledger.replay(events_from_rows([GEC_ROW, second]))


def test_bad_rows_are_reported_with_row_and_field() -> None:
    rows = [
        {**GEC_ROW, "kind": "gold"},
        {**GEC_ROW, "quantity": "lots"},
        {**CCER_ROW, "vintage": None},
        {**GEC_ROW, "unit": "tCO2e"},
        {**GEC_ROW, "tradable": "maybe"},
        {**GEC_ROW, "colour": "green"},
        {**CCER_ROW, "claimed_year": "2024"},
    ]
    with pytest.raises(PackageError) as info:
        events_from_rows(rows)
    where = [(p.row, p.field) for p in info.value.problems]
    assert where == [(2, "kind"), (3, "quantity"), (4, "generation_month"), (5, None),
                     (6, "tradable"), (7, "colour"), (8, "claimed_year")]
