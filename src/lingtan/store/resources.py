"""What a workspace operation may use of the machine: memory, and the disk it spills to.

DuckDB holds its working data (the import's staging and pipeline tables, sorts, hash
tables) in a buffer pool capped by ``memory_limit`` and writes what does not fit to its
temporary directory. Its default cap is 80 % of the machine's memory, so a large import
took 11–12 GiB on a 24 GiB machine and could not run beside anything else. An import
now runs under a fixed budget, whatever the size of the package
(bench/RESULTS.md, "Bounded memory").
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from lingtan.errors import StoreError
from lingtan.text import first_line

#: DuckDB's buffer pool during an import (``LINGTAN_IMPORT_MEMORY`` overrides). The
#: process's peak RSS is this plus Python, the libraries and DuckDB's small allocations
#: outside the pool.
IMPORT_MEMORY = "1GB"
#: A positive size with a unit, as DuckDB reads it (a negative one means "no limit").
_SIZE = re.compile(r"\s*[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*",
                   re.IGNORECASE)


@contextmanager
def memory_budget(con: duckdb.DuckDBPyConnection, limit: str | None = None) -> Iterator[None]:
    """Run the block with DuckDB's ``memory_limit`` set to ``limit``, then reset it.

    Parameters
    ----------
    limit : str, optional
        A DuckDB size (``"1GB"``, ``"512MB"``); default :data:`IMPORT_MEMORY` or the
        environment variable ``LINGTAN_IMPORT_MEMORY``.
    """
    wanted = limit or os.environ.get("LINGTAN_IMPORT_MEMORY", IMPORT_MEMORY)
    if not _SIZE.fullmatch(wanted):
        raise StoreError(f"LINGTAN_IMPORT_MEMORY={wanted!r} is not a memory size such as"
                         " 1GB or 512MB")
    try:
        con.execute("SET memory_limit = ?", [wanted])
    except duckdb.Error as exc:
        raise StoreError(f"LINGTAN_IMPORT_MEMORY={wanted!r} is not a size DuckDB accepts"
                         f" ({first_line(exc)})") from exc
    try:
        yield
    finally:
        con.execute("RESET memory_limit")  # workspace connections keep DuckDB's default


@contextmanager
def store_errors(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Turn DuckDB's I/O and memory failures inside the block into a :class:`StoreError`
    that says what happened (a full disk, the memory budget) instead of a traceback."""
    try:
        yield
    except duckdb.OutOfMemoryException as exc:
        raise StoreError(f"out of memory: {first_line(exc)} (raise LINGTAN_IMPORT_MEMORY,"
                         " or free disk for DuckDB's temporary files); nothing was imported"
                         ) from exc
    except duckdb.IOException as exc:
        text = first_line(exc)
        hint = " — the disk is full" if "space left" in text.lower() else ""
        raise StoreError(f"cannot write the workspace: {text}{hint}; nothing was imported"
                         ) from exc

