"""``lingtan demo``: build the demo factory package, import it, report every capability."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

import lingtan

#: Scheme the demo is assessed against (the plant is in Jiangsu).
DEMO_SCHEME = "jiangsu-2025"


def run_demo(
    out_dir: Path, db: Path | str, year: int, *, console: Console | None
) -> dict[str, Any]:
    """Write the demo package to ``out_dir``, import it into ``db`` and compute its inventory.

    Returns
    -------
    dict
        ``{"package": …, "import": ImportSummary dict, "inventory": Inventory dict}``.
    """
    from lingtan.assessment import assess
    from lingtan.cli import print_inventory
    from lingtan.demo.baseline import BASELINE_YEAR, build_baseline_package
    from lingtan.demo.package import build_demo_package
    from lingtan.efficiency.report import efficiency_report
    from lingtan.matching.site import hourly_view

    quiet = console is None
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, disable=quiet, transient=False) as progress:
        package = build_demo_package(Path(out_dir), year=year, progress=progress)
        task = progress.add_task(f"baseline {BASELINE_YEAR} bills 基准年账单", total=1)
        baseline = build_baseline_package(Path(out_dir) / f"baseline-{BASELINE_YEAR}")
        progress.advance(task)
        task = progress.add_task("import 导入数据包", total=2)
        with lingtan.open(db) as ws:
            summary = ws.import_package(package)
            ws.import_package(baseline)
            progress.advance(task, 2)
            task = progress.add_task("inventory 核算 + assess 评价", total=1)
            inventory = ws.inventory(year)
            report = assess(ws.con, DEMO_SCHEME, year)
            efficiency = efficiency_report(ws.con, year)
            hourly = hourly_view(ws.con, year).to_dict()
            reports = _write_reports(ws.con, year, Path(out_dir) / "reports")
            progress.advance(task)
    if console is not None:
        console.print(f"demo package: {package}  ·  workspace: {db}  ·  import: {summary.status}")
        print_inventory(inventory)
        _print_verdict(console, report.to_dict())
        _print_efficiency(console, efficiency, hourly)
        console.print(f"报告 reports: {', '.join(str(p) for p in reports)}", highlight=False)
    return {"reports": [str(p) for p in reports], "package": str(package),
            "baseline_package": str(baseline),
            "import": summary.as_dict(), "inventory": inventory.to_dict(),
            "assessment": report.to_dict(), "efficiency": efficiency, "hourly": hourly}


def _write_reports(con: Any, year: int, folder: Path) -> list[Path]:
    """One report of each kind in each format (zh), as a factory would hand them over."""
    from lingtan.reports.run import build_report, write_report

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in ("inventory", "selfeval"):
        report = build_report(con, year, kind, "zh", scheme=DEMO_SCHEME)
        paths += [write_report(report, fmt, folder / f"{kind}-{year}-zh.{fmt}")
                  for fmt in ("html", "xlsx", "pdf")]
    return paths


def _print_efficiency(console: Console, eff: dict[str, Any], hourly: dict[str, Any]) -> None:
    year = str(hourly["year"])
    products = [r for r in eff["rows"] if r["period"] == year and r["kind"] == "product"]
    per_unit = ", ".join(f"{r['name']} {r['kwh_per_unit']:,.1f} kWh/{r['output_unit']}"
                         for r in products)
    candidates = [e["equipment_id"] for e in eff["equipment"] if e["upgrade_candidate"]]
    console.print(f"能效 efficiency: {per_unit}; upgrade candidates (GB 18613): "
                  f"{', '.join(candidates) or 'none'} — lingtan efficiency --year {year}",
                  highlight=False)
    console.print(f"24/7: annual matching {hourly['annual_matching']:.1%}, hourly matching "
                  f"{hourly['hourly_matching']:.1%} — lingtan hourly --year {year}",
                  highlight=False)


def _print_verdict(console: Console, data: dict[str, Any]) -> None:
    sr = data["self_reduction"]
    ratios = ", ".join(f"{d} {r * 100:.1f} %" if r is not None else f"{d} undetermined"
                       for d, r in sr["all"].items())
    console.print(
        f"评价 assessment [bold]{data['scheme']['id']}[/]: verdict [bold]{data['verdict']}[/] · "
        f"net {data['net_tco2e']:,.3f} tCO2e · self-reduction {ratios} "
        f"(scheme uses {sr['definition']}) — details: lingtan assess --scheme "
        f"{data['scheme']['id']} --year {data['year']}", highlight=False)
