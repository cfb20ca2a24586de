"""Data-centre PUE grades of GB 40879-2021 数据中心能效限定值及能效等级.

Three grades, grade 1 best, grade 3 = the limit value; a grade is met when
PUE ≤ its bound (inclusive, as the standard states). Bounds live in
``data/pue_gb40879.csv`` with source and confidence (domain.md §5).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import IO

from lingtan.efficiency.grades._table import (
    COMPARISONS,
    GradeResult,
    check_value,
    meets,
    read_packaged,
    read_table,
)
from lingtan.errors import InputError

__all__ = ["PUE_COLUMNS", "PueGrade", "packaged_pue_grades", "pue_grade", "read_pue_grades"]

STANDARD = "GB 40879-2021"
PUE_COLUMNS: tuple[str, ...] = ("grade", "pue_max", "comparison", "source", "confidence", "note")


@dataclass(frozen=True)
class PueGrade:
    """One row of the PUE grade table."""

    grade: int
    pue_max: float
    comparison: str
    source: str
    confidence: str
    note: str


def read_pue_grades(
    path_or_buffer: str | os.PathLike[str] | IO[str], file_name: str | None = None
) -> tuple[PueGrade, ...]:
    """Parse a PUE grade table (columns :data:`PUE_COLUMNS`), best grade first.

    Raises
    ------
    GradeTableError
        Naming file, row and field of every invalid value (bad grade, bound,
        comparison or confidence; duplicate grade; empty table).
    """
    check, rows = read_table(path_or_buffer, PUE_COLUMNS, file_name)
    grades: list[PueGrade] = []
    seen: dict[object, int] = {}
    for line, row in rows:
        grade = row["grade"]
        if not grade.isdigit() or int(grade) < 1:
            check.add(line, "grade", f"{grade!r} is not a positive integer")
        pue_max = check.number(line, row, "pue_max")
        comparison = check.text(line, row, "comparison", COMPARISONS)
        source, confidence = check.provenance(line, row)
        if grade.isdigit() and pue_max is not None:
            check.duplicate(line, int(grade), seen)
            grades.append(PueGrade(int(grade), pue_max, comparison, source, confidence,
                                   row["note"]))
    if not rows:
        check.add(1, None, "table has no rows")
    check.raise_if_any()
    return tuple(sorted(grades, key=lambda g: g.grade))


@lru_cache(maxsize=1)
def packaged_pue_grades() -> tuple[PueGrade, ...]:
    """The packaged table ``pue_gb40879.csv`` (loaded once)."""
    return read_pue_grades(read_packaged("pue_gb40879.csv"), "efficiency/grades/pue_gb40879.csv")


def pue_grade(pue: float, table: tuple[PueGrade, ...] | None = None) -> GradeResult:
    """Energy-efficiency grade of a data centre from its PUE (电能比).

    Parameters
    ----------
    pue : float
        Power usage effectiveness [-], total facility energy / IT energy (≥ 1).
    table : tuple of PueGrade, optional
        Grade bounds; defaults to :func:`packaged_pue_grades`.

    Returns
    -------
    GradeResult
        The best grade whose bound the PUE meets (grade 1 ≤ 1.20, grade 2
        ≤ 1.30, grade 3 ≤ 1.50, inclusive), or ``grade=None``, status
        ``"below limit"`` above the grade-3 limit value. Source and confidence
        come from the deciding row (1.20 and 1.50 are [R], 1.30 [V indirect]).

    Raises
    ------
    InputError
        If ``pue`` is not a finite number ≥ 1.

    References
    ----------
    GB 40879-2021 数据中心能效限定值及能效等级 (in force 2022-11-01; not for
    edge data centres ≤ 100 racks). domain.md §5.
    """
    value = check_value(pue, "pue")
    if value < 1:
        raise InputError(f"pue must be ≥ 1 (facility energy ≥ IT energy), not {pue!r}")
    grades = table if table is not None else packaged_pue_grades()
    for g in grades:
        if meets(value, g.pue_max, g.comparison):
            return GradeResult(STANDARD, g.grade, f"grade {g.grade}", True, _bound(g),
                               g.source, g.confidence, g.note)
    lowest = grades[-1]
    return GradeResult(STANDARD, None, "below limit", False, _bound(lowest),
                       lowest.source, lowest.confidence, lowest.note)


def _bound(g: PueGrade) -> str:
    symbol = {"le": "≤", "lt": "<", "ge": "≥", "gt": ">"}[g.comparison]
    return f"{symbol} {g.pue_max:.2f}"
