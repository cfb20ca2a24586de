"""Energy norms of 光伏制造行业规范条件（2024年本） (MIIT, 2024-11-20).

Polysilicon reduction and comprehensive power, ingot comprehensive power, for
existing and new plants, in kWh/kg. The limits are strict ("<") as reported
(domain.md §5 [R: news reproductions]); they live in
``data/pv_manufacturing_2024.csv``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import IO

from lingtan.efficiency.grades._table import (
    COMPARISONS,
    UnknownGradeKeyError,
    check_value,
    listing,
    meets,
    read_packaged,
    read_table,
)
from lingtan.errors import InputError

__all__ = ["PV_COLUMNS", "PvNorm", "PvNormCheck", "packaged_pv_norms", "pv_norm_check",
           "read_pv_norms"]

STANDARD = "光伏制造行业规范条件（2024年本）"
PLANTS: tuple[str, ...] = ("existing", "new")
PV_COLUMNS: tuple[str, ...] = (
    "process", "plant", "limit_kwh_per_kg", "comparison", "source", "confidence", "note",
)


@dataclass(frozen=True)
class PvNorm:
    """One row of the PV manufacturing norm table."""

    process: str
    plant: str
    limit_kwh_per_kg: float
    comparison: str
    source: str
    confidence: str
    note: str


@dataclass(frozen=True)
class PvNormCheck:
    """Whether a measured unit energy use complies with a norm.

    Parameters
    ----------
    process, plant : str
        Which norm (``"polysilicon_reduction"``, ``"existing"``).
    value_kwh_per_kg : float
        The measured value [kWh/kg].
    limit_kwh_per_kg : float
        The norm [kWh/kg].
    comparison : str
        ``"lt"``: complies when value < limit.
    complies : bool
    source, confidence, note : str
        Provenance of the norm row.
    """

    process: str
    plant: str
    value_kwh_per_kg: float
    limit_kwh_per_kg: float
    comparison: str
    complies: bool
    source: str
    confidence: str
    note: str


def read_pv_norms(
    path_or_buffer: str | os.PathLike[str] | IO[str], file_name: str | None = None
) -> dict[tuple[str, str], PvNorm]:
    """Parse a PV norm table (columns :data:`PV_COLUMNS`), keyed by ``(process, plant)``.

    Raises
    ------
    GradeTableError
        Naming file, row and field of every invalid value.
    """
    check, rows = read_table(path_or_buffer, PV_COLUMNS, file_name)
    norms: dict[tuple[str, str], PvNorm] = {}
    seen: dict[object, int] = {}
    for line, row in rows:
        process = check.text(line, row, "process")
        plant = check.text(line, row, "plant", PLANTS)
        limit = check.number(line, row, "limit_kwh_per_kg")
        comparison = check.text(line, row, "comparison", COMPARISONS)
        source, confidence = check.provenance(line, row)
        check.duplicate(line, (process, plant), seen)
        if limit is not None:
            norms[(process, plant)] = PvNorm(process, plant, limit, comparison, source,
                                             confidence, row["note"])
    check.raise_if_any()
    return norms


@lru_cache(maxsize=1)
def packaged_pv_norms() -> dict[tuple[str, str], PvNorm]:
    """The packaged table ``pv_manufacturing_2024.csv`` (loaded once; do not mutate)."""
    return read_pv_norms(read_packaged("pv_manufacturing_2024.csv"),
                         "efficiency/grades/pv_manufacturing_2024.csv")


def pv_norm_check(
    process: str,
    value_kwh_per_kg: float,
    existing: bool,
    table: dict[tuple[str, str], PvNorm] | None = None,
) -> PvNormCheck:
    """Check a unit power consumption against the PV manufacturing norms.

    Parameters
    ----------
    process : str
        ``"polysilicon_reduction"`` (还原电耗), ``"polysilicon_comprehensive"``
        (综合电耗) or ``"ingot_comprehensive"`` (average comprehensive power of
        ingots).
    value_kwh_per_kg : float
        Measured unit power consumption [kWh/kg].
    existing : bool
        ``True`` for an existing plant, ``False`` for a new or expanded one.
    table : dict, optional
        Defaults to :func:`packaged_pv_norms`.

    Returns
    -------
    PvNormCheck
        ``complies`` is ``value < limit`` (strict, as reported): polysilicon
        reduction < 46 (existing) / < 44 (new), comprehensive < 60 / < 57,
        ingots < 7.5 / < 6.5 kWh/kg.

    Raises
    ------
    UnknownGradeKeyError
        If ``process`` is not in the table (the message lists the processes).
    InputError
        If the value is not a finite number ≥ 0.

    References
    ----------
    MIIT 光伏制造行业规范条件（2024年本）, 2024-11-20. domain.md §5 [R].
    """
    norms = table if table is not None else packaged_pv_norms()
    plant = "existing" if existing else "new"
    norm = norms.get((process, plant))
    if norm is None:
        known = listing(p for p, _ in norms)
        raise UnknownGradeKeyError(
            f"no {STANDARD} norm for process {process!r} ({plant} plant); processes: {known}"
        )
    value = check_value(value_kwh_per_kg, "value_kwh_per_kg")
    if value < 0:
        raise InputError(f"value_kwh_per_kg must be ≥ 0, not {value_kwh_per_kg!r}")
    return PvNormCheck(process, plant, value, norm.limit_kwh_per_kg, norm.comparison,
                       meets(value, norm.limit_kwh_per_kg, norm.comparison), norm.source,
                       norm.confidence, norm.note)
