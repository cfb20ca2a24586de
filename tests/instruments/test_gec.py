"""GEC issuance and validity, checked by hand against the NEA rules (2024-09-05) and
发改能源〔2023〕1044号 as summarised in domain.md §6."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtan.instruments import LedgerError, is_valid_on, issue_monthly, valid_until
from lingtan.instruments.gec import add_months, parse_month


def test_remainder_is_carried_to_the_next_month() -> None:
    # 1 400 → 1 cert, carry 400; 400 + 800 = 1 200 → 1, carry 200; 200 + 2 900 → 3, carry 100
    issued = issue_monthly({"2025-03": 2900, "2025-01": 1400, "2025-02": 800})
    assert issued == [("2025-01", 1, 400.0), ("2025-02", 1, 200.0), ("2025-03", 3, 100.0)]


def test_carry_survives_a_month_without_generation() -> None:
    assert issue_monthly({"2025-01": 600, "2025-03": 500}) == [
        ("2025-01", 0, 600.0), ("2025-03", 1, 100.0)]


def test_float_kwh_does_not_lose_a_certificate() -> None:
    assert issue_monthly({"2025-01": 0.1 * 3 * 1000 + 700})[0][1] == 1


@given(st.lists(st.floats(0, 50_000, allow_nan=False), min_size=1, max_size=24))
def test_issuance_conserves_energy(kwh: list[float]) -> None:
    months = {add_months("2024-01", i): v for i, v in enumerate(kwh)}
    issued = issue_monthly(months)
    certificates = sum(n for _, n, _ in issued)
    assert 0 <= issued[-1][2] < 1000
    assert certificates * 1000 + issued[-1][2] == pytest.approx(sum(kwh), abs=1e-5)


@pytest.mark.parametrize("bad", [{"2025-01": -1.0}, {"2025-13": 5.0}, {"25-01": 5.0}])
def test_bad_generation_is_rejected(bad: dict[str, float]) -> None:
    with pytest.raises(LedgerError):
        issue_monthly(bad)


@pytest.mark.parametrize(("month", "last"), [
    ("2024-03", date(2026, 2, 28)),   # generation month counts as month 1
    ("2024-01", date(2025, 12, 31)),  # first month under the 24-month rule
    ("2024-02", date(2026, 1, 31)),
    ("2023-12", date(2025, 12, 31)),  # generated before 2024: valid to end-2025
    ("2023-06", date(2025, 12, 31)),
    ("2018-01", date(2025, 12, 31)),
    ("2026-01", date(2027, 12, 31)),
    ("2026-03", date(2028, 2, 29)),   # leap year
])
def test_valid_until(month: str, last: date) -> None:
    assert valid_until(month) == last


def test_is_valid_on_is_inclusive_of_the_last_day() -> None:
    assert is_valid_on("2024-03", date(2026, 2, 28))
    assert not is_valid_on("2024-03", date(2026, 3, 1))
    assert is_valid_on("2023-06", date(2025, 12, 31))
    assert not is_valid_on("2023-06", date(2026, 1, 1))


def test_parse_month() -> None:
    assert parse_month("2025-09") == (2025, 9)
    with pytest.raises(LedgerError, match="YYYY-MM"):
        parse_month("2025-9")


def test_docstring_examples_run() -> None:
    import doctest

    from lingtan.instruments import gec, serials

    for module in (gec, serials):
        assert doctest.testmod(module).failed == 0
