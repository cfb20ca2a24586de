"""The four documents of ``examples/minimal`` (2025), computed once per module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import lingtan

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"


@pytest.fixture(scope="package")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``inventory``, ``assessment`` (jiangsu-2025), ``efficiency``, ``hourly``, ``monthly``
    and ``holdings`` dicts."""
    db = tmp_path_factory.mktemp("reports") / "ws.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(MINIMAL)
        return {"inventory": ws.inventory(year=2025).to_dict(),
                "assessment": ws.assess("jiangsu-2025", 2025).to_dict(),
                "efficiency": ws.efficiency(2025),
                "hourly": ws.hourly(2025).to_dict(),
                "monthly": ws.monthly(2025).to_dict(),
                "holdings": ws.instruments(2025).to_dict()}
