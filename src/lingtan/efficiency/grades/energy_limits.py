"""Unit-product energy-consumption limits (能耗限额) of any national or local standard.

A 能耗限额 standard gives, per product, a **limit value** (限定值, the legal
ceiling), an **access value** (准入值, for new plants) and an **advanced
value** (先进值); the 《工业重点领域能效标杆水平和基准水平（2023年版）》 adds
**benchmark** (标杆) and **baseline** (基准) levels. domain.md §5 has no
numbers for these products ([U]), so the packaged ``data/energy_limits.csv``
is a header only: users add rows in their own file with the same columns
(:data:`LIMIT_COLUMNS`), loaded by :func:`load_energy_limits`.

Lower is better: a level is met when ``value ≤ threshold`` (``comparison``
``le``, inclusive, as limit standards state "不高于") or ``value < threshold``
(``lt``). The status of a value is the best level it meets, i.e. the met
level with the lowest threshold (on a tie, the first of :data:`LEVELS`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Literal

from lingtan.efficiency.grades._table import (
    GradeTableError,
    RowChecker,
    UnknownGradeKeyError,
    check_value,
    listing,
    meets,
    read_packaged,
    read_table,
)
from lingtan.errors import Problem

__all__ = [
    "LEVELS",
    "LIMIT_COLUMNS",
    "EnergyLimit",
    "EnergyLimitStatus",
    "EnergyLimitTable",
    "energy_limit_status",
    "load_energy_limits",
]

Status = Literal["advanced", "benchmark", "access", "baseline", "limit", "above_limit",
                 "no_level"]
#: Levels, best first; the column of each is ``<level>_value``.
LEVELS: tuple[str, ...] = ("advanced", "benchmark", "access", "baseline", "limit")
#: Lower-is-better comparisons allowed in ``comparison``.
LIMIT_COMPARISONS: tuple[str, ...] = ("le", "lt")
LIMIT_COLUMNS: tuple[str, ...] = (
    "standard_id", "product", "indicator", "unit", "limit_value", "access_value",
    "advanced_value", "benchmark_value", "baseline_value", "comparison", "source",
    "confidence", "note",
)
#: Pairs (better, worse) that must satisfy better ≤ worse when both are given.
_ORDER: tuple[tuple[str, str], ...] = (
    ("advanced", "access"), ("access", "limit"), ("advanced", "limit"), ("benchmark", "baseline"),
)

LimitKey = tuple[str, str, str]


@dataclass(frozen=True)
class EnergyLimit:
    """One product row of a 能耗限额 table; any level may be ``None`` (not given)."""

    standard_id: str
    product: str
    indicator: str
    unit: str
    limit_value: float | None
    access_value: float | None
    advanced_value: float | None
    benchmark_value: float | None
    baseline_value: float | None
    comparison: str
    source: str
    confidence: str
    note: str

    @property
    def key(self) -> LimitKey:
        """``(standard_id, product, indicator)``."""
        return (self.standard_id, self.product, self.indicator)

    def levels(self) -> dict[str, float]:
        """The given levels and their thresholds, best level first."""
        values = {lvl: getattr(self, f"{lvl}_value") for lvl in LEVELS}
        return {lvl: v for lvl, v in values.items() if v is not None}


@dataclass(frozen=True)
class EnergyLimitStatus:
    """Where a measured value falls in a product's levels.

    Parameters
    ----------
    status : str
        Best level met (``"advanced"``, ``"benchmark"``, ``"access"``,
        ``"baseline"``, ``"limit"``), ``"above_limit"`` when the limit value is
        exceeded, or ``"no_level"`` when no level is met and the row has no
        limit value.
    threshold : float or None
        Threshold of the met level (of the limit for ``"above_limit"``).
    """

    standard_id: str
    product: str
    indicator: str
    unit: str
    value: float
    status: Status
    threshold: float | None
    comparison: str
    source: str
    confidence: str
    note: str


def _parse_row(check: RowChecker, line: int, row: dict[str, str]) -> EnergyLimit:
    text = {f: check.text(line, row, f) for f in ("standard_id", "product", "indicator", "unit")}
    values = {f"{lvl}_value": check.number(line, row, f"{lvl}_value", required=False)
              for lvl in LEVELS}
    comparison = check.text(line, row, "comparison", LIMIT_COMPARISONS)
    source, confidence = check.provenance(line, row)
    if all(v is None for v in values.values()) and not any(row[k] for k in values):
        check.add(line, None, f"no level given; fill at least one of "
                              f"{', '.join(f'{lvl}_value' for lvl in LEVELS)}")
    for better, worse in _ORDER:
        b, w = values[f"{better}_value"], values[f"{worse}_value"]
        if b is not None and w is not None and b > w:
            check.add(line, f"{better}_value",
                      f"{better} value {b:g} is worse than {worse} value {w:g} "
                      f"(lower is better)")
    return EnergyLimit(
        text["standard_id"], text["product"], text["indicator"], text["unit"],
        values["limit_value"], values["access_value"], values["advanced_value"],
        values["benchmark_value"], values["baseline_value"], comparison, source, confidence,
        row["note"],
    )


def _read(path_or_buffer: str | os.PathLike[str] | IO[str], file_name: str | None,
          seen: dict[LimitKey, tuple[str, int]]) -> list[EnergyLimit]:
    check, rows = read_table(path_or_buffer, LIMIT_COLUMNS, file_name)
    limits: list[EnergyLimit] = []
    for line, row in rows:
        limit = _parse_row(check, line, row)
        if limit.key in seen:
            first_file, first_line = seen[limit.key]
            check.add(line, None, f"duplicate (standard_id, product, indicator) {limit.key}; "
                                  f"first in {first_file}, row {first_line}")
        seen.setdefault(limit.key, (check.file_name, line))
        limits.append(limit)
    check.raise_if_any()
    return limits


def load_energy_limits(
    *paths: str | os.PathLike[str] | IO[str],
) -> EnergyLimitTable:
    """The packaged ``energy_limits.csv`` (header only) plus the user's limit files.

    Parameters
    ----------
    *paths : path or text buffer
        CSV files with the columns :data:`LIMIT_COLUMNS`, UTF-8.

    Returns
    -------
    EnergyLimitTable

    Raises
    ------
    GradeTableError
        Naming file, row and field of every invalid value: missing or unknown
        column, empty standard_id / product / indicator / unit / source, no
        level given, a level that is not a finite number ≥ 0, levels out of
        order (advanced ≤ access ≤ limit, benchmark ≤ baseline), comparison
        not ``le``/``lt``, confidence not V/R/U, duplicate key within or
        across files.
    """
    seen: dict[LimitKey, tuple[str, int]] = {}
    rows = _read(read_packaged("energy_limits.csv"), "efficiency/grades/energy_limits.csv", seen)
    problems: list[Problem] = []
    for path in paths:
        try:
            rows += _read(path, None, seen)
        except GradeTableError as exc:
            problems += exc.problems
    if problems:
        raise GradeTableError(problems)
    return EnergyLimitTable(rows)


class EnergyLimitTable:
    """An immutable set of :class:`EnergyLimit` rows with exact look-up."""

    __slots__ = ("_by_key",)

    def __init__(self, rows: Iterable[EnergyLimit]) -> None:
        self._by_key: dict[LimitKey, EnergyLimit] = {}
        for r in rows:
            if r.key in self._by_key:
                raise GradeTableError([Problem("(rows)", None, None, f"duplicate key {r.key}")])
            self._by_key[r.key] = r

    def get(self, standard_id: str, product: str, indicator: str | None = None) -> EnergyLimit:
        """The row for ``(standard_id, product[, indicator])``.

        Raises
        ------
        UnknownGradeKeyError
            Unknown standard (lists the standards), unknown product (lists the
            standard's products), or several indicators and none chosen / an
            unknown indicator (lists them).
        """
        standards = {k[0] for k in self._by_key}
        if standard_id not in standards:
            raise UnknownGradeKeyError(f"unknown standard_id {standard_id!r}; "
                                       f"loaded: {listing(standards)}")
        products = {k[1] for k in self._by_key if k[0] == standard_id}
        if product not in products:
            raise UnknownGradeKeyError(f"unknown product {product!r} in {standard_id!r}; "
                                       f"products: {listing(products)}")
        rows = [r for k, r in self._by_key.items() if k[:2] == (standard_id, product)
                and (indicator is None or k[2] == indicator)]
        if len(rows) != 1:
            indicators = listing(k[2] for k in self._by_key if k[:2] == (standard_id, product))
            asked = "none chosen" if indicator is None else f"unknown {indicator!r}"
            raise UnknownGradeKeyError(f"{standard_id!r} / {product!r}: {asked}; "
                                       f"indicators: {indicators}")
        return rows[0]

    def status(self, standard_id: str, product: str, value: float,
               indicator: str | None = None) -> EnergyLimitStatus:
        """See :func:`energy_limit_status`."""
        row = self.get(standard_id, product, indicator)
        number = check_value(value, "value")
        met = [(t, LEVELS.index(lvl), lvl) for lvl, t in row.levels().items()
               if meets(number, t, row.comparison)]
        status: Status
        threshold: float | None
        if met:
            threshold, _, level = min(met)
            status = level  # type: ignore[assignment]
        elif row.limit_value is not None:
            status, threshold = "above_limit", row.limit_value
        else:
            status, threshold = "no_level", None
        return EnergyLimitStatus(row.standard_id, row.product, row.indicator, row.unit, number,
                                 status, threshold, row.comparison, row.source, row.confidence,
                                 row.note)

    def __iter__(self) -> Iterator[EnergyLimit]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)


def energy_limit_status(
    standard_id: str,
    product: str,
    value: float,
    *,
    table: EnergyLimitTable,
    indicator: str | None = None,
) -> EnergyLimitStatus:
    """Classify a unit-product energy consumption against a 能耗限额 standard.

    Parameters
    ----------
    standard_id : str
        As in the table, e.g. ``"GB 21256-2013"``.
    product : str
        As in the table.
    value : float
        Measured indicator, in the row's ``unit`` (e.g. kgce/t).
    table : EnergyLimitTable
        From :func:`load_energy_limits`.
    indicator : str, optional
        Needed when the product has several indicators.

    Returns
    -------
    EnergyLimitStatus
        ``status`` is the best level met (lowest threshold met; ties go to
        the first of advanced, benchmark, access, baseline, limit),
        ``"above_limit"`` if the limit value is exceeded, ``"no_level"`` if no
        level is met and no limit value is given. With ``le`` a value exactly
        at a threshold meets it.

    Raises
    ------
    UnknownGradeKeyError
        Unknown standard, product or indicator (the message lists what exists).
    InputError
        If ``value`` is not a finite number.

    References
    ----------
    GB 能耗限额 standards (限定值 / 准入值 / 先进值); NDRC et al.
    《工业重点领域能效标杆水平和基准水平（2023年版）》. domain.md §5.
    """
    return table.status(standard_id, product, value, indicator)
