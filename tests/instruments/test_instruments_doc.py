"""docs/instruments.md cannot go stale: its example runs and every public name is documented."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import lingtan.instruments as instruments

DOC = Path(__file__).resolve().parents[2] / "docs" / "instruments.md"


def test_example_runs_and_gives_the_commented_values() -> None:
    text = DOC.read_text(encoding="utf-8")
    snippet = text.split("```python", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(snippet, namespace)
    state = namespace["state"]
    assert isinstance(state, instruments.LedgerState)
    assert state.balances().by_lot["GEC-A"].held == 60.0
    assert state.retired_for_year(2024, kind="gec") == 40.0
    assert state.balances(as_of=date(2026, 3, 1)).by_lot["GEC-A"].expired == 60.0


def test_every_public_name_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in instruments.__all__:
        assert re.search(rf"\b{name}\b", text), f"docs/instruments.md does not mention {name}"
