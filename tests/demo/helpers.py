"""Readers shared by the demo tests (they read the written files, not the models)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DATA_PACKAGE_DOC = ROOT / "docs" / "data-package.md"


def read_readings(package: Path, meter_id: str) -> pd.Series:
    """Values of one readings file, indexed by naive timestamp."""
    frame = pd.read_csv(package / "readings" / f"{meter_id}.csv", dtype={"value": float})
    assert set(frame["meter_id"]) == {meter_id}
    return pd.Series(frame["value"].to_numpy(), index=pd.DatetimeIndex(frame["timestamp"]))


def counter_deltas(readings: pd.Series, modulus: float | None = None) -> pd.Series:
    """Interval quantities from counter readings (the first reading is the anchor)."""
    deltas = readings.diff().iloc[1:]
    if modulus is not None:
        deltas = deltas.where(deltas >= 0, deltas + modulus)
    return deltas


def documented_columns(section: str) -> tuple[list[str], list[str]]:
    """(all columns, required columns) of a table documented in data-package.md."""
    text = DATA_PACKAGE_DOC.read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    table_rows = re.findall(r"^\| ([\w, ]+?) \| (yes|no) \|", body, flags=re.MULTILINE)
    rows = [(name, required) for names, required in table_rows for name in names.split(", ")]
    if rows:
        return [name for name, _ in rows], [name for name, req in rows if req == "yes"]
    listed = re.search(r"`([a-z_]+(?:, [a-z_]+)+)(?:\[, ([a-z_]+)\])?`", body)
    assert listed, f"no column list found for {section}"
    required = listed.group(1).split(", ")
    optional = [listed.group(2)] if listed.group(2) else []
    return required + optional, required
