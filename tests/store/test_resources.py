"""The import's memory budget: set for the import, restored after, refused when malformed."""

from __future__ import annotations

from pathlib import Path

import pytest

import lingtan
from ingest.test_importer import MINIMAL
from lingtan.errors import StoreError
from lingtan.store.resources import memory_budget


def _limit(ws: lingtan.Workspace) -> str:
    row = ws.con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert row is not None
    return str(row[0])


def test_budget_holds_during_the_block_and_is_restored(tmp_path: Path) -> None:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        before = _limit(ws)
        with memory_budget(ws.con, "256MB"):
            assert _limit(ws) == "244.1 MiB"  # DuckDB shows 256 MB in MiB
        assert _limit(ws) == before


def test_import_restores_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINGTAN_IMPORT_MEMORY", "300MB")
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        before = _limit(ws)
        assert ws.import_package(MINIMAL).status == "imported"
        assert _limit(ws) == before


@pytest.mark.parametrize("text", ["lots", "-5GB", "1 parsec"])
def test_a_malformed_budget_is_a_clear_error(tmp_path: Path, text: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINGTAN_IMPORT_MEMORY", text)
    with lingtan.open(tmp_path / "ws.duckdb") as ws, \
            pytest.raises(StoreError, match="LINGTAN_IMPORT_MEMORY"):
        ws.import_package(MINIMAL)
