"""Motor grades of GB 18613-2020 电动机能效限定值及能效等级, mapped to IE classes.

Grade 1 = IE5, grade 2 = IE4, grade 3 = IE3, the minimum allowed (domain.md §5
[V]). The mapping lives in ``data/motor_gb18613.csv``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import IO

from lingtan.efficiency.grades._table import (
    GradeResult,
    UnknownGradeKeyError,
    read_packaged,
    read_table,
)

__all__ = ["IE_CLASSES", "MOTOR_COLUMNS", "MotorGrade", "motor_grade", "packaged_motor_grades",
           "read_motor_grades"]

STANDARD = "GB 18613-2020"
#: IEC 60034-30-1 efficiency classes accepted by :func:`motor_grade`.
IE_CLASSES: tuple[str, ...] = ("IE1", "IE2", "IE3", "IE4", "IE5")
MOTOR_COLUMNS: tuple[str, ...] = ("grade", "ie_class", "source", "confidence", "note")


@dataclass(frozen=True)
class MotorGrade:
    """One row of the motor grade table."""

    grade: int
    ie_class: str
    source: str
    confidence: str
    note: str


def read_motor_grades(
    path_or_buffer: str | os.PathLike[str] | IO[str], file_name: str | None = None
) -> tuple[MotorGrade, ...]:
    """Parse a motor grade table (columns :data:`MOTOR_COLUMNS`), best grade first.

    Raises
    ------
    GradeTableError
        Naming file, row and field of every invalid value (bad grade, IE class
        not in :data:`IE_CLASSES`, bad confidence, duplicate grade or class).
    """
    check, rows = read_table(path_or_buffer, MOTOR_COLUMNS, file_name)
    grades: list[MotorGrade] = []
    seen: dict[object, int] = {}
    for line, row in rows:
        grade = row["grade"]
        if not grade.isdigit() or int(grade) < 1:
            check.add(line, "grade", f"{grade!r} is not a positive integer")
        ie_class = check.text(line, row, "ie_class", IE_CLASSES)
        source, confidence = check.provenance(line, row)
        if grade.isdigit():
            check.duplicate(line, int(grade), seen)
            check.duplicate(line, ie_class, seen)
            grades.append(MotorGrade(int(grade), ie_class, source, confidence, row["note"]))
    if not rows:
        check.add(1, None, "table has no rows")
    check.raise_if_any()
    return tuple(sorted(grades, key=lambda g: g.grade))


@lru_cache(maxsize=1)
def packaged_motor_grades() -> tuple[MotorGrade, ...]:
    """The packaged table ``motor_gb18613.csv`` (loaded once)."""
    return read_motor_grades(read_packaged("motor_gb18613.csv"),
                             "efficiency/grades/motor_gb18613.csv")


def motor_grade(ie_class: str, table: tuple[MotorGrade, ...] | None = None) -> GradeResult:
    """GB 18613 energy-efficiency grade of a motor from its IE class.

    Parameters
    ----------
    ie_class : str
        ``"IE1"`` … ``"IE5"`` (case and surrounding spaces ignored).
    table : tuple of MotorGrade, optional
        Defaults to :func:`packaged_motor_grades`.

    Returns
    -------
    GradeResult
        Grade 1 for IE5, 2 for IE4, 3 for IE3. IE1 and IE2 give ``grade=None``,
        status ``"below minimum grade 3"`` and ``meets_limit=False``, with the
        grade-3 row's source and confidence.

    Raises
    ------
    UnknownGradeKeyError
        If ``ie_class`` is not one of :data:`IE_CLASSES` (the message lists them).

    References
    ----------
    GB 18613-2020 电动机能效限定值及能效等级 (in force 2021-06-01; replaces
    GB 18613-2012 and GB 25958-2010). domain.md §5.
    """
    key = ie_class.strip().upper() if isinstance(ie_class, str) else ie_class
    if key not in IE_CLASSES:
        raise UnknownGradeKeyError(
            f"unknown motor efficiency class {ie_class!r}; valid: {', '.join(IE_CLASSES)}"
        )
    grades = table if table is not None else packaged_motor_grades()
    for g in grades:
        if g.ie_class == key:
            return GradeResult(STANDARD, g.grade, f"grade {g.grade}", True, g.ie_class,
                               g.source, g.confidence, g.note)
    lowest = grades[-1]
    return GradeResult(STANDARD, None, f"below minimum grade {lowest.grade}", False,
                       lowest.ie_class, lowest.source, lowest.confidence, lowest.note)
