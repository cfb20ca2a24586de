"""Shared fixtures: a private copy of ``examples/minimal`` and a workspace per test."""

from __future__ import annotations

import contextlib
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

import lingtan

# hypothesis imports libcst to suggest a patch when a property fails; an old libcst on a
# new mypy_extensions warns on import, and with warnings as errors the failure report
# would turn into an INTERNALERROR. Import it once here, quietly.
with warnings.catch_warnings(), contextlib.suppress(ImportError):
    warnings.simplefilter("ignore", DeprecationWarning)
    import libcst.metadata  # noqa: F401

MINIMAL = Path(__file__).resolve().parents[1] / "examples" / "minimal"


@pytest.fixture
def minimal_pkg(tmp_path: Path) -> Path:
    """A copy of ``examples/minimal`` that a test may edit."""
    return Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[lingtan.Workspace]:
    """An empty workspace in a DuckDB file of its own."""
    with lingtan.open(tmp_path / "ws.duckdb") as workspace:
        yield workspace
