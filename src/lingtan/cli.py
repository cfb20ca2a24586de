"""Command-line interface (typer + rich). Thin: parse, call the library, format.

Every command takes ``--db`` (default ``./lingtan.duckdb``); ``--json`` prints the
documented machine-readable result (docs/cli.md). Errors go to stderr with exit code 1
(invalid input) or 2 (usage).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lingtan.accounting.result import Inventory
from lingtan.errors import LingtanError
from lingtan.ingest.importer import ImportSummary

app = typer.Typer(
    name="lingtan", help="零碳 lingtan — energy and carbon management for zero-carbon factories.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

DbOpt = Annotated[Path, typer.Option("--db", help="Workspace DuckDB file.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the documented JSON result.")]


def _fail(exc: Exception) -> None:
    """Print the error (user text is never markup; one problem per line) and exit 1."""
    err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False,
              soft_wrap=True)
    raise typer.Exit(1)


@app.command("import")
def import_cmd(
    directory: Annotated[Path, typer.Argument(help="Data-package folder (with factory.yaml).")],
    db: DbOpt = Path("lingtan.duckdb"),
    lenient: Annotated[
        bool, typer.Option(help="Import valid rows; quarantine invalid ones.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import a data package: atomic, idempotent, nothing dropped silently."""
    import lingtan

    try:
        with lingtan.open(db) as ws:
            summary = ws.import_package(directory, lenient=lenient)
    except LingtanError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_import(summary)


def _print_import(s: ImportSummary) -> None:
    if s.status == "unchanged":
        out.print(f"[green]{s.site_id}: nothing changed[/] "
                  "(the package is already in the workspace)")
        return
    table = Table("table", "new", "changed", "unchanged",
                  title=f"import batch {s.batch_id} ({s.mode})")
    for name, c in s.tables.items():
        table.add_row(name, str(c["new"]), str(c["changed"]), str(c["unchanged"]))
    if s.readings:
        r = s.readings
        table.add_row("readings", str(r["new"]), str(r["changed"]), str(r["unchanged"]))
    out.print(table)
    if s.quarantined:
        out.print(f"[yellow]{s.quarantined} invalid row(s) quarantined[/]: "
                  + escape("; ".join(s.problems[:5])))
    for gap in s.gaps[:10]:
        out.print(f"[yellow]gap[/] {escape(str(gap['meter_id']))}: {gap['missing_intervals']} "
                  f"interval(s) missing after {gap['after_utc']} UTC (not filled)")
    for w in s.warnings:
        out.print(f"[yellow]warning[/] {escape(w)}")


@app.command("inventory")
def inventory_cmd(
    year: Annotated[int, typer.Option(help="Reporting year (site-local calendar).")],
    db: DbOpt = Path("lingtan.duckdb"),
    gwp: Annotated[str | None, typer.Option(
        help="GWP set: AR4, AR5 or AR6 (default: factory.yaml).")] = None,
    site: Annotated[str | None, typer.Option(help="Site id (needed when several).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Annual GHG inventory: scope 1, scope 2 in three views, energy in tce."""
    import lingtan

    if gwp is not None and gwp not in ("AR4", "AR5", "AR6"):
        err.print(f"error: --gwp must be AR4, AR5 or AR6, not {gwp!r}")
        raise typer.Exit(2)
    try:
        with lingtan.open(db) as ws:
            inv = ws.inventory(year, site=site, gwp=gwp)
    except LingtanError as exc:
        _fail(exc)
    if as_json:
        print(inv.to_json())
    else:
        print_inventory(inv)


def print_inventory(inv: Inventory) -> None:
    """Human-readable inventory (zh + en labels)."""
    table = Table("视角 view", "范围一 scope 1", "范围二 scope 2", "合计 total",
                  title=f"{inv.site_id} {inv.year} 温室气体排放 GHG inventory "
                        f"(tCO2e, GWP {inv.gwp})")
    names = {"location": "基于位置 location", "market": "基于市场 market", "ets": "全国碳市场 ETS"}
    for view, totals in inv.views.items():
        table.add_row(names[view], f"{totals.scope1_tco2e:,.3f}", f"{totals.scope2_tco2e:,.3f}",
                      f"{totals.total_tco2e:,.3f}")
    out.print(table)
    e = inv.electricity_kwh
    out.print(f"能耗 energy: [bold]{inv.energy_tce:,.3f} tce[/] (当量值 equivalent value)  ·  "
              f"购电 grid import {e['grid_import'] / 1000:,.3f} MWh · 上网 export "
              f"{e['grid_export'] / 1000:,.3f} MWh · 光伏 generation "
              f"{e['generation'] / 1000:,.3f} MWh")
    if inv.biogenic_co2_t:
        out.print(f"生物质 CO2 biogenic (not in totals): {inv.biogenic_co2_t:,.3f} t")
    if inv.overrides:
        out.print(f"[yellow]user factor overrides used:[/] {escape(', '.join(inv.overrides))}")
    for w in inv.warnings:
        out.print(f"[yellow]warning[/] {escape(w)}", highlight=False)


@app.command("demo")
def demo_cmd(
    db: DbOpt = Path("lingtan.duckdb"),
    out_dir: Annotated[Path, typer.Option(
        "--out", help="Where to write the demo data package.")] = Path("lingtan-demo"),
    year: Annotated[int, typer.Option(help="Year of the demo data.")] = 2025,
    as_json: JsonOpt = False,
) -> None:
    """Build the demo factory package, import it and report its inventory."""
    from lingtan.demo.run import run_demo

    try:
        result = run_demo(out_dir, db, year, console=None if as_json else out)
    except LingtanError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))


@app.command("factors")
def factors_cmd(
    family: Annotated[
        str | None, typer.Option(help="Only this family (e.g. grid_average).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the packaged factor library with sources and confidence marks."""
    from lingtan.factors import FactorLibrary

    rows = FactorLibrary.packaged().select(**({"family": family} if family else {}))
    if as_json:
        print(json.dumps([f.as_dict() for f in rows], ensure_ascii=False, indent=2))
        return
    table = Table("factor_id", "value", "unit", "conf.", "source")
    for f in rows:
        table.add_row(f.factor_id, f"{f.value:g}", f.unit, f.confidence, f.source[:60])
    out.print(table)


def main() -> None:  # pragma: no cover - console-script shim
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
