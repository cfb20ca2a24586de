"""Exceptions raised by lingtan.

The tree::

    LingtanError
    ├── InputError (also ValueError)           bad data supplied by the user
    │   ├── PackageError                       a data-package file, row or field is invalid
    │   ├── UnitError                          unknown unit, or a unit of the wrong dimension
    │   ├── NoDataError                        a period or site has no data to work on
    │   ├── InconsistentDataError              stored data that cannot all be right (a
    │   │                                      negative consumed electricity)
    │   └── BundleError                        a verifier bundle is refused before use (not a
    │                                          zip, no manifest, an entry outside it, unsafe
    │                                          path, over a size cap, damaged)
    ├── FactorNotFoundError (also LookupError) no factor for (family, subject, geography,
    │                                          year, scheme)
    └── StoreError                             the workspace database is unusable
        ├── SchemaVersionError                 database written by a newer lingtan
        ├── WorkspaceNotFoundError             no workspace at that path (never created
        │                                      by a command that only reads)
        └── WorkspaceBusyError                 another process holds the workspace

User-input errors subclass :class:`ValueError` so that generic callers can catch them
without importing lingtan.
"""

from __future__ import annotations

from dataclasses import dataclass

from lingtan.text import quote, safe


class LingtanError(Exception):
    """Base of every error lingtan raises on purpose."""


class InputError(LingtanError, ValueError):
    """Input supplied by the user is invalid."""


@dataclass(frozen=True)
class Problem:
    """One invalid value: where it is and why it is rejected.

    Parameters
    ----------
    file : str
        File name inside the data package (``readings/grid.csv``).
    row : int | None
        1-based line number in the file, the header being line 1 (``None`` for
        file-level problems).
    field : str | None
        Column name, or ``None`` when the whole row or file is at fault.
    reason : str
        Human-readable reason.

    Its text escapes every control or invisible character of the file name, field and
    reason (:func:`lingtan.text.safe`), so input never reaches a terminal raw.
    """

    file: str
    row: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = safe(self.file)
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field {quote(self.field)}"
        return f"{where}: {safe(self.reason)}"


class PackageError(InputError):
    """One or more rows of a data package are invalid; nothing was imported.

    Attributes
    ----------
    problems : list[Problem]
        Every problem found, in file and row order.
    """

    def __init__(self, problems: list[Problem], max_shown: int = 20) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:max_shown])
        more = len(problems) - max_shown
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"{len(problems)} invalid value(s), nothing imported:\n{shown}{tail}")


class UnitError(InputError):
    """A unit string is unknown or has the wrong dimension."""


class NoDataError(InputError):
    """There is no data for the requested site or period."""


class InconsistentDataError(InputError):
    """The stored data of a period contradict each other (a meter missing or misdeclared)."""


class BundleError(InputError):
    """A verifier bundle is refused: nothing in it was imported or compared.

    Attributes
    ----------
    bundle : str
        The bundle's path as given.
    problems : list[Problem]
        One per refused entry: ``file`` is the entry's name inside the zip (``""`` for
        the bundle as a whole), ``row`` a line number inside it when known.
    """

    def __init__(self, bundle: str, problems: list[Problem], max_shown: int = 20) -> None:
        self.bundle = bundle
        self.problems = problems
        shown = "\n".join(f"  {_entry_text(p)}" for p in problems[:max_shown])
        more = len(problems) - max_shown
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"bundle {bundle} refused, nothing verified:\n{shown}{tail}")


def _entry_text(problem: Problem) -> str:
    """``entry 'name', line N, field 'f': reason`` — the name quoted with escapes (repr)."""
    where = [f"entry {problem.file!r}"] if problem.file else []
    if problem.row is not None:
        where.append(f"line {problem.row}")
    if problem.field:
        where.append(f"field {problem.field!r}")
    return ", ".join(where) + ": " + problem.reason if where else problem.reason


class FactorNotFoundError(LingtanError, LookupError):
    """No factor matches what was asked; lingtan never falls back silently."""


class StoreError(LingtanError):
    """The workspace database cannot be used."""


class SchemaVersionError(StoreError):
    """The database schema is newer than this version of lingtan understands."""


class WorkspaceNotFoundError(StoreError):
    """A command that only reads was given a path where no workspace exists."""


class WorkspaceBusyError(StoreError):
    """Another process (an import, ``lingtan serve``) holds the workspace's write lock."""
