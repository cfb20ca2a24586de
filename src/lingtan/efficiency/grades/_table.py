"""Reading and validating the grade tables: one CSV row per threshold, with provenance.

Every table has ``source`` and ``confidence`` columns (``V`` verified, ``R``
reported, ``U`` uncertain, domain.md §0). A bad file raises
:class:`GradeTableError` with one :class:`~lingtan.errors.Problem` (file, row,
field, reason) per invalid value; an unknown product, standard, process or
class raises :class:`UnknownGradeKeyError` listing what exists.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO

from lingtan.errors import InputError, PackageError, Problem

__all__ = [
    "COMPARISONS",
    "CONFIDENCE_MARKS",
    "GradeResult",
    "GradeTableError",
    "RowChecker",
    "UnknownGradeKeyError",
    "check_value",
    "meets",
    "read_packaged",
    "read_table",
]

#: Confidence marks of domain.md §0.
CONFIDENCE_MARKS: tuple[str, ...] = ("V", "R", "U")
#: How a value is compared with a threshold: ``le`` value ≤ threshold meets it
#: (lower is better, inclusive), ``lt`` strict <, ``ge`` / ``gt`` higher is better.
COMPARISONS: tuple[str, ...] = ("le", "lt", "ge", "gt")

_DATA_PACKAGE = "lingtan.efficiency.grades"

PathOrBuffer = str | os.PathLike[str] | IO[str]


class GradeTableError(PackageError):
    """A grade or limit table has an invalid file, row or field; nothing was loaded."""


class UnknownGradeKeyError(InputError):
    """An unknown standard, product, process, scope or equipment class was asked for."""


@dataclass(frozen=True)
class GradeResult:
    """The grade a measured value earns, and the table row that decided it.

    Parameters
    ----------
    standard : str
        Standard or document of the table (``GB 40879-2021``).
    grade : int or None
        1 is best; ``None`` when the value misses the lowest grade.
    status : str
        ``"grade 1"`` …, ``"below limit"`` or ``"below minimum grade 3"``.
    meets_limit : bool
        Whether the value meets the limit value (the lowest grade).
    threshold : str
        The bound that decided, e.g. ``"≤ 1.30"`` or ``"IE4"``.
    source, confidence, note : str
        Provenance of the deciding row (for a miss, the lowest-grade row).
    """

    standard: str
    grade: int | None
    status: str
    meets_limit: bool
    threshold: str
    source: str
    confidence: str
    note: str


def meets(value: float, threshold: float, comparison: str) -> bool:
    """Whether ``value`` meets ``threshold`` under ``comparison`` (one of :data:`COMPARISONS`)."""
    if comparison == "le":
        return value <= threshold
    if comparison == "lt":
        return value < threshold
    if comparison == "ge":
        return value >= threshold
    if comparison == "gt":
        return value > threshold
    raise ValueError(f"comparison must be one of {', '.join(COMPARISONS)}, not {comparison!r}")


def check_value(value: float, name: str) -> float:
    """``value`` as a float, or :class:`~lingtan.errors.InputError` if not a finite number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise InputError(f"{name} must be finite, not {value!r}")
    return number


def listing(values: Iterable[object]) -> str:
    """Sorted, comma-separated distinct values, or ``(none)``."""
    return ", ".join(sorted({str(v) for v in values})) or "(none)"


# --------------------------------------------------------------------------- reading


def read_packaged(name: str) -> io.StringIO:
    """A packaged table under ``lingtan/efficiency/grades/data/`` as a text buffer."""
    text = (resources.files(_DATA_PACKAGE) / "data" / name).read_text(encoding="utf-8")
    return io.StringIO(text, newline="")


def _open(path_or_buffer: PathOrBuffer) -> tuple[IO[str], bool, str]:
    if isinstance(path_or_buffer, (str, os.PathLike)):
        handle = open(path_or_buffer, encoding="utf-8-sig", newline="")  # noqa: SIM115
        return handle, True, Path(path_or_buffer).name
    name = Path(str(getattr(path_or_buffer, "name", "table.csv"))).name
    return path_or_buffer, False, name


def read_table(
    path_or_buffer: PathOrBuffer, columns: Sequence[str], file_name: str | None = None
) -> tuple[RowChecker, list[tuple[int, dict[str, str]]]]:
    """Read a CSV table whose header must be exactly ``columns`` (in any order).

    Parameters
    ----------
    path_or_buffer : path or text buffer
        UTF-8 CSV (a BOM is accepted).
    columns : sequence of str
        Required columns; any other column is an error.
    file_name : str, optional
        Name used in error reports; defaults to the file's base name.

    Returns
    -------
    (RowChecker, list of (int, dict))
        A checker for the file, already holding a problem for each row with
        more values than columns, and the stripped cells of each row with its
        1-based line number (the header is line 1). Blank lines are skipped.

    Raises
    ------
    GradeTableError
        For a missing header or a missing or unknown column.
    """
    handle, owned, default_name = _open(path_or_buffer)
    name = file_name or default_name
    try:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise GradeTableError([Problem(name, None, None, "file is empty; expected a header")])
        header = [h.strip() for h in header]
        problems = [Problem(name, 1, c, "required column is missing")
                    for c in columns if c not in header]
        problems += [Problem(name, 1, c, "unknown column") for c in header if c not in columns]
        if problems:
            raise GradeTableError(problems)
        check = RowChecker(name)
        rows: list[tuple[int, dict[str, str]]] = []
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                check.add(line, None, "more values than columns")
            cells = dict(zip(header, (v.strip() for v in values), strict=False))
            rows.append((line, {c: cells.get(c, "") for c in columns}))
    finally:
        if owned:
            handle.close()
    return check, rows


class RowChecker:
    """Collects :class:`~lingtan.errors.Problem` s while cells of one file are parsed."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.problems: list[Problem] = []

    def add(self, line: int, field: str | None, reason: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(self.file_name, line, field, reason))

    def text(
        self, line: int, row: dict[str, str], field: str, choices: Sequence[str] | None = None
    ) -> str:
        """A required text cell, optionally one of ``choices``."""
        value = row[field]
        if not value:
            self.add(line, field, "is empty")
        elif choices is not None and value not in choices:
            self.add(line, field, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def number(
        self, line: int, row: dict[str, str], field: str, *, required: bool = True
    ) -> float | None:
        """A finite, non-negative number cell; ``None`` when empty and not required."""
        text = row[field]
        if not text:
            if required:
                self.add(line, field, "is empty")
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            self.add(line, field, f"{text!r} is not a finite non-negative number")
            return None
        return value

    def provenance(self, line: int, row: dict[str, str]) -> tuple[str, str]:
        """The ``source`` (required) and ``confidence`` (V/R/U) cells."""
        return self.text(line, row, "source"), self.text(line, row, "confidence", CONFIDENCE_MARKS)

    def duplicate(self, line: int, key: object, seen: dict[object, int]) -> None:
        """Record a problem if ``key`` was already seen in this file."""
        if key in seen:
            self.add(line, None, f"duplicate key {key}; first at row {seen[key]}")
        seen.setdefault(key, line)

    def raise_if_any(self) -> None:
        """Raise :class:`GradeTableError` if any problem was recorded."""
        if self.problems:
            raise GradeTableError(self.problems)
