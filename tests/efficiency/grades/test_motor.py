"""GB 18613-2020 motor grades against domain.md §5."""

from __future__ import annotations

import io

import pytest

from lingtan.efficiency.grades import (
    IE_CLASSES,
    GradeTableError,
    UnknownGradeKeyError,
    motor_grade,
    packaged_motor_grades,
)
from lingtan.efficiency.grades.motor import MOTOR_COLUMNS, read_motor_grades
from lingtan.errors import InputError

# domain.md §5: grade 1 = IE5, grade 2 = IE4, grade 3 = IE3 (minimum allowed) [V]
EXPECTED = {1: "IE5", 2: "IE4", 3: "IE3"}


def test_table_matches_domain_md_section_5() -> None:
    table = packaged_motor_grades()
    assert {g.grade: g.ie_class for g in table} == EXPECTED
    assert {g.confidence for g in table} == {"V"}
    assert all("GB 18613-2020" in g.source for g in table)


@pytest.mark.parametrize(("ie", "grade"), [("IE5", 1), ("IE4", 2), ("IE3", 3), (" ie4 ", 2)])
def test_grades(ie: str, grade: int) -> None:
    result = motor_grade(ie)
    assert (result.grade, result.status, result.meets_limit) == (grade, f"grade {grade}", True)
    assert result.confidence == "V"


@pytest.mark.parametrize("ie", ["IE1", "IE2"])
def test_below_minimum(ie: str) -> None:
    result = motor_grade(ie)
    assert (result.grade, result.status, result.meets_limit) == (
        None, "below minimum grade 3", False)
    assert result.threshold == "IE3"


@pytest.mark.parametrize("bad", ["IE6", "IE0", "", "grade 1", "IE 3", "ie"])
def test_unknown_class_lists_valid_ones(bad: str) -> None:
    with pytest.raises(UnknownGradeKeyError, match="valid: IE1, IE2, IE3, IE4, IE5"):
        motor_grade(bad)
    assert issubclass(UnknownGradeKeyError, InputError)
    assert IE_CLASSES == ("IE1", "IE2", "IE3", "IE4", "IE5")


def test_bad_rows() -> None:
    text = ",".join(MOTOR_COLUMNS) + "\n0,IE9,s,V,\n1,IE5,s,V,\n2,IE5,,X,\n"
    with pytest.raises(GradeTableError) as err:
        read_motor_grades(io.StringIO(text), "m.csv")
    message = str(err.value)
    for fragment in ("m.csv, row 2, field 'grade'", "row 2, field 'ie_class'",
                     "row 4: duplicate key IE5", "row 4, field 'source'",
                     "row 4, field 'confidence'"):
        assert fragment in message
