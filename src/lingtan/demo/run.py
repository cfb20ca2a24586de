"""``lingtan demo``: build the demo factory package, import it, report every capability."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

import lingtan


def run_demo(
    out_dir: Path, db: Path | str, year: int, *, console: Console | None
) -> dict[str, Any]:
    """Write the demo package to ``out_dir``, import it into ``db`` and compute its inventory.

    Returns
    -------
    dict
        ``{"package": …, "import": ImportSummary dict, "inventory": Inventory dict}``.
    """
    from lingtan.cli import print_inventory
    from lingtan.demo.package import build_demo_package

    quiet = console is None
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, disable=quiet, transient=False) as progress:
        package = build_demo_package(Path(out_dir), year=year, progress=progress)
        task = progress.add_task("import 导入数据包", total=1)
        with lingtan.open(db) as ws:
            summary = ws.import_package(package)
            progress.advance(task)
            task = progress.add_task("inventory 核算", total=1)
            inventory = ws.inventory(year)
            progress.advance(task)
    if console is not None:
        console.print(f"demo package: {package}  ·  workspace: {db}  ·  import: {summary.status}")
        print_inventory(inventory)
    return {"package": str(package), "import": summary.as_dict(), "inventory": inventory.to_dict()}
