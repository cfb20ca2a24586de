"""GB 40879-2021 PUE grades against domain.md §5."""

from __future__ import annotations

import io
import math

import pytest

from lingtan.efficiency.grades import GradeTableError, packaged_pue_grades, pue_grade
from lingtan.efficiency.grades.pue import PUE_COLUMNS, read_pue_grades
from lingtan.errors import InputError

# domain.md §5: grade 1 ≤ 1.20 [R], grade 2 ≤ 1.30 [V, indirect], grade 3 ≤ 1.50 [R]
EXPECTED = {1: (1.20, "R"), 2: (1.30, "V"), 3: (1.50, "R")}


def test_table_matches_domain_md_section_5() -> None:
    table = packaged_pue_grades()
    assert {g.grade: (g.pue_max, g.confidence) for g in table} == EXPECTED
    assert all(g.comparison == "le" and "GB 40879-2021" in g.source for g in table)


@pytest.mark.parametrize(("bound", "grade"), [(1.20, 1), (1.30, 2), (1.50, 3)])
def test_bound_is_inclusive(bound: float, grade: int) -> None:
    at = pue_grade(bound)
    assert (at.grade, at.status, at.meets_limit) == (grade, f"grade {grade}", True)
    assert at.confidence == EXPECTED[grade][1]
    assert pue_grade(math.nextafter(bound, 0)).grade == grade
    above = pue_grade(math.nextafter(bound, 2))
    assert above.grade == (grade + 1 if grade < 3 else None)


def test_above_grade_3_is_below_limit_with_limit_row_provenance() -> None:
    result = pue_grade(1.51)
    assert (result.grade, result.status, result.meets_limit) == (None, "below limit", False)
    assert result.threshold == "≤ 1.50"
    assert result.confidence == "R"


def test_best_possible_pue_is_grade_1() -> None:
    assert pue_grade(1.0).grade == 1


@pytest.mark.parametrize("bad", [0.99, -1.0, math.nan, math.inf, "abc", None])
def test_bad_pue_raises_input_error(bad: object) -> None:
    with pytest.raises(InputError):
        pue_grade(bad)  # type: ignore[arg-type]


def test_custom_table_and_bad_rows() -> None:
    header = ",".join(PUE_COLUMNS)
    good = read_pue_grades(io.StringIO(f"{header}\n1,1.25,le,mine,U,\n"), "pue.csv")
    assert pue_grade(1.25, good).grade == 1
    assert pue_grade(1.26, good).grade is None
    text = f"{header}\nx,abc,eq,,Q,\n1,1.2,le,s,V,\n1,1.3,le,s,V,\n"
    with pytest.raises(GradeTableError) as err:
        read_pue_grades(io.StringIO(text), "pue.csv")
    message = str(err.value)
    for fragment in ("pue.csv, row 2, field 'grade'", "row 2, field 'pue_max'",
                     "row 2, field 'comparison'", "row 2, field 'source'",
                     "row 2, field 'confidence'", "row 4: duplicate key 1"):
        assert fragment in message
    assert isinstance(err.value, InputError)


def test_missing_and_unknown_columns() -> None:
    with pytest.raises(GradeTableError, match="row 1, field 'pue_max': required column"):
        read_pue_grades(io.StringIO("grade,comparison,source,confidence,note,extra\n"), "p.csv")
    with pytest.raises(GradeTableError, match="file is empty"):
        read_pue_grades(io.StringIO(""), "p.csv")
    with pytest.raises(GradeTableError, match="no rows"):
        read_pue_grades(io.StringIO(",".join(PUE_COLUMNS) + "\n"), "p.csv")
