"""docs/efficiency-grades.md: its CSV examples load and its tables match the packaged data."""

from __future__ import annotations

import io
import re
from pathlib import Path

from lingtan.efficiency.grades import (
    energy_limit_status,
    load_energy_limits,
    packaged_pue_grades,
    packaged_pv_norms,
    read_transformer_losses,
    transformer_grade,
)

DOC = (Path(__file__).resolve().parents[3] / "docs" / "efficiency-grades.md").read_text(
    encoding="utf-8")
CSV_BLOCKS = re.findall(r"```csv\n(.*?)```", DOC, flags=re.S)


def test_transformer_loss_example_loads() -> None:
    losses = read_transformer_losses(io.StringIO(CSV_BLOCKS[0]), "doc.csv")
    assert transformer_grade("distribution_10kv", 400, 380, 3400, losses).grade == 2


def test_energy_limit_example_loads() -> None:
    table = load_energy_limits(io.StringIO(CSV_BLOCKS[1]))
    assert energy_limit_status("DB-EXAMPLE-1", "widget", 90, table=table).status == "access"


def test_documented_numbers_match_data() -> None:
    for g in packaged_pue_grades():
        assert f"| {g.grade} | {g.pue_max:.2f} | {g.confidence}" in DOC
    for (process, _), norm in packaged_pv_norms().items():
        assert f"`{process}`" in DOC
        assert f"< {norm.limit_kwh_per_kg:g} kWh/kg" in DOC
