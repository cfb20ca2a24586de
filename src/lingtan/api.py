"""The notebook-facing API: ``lingtan.open(db)`` returns a :class:`Workspace`."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb

from lingtan.accounting.inventory import compute_inventory
from lingtan.accounting.result import Inventory
from lingtan.ingest.importer import ImportSummary, import_package
from lingtan.ingest.progress import ImportProgress
from lingtan.store.workspace import DEFAULT_DB, connect

if TYPE_CHECKING:
    from lingtan.accounting.monthly import MonthlyInventory
    from lingtan.assessment import AssessmentReport
    from lingtan.instruments.holdings import Holdings
    from lingtan.matching.site import HourlyView


class Workspace:
    """A workspace database and the operations on it.

    Examples
    --------
    >>> ws = lingtan.open("lingtan.duckdb")            # doctest: +SKIP
    >>> ws.import_package("examples/minimal")          # doctest: +SKIP
    >>> ws.inventory(year=2025).to_frame()             # doctest: +SKIP
    """

    def __init__(self, db: str | Path = DEFAULT_DB, *, read_only: bool = False,
                 create: bool = True) -> None:
        self.db = db
        self.read_only = read_only
        self.con: duckdb.DuckDBPyConnection = connect(db, read_only=read_only, create=create)

    def import_package(self, path: str | Path, *, lenient: bool = False,
                       progress: ImportProgress | None = None) -> ImportSummary:
        """Import a data package (see :func:`lingtan.ingest.importer.import_package`)."""
        return import_package(self.con, path, lenient=lenient, progress=progress)

    def inventory(self, year: int, *, site: str | None = None, gwp: str | None = None) -> Inventory:
        """The GHG inventory of ``year`` (see :func:`compute_inventory`)."""
        return compute_inventory(self.con, year, site_id=site, gwp=gwp)

    def monthly(self, year: int, *, site: str | None = None,
                gwp: str | None = None) -> MonthlyInventory:
        """The inventory month by month (see
        :func:`lingtan.accounting.monthly.monthly_inventory`)."""
        from lingtan.accounting.monthly import monthly_inventory

        return monthly_inventory(self.con, year, site_id=site, gwp=gwp)

    def assess(self, scheme: str, year: int, *, site: str | None = None,
               definition: str | None = None) -> AssessmentReport:
        """Evaluate ``year`` against a scheme (see :func:`lingtan.assessment.assess`)."""
        from lingtan.assessment import assess

        return assess(self.con, scheme, year, site_id=site, definition=definition)

    def hourly(self, year: int, *, site: str | None = None,
               grid_cfe_share: float | None = None) -> HourlyView:
        """The hourly (24/7) view (see :func:`lingtan.matching.site.hourly_view`)."""
        from lingtan.matching.site import hourly_view

        return hourly_view(self.con, year, site_id=site, grid_cfe_share=grid_cfe_share)

    def efficiency(self, year: int, *, site: str | None = None) -> dict[str, Any]:
        """Unit-product energy, PUE/CUE/WUE, equipment and savings (``lingtan efficiency``)."""
        from lingtan.efficiency.report import efficiency_report

        return efficiency_report(self.con, year, site_id=site)

    def instruments(self, year: int, *, site: str | None = None) -> Holdings:
        """Instruments held at 31 December ``year`` (``lingtan instruments``)."""
        from lingtan.instruments.holdings import holdings

        return holdings(self.con, year, site_id=site)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def open(db: str | Path = DEFAULT_DB, *, read_only: bool = False,  # shadows open: documented
         create: bool = True) -> Workspace:
    """Open the workspace database ``db``.

    Parameters
    ----------
    read_only : bool
        Open without write access: other readers may open it at the same time, and
        nothing is written (see :func:`lingtan.store.workspace.connect`).
    create : bool
        Create an empty workspace when there is no file at ``db`` (else
        :class:`~lingtan.errors.WorkspaceNotFoundError`).
    """
    return Workspace(db, read_only=read_only, create=create)
