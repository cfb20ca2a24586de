"""The notebook-facing API: ``lingtan.open(db)`` returns a :class:`Workspace`."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import duckdb

from lingtan.accounting.inventory import compute_inventory
from lingtan.accounting.result import Inventory
from lingtan.ingest.importer import ImportSummary, import_package
from lingtan.store.workspace import DEFAULT_DB, connect


class Workspace:
    """A workspace database and the operations on it.

    Examples
    --------
    >>> ws = lingtan.open("lingtan.duckdb")            # doctest: +SKIP
    >>> ws.import_package("examples/minimal")          # doctest: +SKIP
    >>> ws.inventory(year=2025).to_frame()             # doctest: +SKIP
    """

    def __init__(self, db: str | Path = DEFAULT_DB) -> None:
        self.db = db
        self.con: duckdb.DuckDBPyConnection = connect(db)

    def import_package(self, path: str | Path, *, lenient: bool = False) -> ImportSummary:
        """Import a data package (see :func:`lingtan.ingest.importer.import_package`)."""
        return import_package(self.con, path, lenient=lenient)

    def inventory(self, year: int, *, site: str | None = None, gwp: str | None = None) -> Inventory:
        """The GHG inventory of ``year`` (see :func:`compute_inventory`)."""
        return compute_inventory(self.con, year, site_id=site, gwp=gwp)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def open(db: str | Path = DEFAULT_DB) -> Workspace:  # the documented entry point (shadows open)
    """Open (creating if needed) the workspace database ``db``."""
    return Workspace(db)
