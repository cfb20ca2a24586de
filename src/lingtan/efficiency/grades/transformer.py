"""Power-transformer grades of GB 20052-2024 电力变压器能效限定值及能效等级.

The packaged table ``data/transformer_gb20052.csv`` holds only the scope of the
standard (domain.md §5 [V]). The loss tables (no-load and load loss per rating
and grade) were not retrieved [U], so lingtan ships none: the user supplies
them in a loss file with the columns :data:`LOSS_COLUMNS`, read by
:func:`read_transformer_losses`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import IO

from lingtan.efficiency.grades._table import (
    GradeResult,
    UnknownGradeKeyError,
    check_value,
    listing,
    read_packaged,
    read_table,
)
from lingtan.errors import InputError

__all__ = [
    "LOSS_COLUMNS",
    "SCOPE_COLUMNS",
    "TransformerLoss",
    "TransformerScope",
    "packaged_transformer_scopes",
    "read_transformer_losses",
    "transformer_grade",
]

STANDARD = "GB 20052-2024"
SCOPE_COLUMNS: tuple[str, ...] = (
    "scope_id", "description", "voltage_min_kv", "voltage_max_kv", "rating_min_kva",
    "rating_max_kva", "source", "confidence", "note",
)
LOSS_COLUMNS: tuple[str, ...] = (
    "scope_id", "rating_kva", "grade", "no_load_loss_w", "load_loss_w", "source",
    "confidence", "note",
)


@dataclass(frozen=True)
class TransformerScope:
    """One class of transformer covered by GB 20052-2024 (ratings inclusive)."""

    scope_id: str
    description: str
    voltage_min_kv: float
    voltage_max_kv: float
    rating_min_kva: float
    rating_max_kva: float | None
    source: str
    confidence: str
    note: str

    def covers(self, rating_kva: float) -> bool:
        """Whether ``rating_kva`` lies in the scope's rating range (inclusive)."""
        upper = self.rating_max_kva
        return self.rating_min_kva <= rating_kva and (upper is None or rating_kva <= upper)


@dataclass(frozen=True)
class TransformerLoss:
    """User-supplied maximum losses of one grade at one rating."""

    scope_id: str
    rating_kva: float
    grade: int
    no_load_loss_w: float
    load_loss_w: float
    source: str
    confidence: str
    note: str


def read_transformer_scopes(
    path_or_buffer: str | os.PathLike[str] | IO[str], file_name: str | None = None
) -> dict[str, TransformerScope]:
    """Parse a scope table (columns :data:`SCOPE_COLUMNS`), keyed by ``scope_id``."""
    check, rows = read_table(path_or_buffer, SCOPE_COLUMNS, file_name)
    scopes: dict[str, TransformerScope] = {}
    seen: dict[object, int] = {}
    for line, row in rows:
        scope_id = check.text(line, row, "scope_id")
        numbers = [check.number(line, row, f) for f in SCOPE_COLUMNS[2:5]]
        upper = check.number(line, row, "rating_max_kva", required=False)
        source, confidence = check.provenance(line, row)
        check.duplicate(line, scope_id, seen)
        v_min, v_max, r_min = numbers
        if v_min is not None and v_max is not None and r_min is not None:
            scopes[scope_id] = TransformerScope(scope_id, row["description"], v_min, v_max,
                                                r_min, upper, source, confidence, row["note"])
    check.raise_if_any()
    return scopes


@lru_cache(maxsize=1)
def packaged_transformer_scopes() -> Mapping[str, TransformerScope]:
    """The packaged scope table ``transformer_gb20052.csv`` (loaded once; do not mutate)."""
    return read_transformer_scopes(read_packaged("transformer_gb20052.csv"),
                                   "efficiency/grades/transformer_gb20052.csv")


def read_transformer_losses(
    path_or_buffer: str | os.PathLike[str] | IO[str], file_name: str | None = None
) -> tuple[TransformerLoss, ...]:
    """Parse a user loss table (columns :data:`LOSS_COLUMNS`).

    Each row gives, for one ``scope_id`` of the packaged scope table and one
    rated power, the maximum no-load and load losses [W] of one grade.

    Raises
    ------
    GradeTableError
        Naming file, row and field of every invalid value: unknown scope_id,
        rating outside the scope, bad grade or loss, confidence not V/R/U,
        duplicate (scope_id, rating_kva, grade).
    """
    check, rows = read_table(path_or_buffer, LOSS_COLUMNS, file_name)
    scopes = packaged_transformer_scopes()
    losses: list[TransformerLoss] = []
    seen: dict[object, int] = {}
    for line, row in rows:
        scope_id = check.text(line, row, "scope_id")
        scope = scopes.get(scope_id)
        if scope_id and scope is None:
            check.add(line, "scope_id", f"unknown scope {scope_id!r}; known: {listing(scopes)}")
        rating = check.number(line, row, "rating_kva")
        if rating is not None and scope is not None and not scope.covers(rating):
            check.add(line, "rating_kva", f"{rating:g} kVA is outside scope {scope_id!r}")
        grade = row["grade"]
        if not grade.isdigit() or int(grade) < 1:
            check.add(line, "grade", f"{grade!r} is not a positive integer")
        no_load = check.number(line, row, "no_load_loss_w")
        load = check.number(line, row, "load_loss_w")
        source, confidence = check.provenance(line, row)
        if rating is not None and grade.isdigit() and no_load is not None and load is not None:
            check.duplicate(line, (scope_id, rating, int(grade)), seen)
            losses.append(TransformerLoss(scope_id, rating, int(grade), no_load, load, source,
                                          confidence, row["note"]))
    check.raise_if_any()
    return tuple(losses)


def transformer_grade(
    scope_id: str,
    rating_kva: float,
    no_load_loss_w: float,
    load_loss_w: float,
    losses: tuple[TransformerLoss, ...],
) -> GradeResult:
    """GB 20052-2024 grade of a transformer from its measured losses.

    Parameters
    ----------
    scope_id : str
        A scope of ``transformer_gb20052.csv`` (``"distribution_10kv"``, …).
    rating_kva : float
        Rated power [kVA]; must appear in ``losses`` for this scope.
    no_load_loss_w, load_loss_w : float
        Measured no-load and load losses [W].
    losses : tuple of TransformerLoss
        The user's loss table (:func:`read_transformer_losses`).

    Returns
    -------
    GradeResult
        The best grade whose no-load **and** load loss limits are both met
        (≤, inclusive), or ``grade=None``, status ``"below limit"`` when even
        the lowest grade in the table is missed. Provenance is the user row's.

    Raises
    ------
    UnknownGradeKeyError
        For an unknown scope, or a rating with no loss rows (the message lists
        the ratings that have rows).
    InputError
        For a loss that is not a finite number ≥ 0.

    References
    ----------
    GB 20052-2024 电力变压器能效限定值及能效等级; domain.md §5 (scope [V],
    loss tables [U]: not shipped). The "both losses ≤" rule is lingtan's
    reading [U]; check it against the standard's text.
    """
    scopes = packaged_transformer_scopes()
    if scope_id not in scopes:
        raise UnknownGradeKeyError(f"unknown {STANDARD} scope {scope_id!r}; "
                                   f"known: {listing(scopes)}")
    rating = check_value(rating_kva, "rating_kva")
    rows = sorted((r for r in losses if r.scope_id == scope_id and r.rating_kva == rating),
                  key=lambda r: r.grade)
    if not rows:
        ratings = listing(f"{r.rating_kva:g}" for r in losses if r.scope_id == scope_id)
        raise UnknownGradeKeyError(f"no loss rows for {scope_id!r} at {rating:g} kVA; "
                                   f"ratings with rows: {ratings}")
    no_load, load = (check_value(v, n) for v, n in
                     ((no_load_loss_w, "no_load_loss_w"), (load_loss_w, "load_loss_w")))
    if no_load < 0 or load < 0:
        raise InputError("losses must be ≥ 0")
    for r in rows:
        if no_load <= r.no_load_loss_w and load <= r.load_loss_w:
            return GradeResult(STANDARD, r.grade, f"grade {r.grade}", True, _bound(r),
                               r.source, r.confidence, r.note)
    low = rows[-1]
    return GradeResult(STANDARD, None, "below limit", False, _bound(low), low.source,
                       low.confidence, low.note)


def _bound(r: TransformerLoss) -> str:
    return f"no-load ≤ {r.no_load_loss_w:g} W, load ≤ {r.load_loss_w:g} W"
