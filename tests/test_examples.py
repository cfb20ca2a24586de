"""The example packages in examples/ import and give the hand-computed inventory."""

from __future__ import annotations

from pathlib import Path

import pytest

import lingtan

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: Hand-computed totals of examples/minimal (docs/inventory.md, "Worked example").
HAND_TOTALS_TCO2E = {"location": 436.004362, "market": 403.285362, "ets": 431.416362}
HAND_ENERGY_TCE = 130.8576


@pytest.mark.parametrize("name", ["minimal", "ledger-formats"])
def test_example_matches_the_worked_example(tmp_path: Path, name: str) -> None:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(EXAMPLES / name)
        inv = ws.inventory(year=2025)
    for view, total in HAND_TOTALS_TCO2E.items():
        assert inv.views[view].total_tco2e == pytest.approx(total, abs=1e-6)
    assert inv.energy_tce == pytest.approx(HAND_ENERGY_TCE, rel=1e-12)


def test_ledger_formats_example_uses_every_format() -> None:
    root = EXAMPLES / "ledger-formats"
    raw = (root / "activities.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "加油卡" in raw.decode("gbk")
    assert (root / "meters.xlsx").is_file()
    assert (root / "readings" / "pv_gas.parquet").is_file()


def test_minimal_instruments_claimed_from_the_ledger(tmp_path: Path) -> None:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(EXAMPLES / "minimal")
        inv = ws.inventory(year=2025)
        assert inv.to_dict()["instruments_claimed"] == {"ccer": 50.0, "gec": 100.0}
        assert all(ln.source != "green_instruments" for ln in inv.lines if ln.view != "market")
