"""GB 20052-2024 scope (domain.md §5 [V]) and user-supplied loss tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.efficiency.grades import (
    LOSS_COLUMNS,
    GradeTableError,
    UnknownGradeKeyError,
    packaged_transformer_scopes,
    read_transformer_losses,
    transformer_grade,
)
from lingtan.efficiency.grades._table import read_packaged

# domain.md §5: 10 kV distribution 30–2 500 kVA; 35–500 kV oil-immersed ≥ 3 150 kVA;
# 6–35 kV PV/wind/storage ≥ 500 kVA; 66 kV new-energy 3 150–20 000 kVA [V: bzfyw.com]
EXPECTED = {
    "distribution_10kv": (10, 10, 30, 2500),
    "oil_immersed_35_500kv": (35, 500, 3150, None),
    "new_energy_6_35kv": (6, 35, 500, None),
    "new_energy_66kv": (66, 66, 3150, 20000),
}
# Made-up losses: GB 20052 loss tables were not retrieved [U], so these only test the logic.
LOSSES = """\
scope_id,rating_kva,grade,no_load_loss_w,load_loss_w,source,confidence,note
distribution_10kv,400,1,300,3000,test table,U,made up
distribution_10kv,400,2,400,3500,test table,U,made up
distribution_10kv,400,3,500,4000,test table,U,made up
"""


def test_scope_matches_domain_md_section_5() -> None:
    scopes = packaged_transformer_scopes()
    got = {k: (s.voltage_min_kv, s.voltage_max_kv, s.rating_min_kva, s.rating_max_kva)
           for k, s in scopes.items()}
    assert got == EXPECTED
    assert {s.confidence for s in scopes.values()} == {"V"}


def test_no_loss_numbers_are_shipped() -> None:
    header = read_packaged("transformer_gb20052.csv").readline()
    assert "loss" not in header


@pytest.mark.parametrize(("rating", "inside"), [(30, True), (29.9, False), (2500, True),
                                               (2500.1, False)])
def test_scope_rating_bounds_inclusive(rating: float, inside: bool) -> None:
    assert packaged_transformer_scopes()["distribution_10kv"].covers(rating) is inside
    assert packaged_transformer_scopes()["new_energy_6_35kv"].covers(1e9)


@pytest.fixture
def losses(tmp_path: Path) -> tuple:
    path = tmp_path / "losses.csv"
    path.write_text(LOSSES, encoding="utf-8")
    return read_transformer_losses(path)


@pytest.mark.parametrize(("no_load", "load", "grade"), [
    (300, 3000, 1), (300.01, 3000, 2), (300, 3000.01, 2), (400, 3500, 2), (500, 4000, 3),
    (100, 3999, 3), (500.01, 100, None), (100, 4000.01, None),
])
def test_grade_needs_both_losses_inclusive(losses: tuple, no_load: float, load: float,
                                           grade: int | None) -> None:
    result = transformer_grade("distribution_10kv", 400, no_load, load, losses)
    assert result.grade == grade
    assert result.meets_limit is (grade is not None)
    assert result.confidence == "U"


def test_unknown_scope_and_rating(losses: tuple) -> None:
    with pytest.raises(UnknownGradeKeyError, match="known: distribution_10kv"):
        transformer_grade("dry_type", 400, 1, 1, losses)
    with pytest.raises(UnknownGradeKeyError, match="ratings with rows: 400"):
        transformer_grade("distribution_10kv", 630, 1, 1, losses)


def test_bad_loss_rows(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(",".join(LOSS_COLUMNS) + "\n"
                    "nope,400,1,1,1,s,V,\n"
                    "distribution_10kv,5000,1,1,1,s,V,\n"
                    "distribution_10kv,400,a,-1,x,s,V,\n"
                    "distribution_10kv,400,1,1,1,s,V,\n"
                    "distribution_10kv,400,1,1,1,s,V,\n", encoding="utf-8")
    with pytest.raises(GradeTableError) as err:
        read_transformer_losses(path)
    message = str(err.value)
    for fragment in ("bad.csv, row 2, field 'scope_id': unknown scope 'nope'",
                     "row 3, field 'rating_kva': 5000 kVA is outside",
                     "row 4, field 'grade'", "row 4, field 'no_load_loss_w'",
                     "row 4, field 'load_loss_w'", "row 6: duplicate key"):
        assert fragment in message
