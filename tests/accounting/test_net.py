"""Net emissions and self-reduction under definitions A, B and strict (domain.md §1.4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtan.accounting.net import YearEmissions, self_reduction
from lingtan.errors import NoDataError

# A factory that emitted 1 000 tCO2e (market-based) in its baseline year; this year
# scope 1 = 100, scope 2 location = 500, market = 150 (GECs cover 350 t of it), and it
# retired 250 tCO2e of CCER.
YEAR = YearEmissions(scope1_tco2e=100.0, scope2_location_tco2e=500.0,
                     scope2_market_tco2e=150.0, offsets_tco2e=250.0, covered_tco2e=350.0)


def test_definition_a_by_hand() -> None:
    r = self_reduction(YEAR, "A", baseline_tco2e=1000.0)
    assert r.gross_tco2e == pytest.approx(250.0)          # 100 + 150
    assert r.net_tco2e == pytest.approx(0.0)              # 250 − 250
    assert r.ratio == pytest.approx(0.75)                 # (1000 − 250) / 1000
    # with net zero reached, SR = 1 − O / E_base (domain.md §1.4)
    assert r.ratio == pytest.approx(1 - 250.0 / 1000.0)


def test_definition_b_by_hand() -> None:
    r = self_reduction(YEAR, "B")
    assert r.ratio == pytest.approx(1 - 250.0 / 600.0)    # 1 − O / (E1 + E2_LB)
    assert r.baseline_tco2e is None


def test_strict_counts_instruments_as_offsets() -> None:
    r = self_reduction(YEAR, "strict", baseline_tco2e=1200.0)
    assert r.gross_tco2e == pytest.approx(600.0)          # 100 + 500 location-based
    assert r.offsets_tco2e == pytest.approx(600.0)        # 250 CCER + 350 covered
    assert r.net_tco2e == pytest.approx(0.0)
    assert r.ratio == pytest.approx(0.5)                  # (1200 − 600) / 1200


@pytest.mark.parametrize("definition", ["A", "strict"])
def test_baseline_definitions_need_a_baseline(definition: str) -> None:
    with pytest.raises(NoDataError, match="baseline"):
        self_reduction(YEAR, definition, baseline_tco2e=None)  # type: ignore[arg-type]
    with pytest.raises(NoDataError, match="baseline"):
        self_reduction(YEAR, definition, baseline_tco2e=0.0)  # type: ignore[arg-type]


def test_definition_b_needs_emissions() -> None:
    with pytest.raises(NoDataError):
        self_reduction(YearEmissions(0.0, 0.0, 0.0), "B")


@given(st.floats(0, 1e6), st.floats(0, 1e6), st.floats(0, 1e6), st.floats(1, 1e7))
def test_more_offsets_never_change_def_a_ratio_but_lower_net(
    e1: float, e2: float, offsets: float, baseline: float
) -> None:
    year = YearEmissions(e1, e2, e2, offsets)
    more = YearEmissions(e1, e2, e2, offsets + 10.0)
    a, b = self_reduction(year, "A", baseline), self_reduction(more, "A", baseline)
    assert a.ratio == b.ratio
    assert b.net_tco2e == pytest.approx(a.net_tco2e - 10.0)
