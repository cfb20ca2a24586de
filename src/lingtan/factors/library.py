"""The factor library: emission factors, GWP sets and standard-coal coefficients as data.

Every number lingtan multiplies an activity by lives in a CSV table under
``lingtan/factors/data/``, one row per value, with its source and a confidence
mark (DESIGN.md, "Rules and reference data are data, not code"). A factory can
add rows or override packaged ones with its own ``factors.csv``.

A factor is identified by its *key* ``(family, subject, geography, data_year,
scheme)``. :meth:`FactorLibrary.get` matches every part of the key exactly and
never falls back to another year, region or table: a missing factor raises
:class:`~lingtan.errors.FactorNotFoundError` naming what was asked and what
exists instead.

Table columns (``FACTOR_COLUMNS``)
----------------------------------
=========== ==============================================================
factor_id   stable unique id, e.g. ``grid_average.electricity.CN-JS.2023``
family      one of ``families.csv`` (``grid_average``, ``ncv``, ``gwp``, …)
subject     what the factor applies to: ``electricity``, a fuel id, a gas id
geography   ``CN``, ``region:east``, ``CN-JS`` (ISO 3166-2:CN) or ``global``
data_year   year the value describes; empty when not year-specific
scheme      publication or table: ``mee_nbs``, ``mee_2013``, ``AR6``, …
value       the number, in ``unit``
unit        must be one of the family's ``allowed_units``
source      the primary document
confidence  ``V`` verified, ``R`` reported, ``U`` uncertain (domain.md §0)
note        where the value was read, caveats
=========== ==============================================================
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any

from lingtan.errors import FactorNotFoundError, InputError, PackageError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONFIDENCE_MARKS",
    "FACTOR_COLUMNS",
    "Factor",
    "FactorKey",
    "FactorLibrary",
    "Family",
    "packaged_families",
    "read_factor_rows",
]

#: Columns of every factor table, in order.
FACTOR_COLUMNS: tuple[str, ...] = (
    "factor_id", "family", "subject", "geography", "data_year", "scheme",
    "value", "unit", "source", "confidence", "note",
)
#: Confidence marks of domain.md §0: verified, reported, uncertain.
CONFIDENCE_MARKS: tuple[str, ...] = ("V", "R", "U")
#: Where a row came from.
ORIGINS: tuple[str, ...] = ("packaged", "user")
#: Packaged factor tables, loaded in this order.
FACTOR_TABLES: tuple[str, ...] = ("electricity.csv", "heat.csv", "fuels.csv", "gwp.csv", "tce.csv")
#: Other packaged tables (not factor rows).
AUXILIARY_TABLES: tuple[str, ...] = ("families.csv", "refrigerant_blends.csv")

_DATA_PACKAGE = "lingtan.factors"
_REQUIRED_TEXT = ("factor_id", "family", "subject", "geography", "scheme", "unit", "source")

#: ``(family, subject, geography, data_year, scheme)``
FactorKey = tuple[str, str, str, int | None, str]


@dataclass(frozen=True)
class Factor:
    """One value of the library, with its provenance.

    Parameters
    ----------
    factor_id : str
        Stable unique id.
    family, subject, geography : str
        What the value is (see the module docstring).
    data_year : int or None
        Year the value describes; ``None`` when not year-specific.
    scheme : str
        Publication or table the value belongs to.
    value : float
        The number, in ``unit``.
    unit : str
        One of the family's allowed units (``families.csv``).
    source : str
        Primary document.
    confidence : str
        ``V``, ``R`` or ``U`` (domain.md §0).
    note : str
        Where it was read, caveats.
    origin : str
        ``"packaged"`` or ``"user"`` (a row of the factory's ``factors.csv``).
    """

    factor_id: str
    family: str
    subject: str
    geography: str
    data_year: int | None
    scheme: str
    value: float
    unit: str
    source: str
    confidence: str
    note: str
    origin: str = "packaged"

    @property
    def key(self) -> FactorKey:
        """``(family, subject, geography, data_year, scheme)``: what an override replaces."""
        return (self.family, self.subject, self.geography, self.data_year, self.scheme)

    def as_dict(self) -> dict[str, Any]:
        """All fields as a plain dict (for JSON output and inventory lines)."""
        return asdict(self)


@dataclass(frozen=True)
class Family:
    """A family of factors and the units its values may carry (``families.csv``)."""

    name: str
    allowed_units: tuple[str, ...]
    description: str


# --------------------------------------------------------------------------- reading


def _read_packaged_text(name: str) -> str:
    return (resources.files(_DATA_PACKAGE) / "data" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def packaged_families() -> Mapping[str, Family]:
    """Families of ``families.csv``, by name (read-only).

    Returns
    -------
    Mapping of str to Family
    """
    reader = csv.DictReader(io.StringIO(_read_packaged_text("families.csv")))
    return MappingProxyType({
        row["family"]: Family(
            name=row["family"],
            allowed_units=tuple(u.strip() for u in row["allowed_units"].split("|")),
            description=row["description"],
        )
        for row in reader
    })


def factor_problems(factor: Factor) -> list[tuple[str, str]]:
    """Check a parsed factor against the families table and the confidence marks.

    Parameters
    ----------
    factor : Factor

    Returns
    -------
    list of (field, reason)
        Empty when the factor is valid.
    """
    problems = [(name, "is empty") for name in _REQUIRED_TEXT if not getattr(factor, name)]
    family = packaged_families().get(factor.family)
    if factor.family and family is None:
        known = ", ".join(packaged_families())
        problems.append(("family", f"unknown family {factor.family!r}; known: {known}"))
    elif family is not None and factor.unit and factor.unit not in family.allowed_units:
        allowed = ", ".join(family.allowed_units)
        problems.append(
            ("unit", f"unit {factor.unit!r} is not allowed for family {factor.family!r}; "
                     f"allowed: {allowed}")
        )
    if factor.confidence not in CONFIDENCE_MARKS:
        problems.append(("confidence", f"{factor.confidence!r} is not one of V, R, U"))
    if factor.origin not in ORIGINS:
        problems.append(("origin", f"{factor.origin!r} is not one of {', '.join(ORIGINS)}"))
    return problems


def _parse_year(text: str) -> int | None:
    if not text:
        return None
    year = int(text)
    if not 1900 <= year <= 2200:
        raise ValueError(text)
    return year


def _parse_value(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _parse_row(
    row: dict[str, str], origin: str
) -> tuple[Factor | None, list[tuple[str, str]]]:
    """Turn one CSV record into a :class:`Factor`, or report why it cannot be."""
    cells = {k: (row.get(k) or "").strip() for k in FACTOR_COLUMNS}
    problems: list[tuple[str, str]] = []
    try:
        year = _parse_year(cells["data_year"])
    except ValueError:
        problems.append(("data_year", f"{cells['data_year']!r} is not a year (e.g. 2023) or empty"))
    try:
        value = _parse_value(cells["value"])
    except ValueError:
        problems.append(("value", f"{cells['value']!r} is not a finite number"))
    if problems:
        return None, problems
    text = {k: cells[k] for k in FACTOR_COLUMNS if k not in ("data_year", "value")}
    factor = Factor(**text, data_year=year, value=value, origin=origin)
    return factor, factor_problems(factor)


def _header_problems(header: Sequence[str] | None, file_name: str) -> list[Problem]:
    if header is None:
        return [Problem(file_name, None, None, "file is empty; expected a header row")]
    columns = [h.strip() for h in header]
    missing = [c for c in FACTOR_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in FACTOR_COLUMNS]
    problems = [Problem(file_name, 1, c, "required column is missing") for c in missing]
    problems += [Problem(file_name, 1, c, "unknown column") for c in unknown]
    return problems


def _duplicate_problems(
    factor: Factor, line: int, keys: dict[FactorKey, int], ids: dict[str, int]
) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    if factor.key in keys:
        problems.append((None, f"duplicate key (family, subject, geography, data_year, "
                               f"scheme) {factor.key}; first at row {keys[factor.key]}"))
    if factor.factor_id in ids:
        problems.append(("factor_id", f"duplicate factor_id {factor.factor_id!r}; "
                                      f"first at row {ids[factor.factor_id]}"))
    keys.setdefault(factor.key, line)
    ids.setdefault(factor.factor_id, line)
    return problems


def _open_text(path_or_buffer: str | os.PathLike[str] | IO[str]) -> tuple[IO[str], bool]:
    if isinstance(path_or_buffer, (str, os.PathLike)):
        return open(path_or_buffer, encoding="utf-8-sig", newline=""), True
    return path_or_buffer, False


def _default_name(path_or_buffer: str | os.PathLike[str] | IO[str]) -> str:
    if isinstance(path_or_buffer, (str, os.PathLike)):
        return Path(path_or_buffer).name
    return Path(str(getattr(path_or_buffer, "name", "factors.csv"))).name


def read_factor_rows(
    path_or_buffer: str | os.PathLike[str] | IO[str],
    *,
    origin: str,
    file_name: str | None = None,
) -> list[Factor]:
    """Parse a factor table (a packaged CSV or a factory's ``factors.csv``).

    Parameters
    ----------
    path_or_buffer : path or text buffer
        UTF-8 CSV with the columns :data:`FACTOR_COLUMNS` (a BOM is accepted).
    origin : {"packaged", "user"}
        Recorded on every returned factor.
    file_name : str, optional
        Name used in error reports; defaults to the file's base name.

    Returns
    -------
    list of Factor
        In file order.

    Raises
    ------
    PackageError
        With one :class:`~lingtan.errors.Problem` (file, row, field, reason)
        per invalid value: missing or unknown column, unknown family, unit not
        allowed for the family, non-numeric value, bad year, confidence not
        V/R/U, empty required field, duplicate key or factor_id. Nothing is
        returned if any row is invalid.
    """
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {ORIGINS}, not {origin!r}")
    name = file_name or _default_name(path_or_buffer)
    handle, owned = _open_text(path_or_buffer)
    try:
        return _read_rows(csv.DictReader(handle), origin, name)
    finally:
        if owned:
            handle.close()


def _read_rows(reader: csv.DictReader[str], origin: str, file_name: str) -> list[Factor]:
    problems = _header_problems(reader.fieldnames, file_name)
    if problems:
        raise PackageError(problems)
    reader.fieldnames = [h.strip() for h in reader.fieldnames or ()]
    factors: list[Factor] = []
    keys: dict[FactorKey, int] = {}
    ids: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        factor, parse_problems = _parse_row(row, origin)
        row_problems: list[tuple[str | None, str]] = [*parse_problems]
        if None in row:
            row_problems.append((None, "more values than columns"))
        if factor is not None:
            row_problems += _duplicate_problems(factor, line, keys, ids)
            factors.append(factor)
        problems += [Problem(file_name, line, fld, why) for fld, why in row_problems]
    if problems:
        raise PackageError(problems)
    return factors


@lru_cache(maxsize=1)
def _packaged_library() -> FactorLibrary:
    rows: list[Factor] = []
    for name in FACTOR_TABLES:
        buffer = io.StringIO(_read_packaged_text(name), newline="")
        rows += read_factor_rows(buffer, origin="packaged", file_name=f"factors/data/{name}")
    return FactorLibrary(rows)


# --------------------------------------------------------------------------- library


def _fmt_year(year: int | None) -> str:
    return "(none)" if year is None else str(year)


def _listing(values: Iterable[object]) -> str:
    return ", ".join(sorted({str(v) for v in values})) or "(none)"


class FactorLibrary:
    """An immutable set of factors with exact, non-falling-back look-up.

    Build it with :meth:`packaged` (the tables shipped with lingtan),
    :meth:`from_rows`, and :meth:`with_overrides` (a factory's ``factors.csv``).

    Raises
    ------
    InputError
        If two factors share a key or a factor_id, or a factor fails
        :func:`factor_problems`.
    """

    __slots__ = ("_by_key", "_by_subject", "_factors")

    def __init__(self, factors: Iterable[Factor]) -> None:
        self._factors: tuple[Factor, ...] = tuple(factors)
        self._by_key: dict[FactorKey, Factor] = {}
        self._by_subject: dict[tuple[str, str], list[Factor]] = {}
        self._index()

    def _index(self) -> None:
        ids: set[str] = set()
        errors: list[str] = []
        for f in self._factors:
            errors += [f"{f.factor_id!r}: {fld} {why}" for fld, why in factor_problems(f)]
            if f.key in self._by_key or f.factor_id in ids:
                errors.append(f"{f.factor_id!r}: duplicate key {f.key} or factor_id")
            ids.add(f.factor_id)
            self._by_key[f.key] = f
            self._by_subject.setdefault((f.family, f.subject), []).append(f)
        if errors:
            raise InputError("invalid factor library: " + "; ".join(errors[:20]))

    # -- construction -------------------------------------------------------------

    @classmethod
    def packaged(cls) -> FactorLibrary:
        """The factor tables shipped in ``lingtan/factors/data`` (loaded once, cached)."""
        return _packaged_library()

    @classmethod
    def from_rows(cls, rows: Iterable[Factor]) -> FactorLibrary:
        """A library holding exactly ``rows``."""
        return cls(rows)

    def with_overrides(self, user_rows: Iterable[Factor]) -> FactorLibrary:
        """A new library in which user rows replace or extend this one.

        A user row whose key ``(family, subject, geography, data_year,
        scheme)`` equals a row of this library replaces it; any other user row
        is added. Every user row is labelled ``origin="user"`` so that results
        using it say so.

        Parameters
        ----------
        user_rows : iterable of Factor
            Usually ``read_factor_rows("factors.csv", origin="user")``.

        Returns
        -------
        FactorLibrary

        Raises
        ------
        InputError
            If two user rows share a key, or a user row reuses the factor_id
            of a different packaged factor.
        """
        user = [replace(f, origin="user") for f in user_rows]
        self._check_user_rows(user)
        merged = dict(self._by_key)
        for f in user:
            merged[f.key] = f
        return FactorLibrary(merged.values())

    def _check_user_rows(self, user: list[Factor]) -> None:
        keys = [f.key for f in user]
        dupes = sorted({str(k) for k in keys if keys.count(k) > 1})
        if dupes:
            raise InputError(f"user factors repeat a key: {', '.join(dupes)}")
        replaced = set(keys)
        taken = {f.factor_id: f.key for f in self._factors if f.key not in replaced}
        clashes = [f.factor_id for f in user if f.factor_id in taken]
        if clashes:
            raise InputError(
                f"user factor_id(s) {', '.join(clashes)} already name other factors; "
                "use the packaged key to override, or a new factor_id"
            )

    # -- look-up ------------------------------------------------------------------

    def get(
        self,
        family: str,
        subject: str,
        *,
        geography: str = "CN",
        data_year: int | None = None,
        scheme: str | None = None,
    ) -> Factor:
        """The one factor matching the key exactly.

        Parameters
        ----------
        family, subject : str
            E.g. ``"grid_average", "electricity"`` or ``"ncv", "diesel"``.
        geography : str, default "CN"
            ``CN``, ``region:east``, ``CN-JS`` or ``global`` (GWP).
        data_year : int or None, default None
            ``None`` matches only rows that are not year-specific.
        scheme : str, optional
            Required when several schemes match.

        Returns
        -------
        Factor

        Raises
        ------
        FactorNotFoundError
            If nothing matches (the message names the key asked for and lists
            the years, geographies and schemes that do exist), or if several
            schemes match and ``scheme`` was not given. Never falls back to
            another year, region or table.
        """
        pool = self._by_subject.get((family, subject), [])
        matches = [
            f for f in pool
            if f.geography == geography and f.data_year == data_year
            and (scheme is None or f.scheme == scheme)
        ]
        if len(matches) == 1:
            return matches[0]
        asked = (f"family={family!r}, subject={subject!r}, geography={geography!r}, "
                 f"data_year={_fmt_year(data_year)}, scheme={scheme or '(any)'}")
        if matches:
            raise FactorNotFoundError(
                f"several factors match {asked}: schemes {_listing(f.scheme for f in matches)}; "
                "pass scheme= to choose one"
            )
        available = self._available(family, subject, geography)
        raise FactorNotFoundError(f"no factor for {asked}. {available}")

    def _available(self, family: str, subject: str, geography: str) -> str:
        tail = ("lingtan does not fall back to another year, region or table: "
                "choose one of these or add the factor to factors.csv.")
        pool = self._by_subject.get((family, subject), [])
        if not pool:
            subjects = [s for (fam, s) in self._by_subject if fam == family]
            if subjects:
                return f"Subjects of family {family!r}: {_listing(subjects)}. {tail}"
            families = _listing(fam for fam, _ in self._by_subject)
            return f"Family {family!r} is not in the library (families: {families}). {tail}"
        here = [f for f in pool if f.geography == geography]
        local = (f" For geography {geography!r}: data years "
                 f"{_listing(_fmt_year(f.data_year) for f in here)}, "
                 f"schemes {_listing(f.scheme for f in here)}." if here else "")
        return (f"Available for {family}/{subject}: data years "
                f"{_listing(_fmt_year(f.data_year) for f in pool)}; geographies "
                f"{_listing(f.geography for f in pool)}; schemes "
                f"{_listing(f.scheme for f in pool)}.{local} {tail}")

    def gwp(self, gas: str, gwp_set: str) -> Factor:
        """100-year GWP of ``gas`` in ``gwp_set`` (``"AR4"``, ``"AR5"``, ``"AR6"``, ``"SAR"``).

        Gas ids: ``CO2``, ``CH4``, ``CH4_fossil``, ``CH4_nonfossil``, ``N2O``,
        ``SF6``, ``NF3``, ``HFC-134a``, ``CF4``, … (domain.md §2.6; IPCC AR5
        WG1 Table 8.A.1, AR6 WG1 Table 7.15).

        Raises
        ------
        FactorNotFoundError
            If the set does not give a value for the gas (e.g. ``CH4_fossil``
            in AR4): no other set is substituted.
        """
        return self.get("gwp", gas, geography="global", data_year=None, scheme=gwp_set)

    def select(self, **filters: object) -> list[Factor]:
        """Factors whose fields equal every given filter, in library order.

        ``select(family="grid_average", data_year=2023)``; ``data_year=None``
        selects rows that are not year-specific.

        Raises
        ------
        TypeError
            If a filter is not a :class:`Factor` field.
        """
        names = {f.name for f in fields(Factor)}
        unknown = sorted(set(filters) - names)
        if unknown:
            raise TypeError(f"unknown factor field(s) {unknown}; fields: {sorted(names)}")
        return [f for f in self._factors if all(getattr(f, k) == v for k, v in filters.items())]

    # -- views --------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """All factors as a DataFrame (``data_year`` as nullable ``Int64``)."""
        import pandas as pd

        columns = [*FACTOR_COLUMNS, "origin"]
        frame = pd.DataFrame([f.as_dict() for f in self._factors], columns=columns)
        return frame.astype({"data_year": "Int64", "value": "float64"})

    def __iter__(self) -> Iterator[Factor]:
        return iter(self._factors)

    def __len__(self) -> int:
        return len(self._factors)

    def __repr__(self) -> str:
        user = sum(f.origin == "user" for f in self._factors)
        return f"FactorLibrary({len(self)} factors, {user} from the user)"
