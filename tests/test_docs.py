"""Docs that cannot go stale: every CLI command and every JSON field is documented."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from lingtan.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_every_command_is_documented() -> None:
    cli_doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    for name, command in commands.items():
        assert f"`lingtan {name}" in cli_doc, f"docs/cli.md does not document `lingtan {name}`"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt not in ("--db", "--help"):
                    assert opt in cli_doc, f"docs/cli.md does not mention {opt} of {name}"


def test_readme_links_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), f"README links to missing {target}"


def test_readme_quick_start_has_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [ln for ln in block.strip().splitlines() if ln.strip()]
    assert len(commands) == 2
    assert "lingtan demo" in commands[0]
    assert "scripts/test.sh" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test.sh" in ci


def test_inventory_json_fields_are_documented() -> None:
    cli_doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    from lingtan.accounting.result import SCHEMA

    assert SCHEMA in cli_doc
    for field in ("views", "scope1_tco2e", "scope2_tco2e", "total_tco2e", "energy_tce",
                  "lines", "warnings", "input_hash", "user_factor_overrides"):
        assert f"`{field}`" in cli_doc, field
