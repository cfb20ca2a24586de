"""Command-line interface (typer + rich). Thin: parse, call the library, format.

Every command takes ``--db`` (default ``./lingtan.duckdb``); ``--json`` prints the
documented machine-readable result (docs/cli.md). Errors go to stderr with exit code 1
(invalid input) or 2 (usage). Text from input is never markup and never reaches the
terminal raw: it goes through :func:`_t` (or :func:`lingtan.text.quote` for an id), and
JSON through :func:`_print_json`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lingtan.accounting.result import Inventory
from lingtan.errors import LingtanError
from lingtan.ingest.importer import ImportSummary
from lingtan.text import json_safe, quote, safe

if TYPE_CHECKING:
    from lingtan.api import Workspace
    from lingtan.store.published import Publication

app = typer.Typer(
    name="lingtan", help="零碳 lingtan — energy and carbon management for zero-carbon factories.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

DbOpt = Annotated[Path, typer.Option("--db", help="Workspace DuckDB file.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the documented JSON result.")]


def _t(text: object) -> str:
    """Input text for rich: control characters escaped, markup (``[bold]``) literal."""
    return escape(safe(str(text)))


def _print_json(data: Any) -> None:
    """Print ``data`` as indented JSON (a ``str`` is taken as JSON already); characters
    json.dumps leaves raw (C1 controls) are escaped."""
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=2)
    print(json_safe(text))


def _fail(exc: Exception) -> NoReturn:
    """Print the error (user text is never markup; one problem per line) and exit 1."""
    text = escape(safe(str(exc), keep_newlines=True))
    err.print(f"[bold red]error:[/] {text}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _document(db: Path, as_json: bool,
              compute: Callable[[Workspace], dict[str, Any]]) -> dict[str, Any] | None:
    """``compute`` on the workspace ``db``; a library error exits 1. With ``--json`` the
    document is printed and ``None`` returned, else the document is returned to show."""
    import lingtan

    try:
        with lingtan.open(db, read_only=True, create=False) as ws:
            data = compute(ws)
    except LingtanError as exc:
        _fail(exc)
    if as_json:
        _print_json(data)
        return None
    return data


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
    from lingtan.ingest.progress import RichProgress, Silent

    shown = not as_json and err.is_terminal
    try:
        with lingtan.open(db) as ws:
            summary = ws.import_package(directory, lenient=lenient,
                                        progress=RichProgress(err) if shown else Silent())
    except LingtanError as exc:
        _fail(exc)
    if as_json:
        _print_json(summary.as_dict())
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
                  + _t("; ".join(s.problems[:5])))
    for gap in s.gaps[:10]:
        out.print(f"[yellow]gap[/] {escape(quote(str(gap['meter_id'])))}: "
                  f"{gap['missing_intervals']} interval(s) missing after {gap['after_utc']} UTC "
                  "(not filled)", highlight=False)
    for w in s.warnings:
        out.print(f"[yellow]warning[/] {_t(w)}", highlight=False)


@app.command("inventory")
def inventory_cmd(
    year: Annotated[int, typer.Option(help="Reporting year (site-local calendar).")],
    db: DbOpt = Path("lingtan.duckdb"),
    gwp: Annotated[str | None, typer.Option(
        help="GWP set: AR4, AR5 or AR6 (default: factory.yaml).")] = None,
    site: Annotated[str | None, typer.Option(help="Site id (needed when several).")] = None,
    publish: Annotated[bool, typer.Option(
        "--publish", help="Store the result and chain its hash; `lingtan verify` re-runs it.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Annual GHG inventory: scope 1, scope 2 in three views, energy in tce."""
    import lingtan

    if gwp is not None and gwp not in ("AR4", "AR5", "AR6"):
        err.print(f"error: --gwp must be AR4, AR5 or AR6, not {escape(quote(gwp))}")
        raise typer.Exit(2)
    from lingtan.store.published import publish_inventory

    pub: Publication | None = None
    try:
        with lingtan.open(db, read_only=not publish, create=False) as ws:
            inv = ws.inventory(year, site=site, gwp=gwp)
            if publish:
                pub = publish_inventory(ws.con, year, site_id=site, gwp=gwp, inventory=inv)
    except LingtanError as exc:
        _fail(exc)
    if as_json:
        doc = inv.to_dict() | ({"published": pub.as_dict()} if pub else {})
        _print_json(doc)
        return
    print_inventory(inv)
    if pub is not None:
        _print_publication(pub)


def _print_publication(pub: Publication) -> None:
    what = f"{pub.kind} {pub.year} for site {pub.site_id}"
    if pub.stored:
        out.print(f"[green]published[/] {what}, sha256 {pub.sha256} (audit record {pub.seq})",
                  highlight=False, soft_wrap=True)
    else:
        out.print(f"{what} already published (audit record {pub.seq}, sha256 {pub.sha256}), "
                  "nothing stored", highlight=False, soft_wrap=True)


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
        out.print(f"[yellow]user factor overrides used:[/] {_t(', '.join(inv.overrides))}")
    for w in inv.warnings:
        out.print(f"[yellow]warning[/] {_t(w)}", highlight=False)


@app.command("assess")
def assess_cmd(
    scheme: Annotated[str, typer.Option(help="Scheme id (see `lingtan schemes`).")],
    year: Annotated[int, typer.Option(help="Reporting year.")],
    db: DbOpt = Path("lingtan.duckdb"),
    definition: Annotated[str | None, typer.Option(
        help="Self-reduction definition A, B or strict (default: the scheme's).")] = None,
    site: Annotated[str | None, typer.Option(help="Site id (needed when several).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Evaluate a year against a zero-carbon scheme: verdict, findings, gaps."""
    import lingtan
    from lingtan.assessment import assess

    if definition is not None and definition not in ("A", "B", "strict"):
        err.print(f"error: --definition must be A, B or strict, not {escape(quote(definition))}")
        raise typer.Exit(2)
    try:
        with lingtan.open(db, read_only=True, create=False) as ws:
            report = assess(ws.con, scheme, year, site_id=site, definition=definition)
    except LingtanError as exc:
        _fail(exc)
    if as_json:
        _print_json(report.to_json())
        return
    data = report.to_dict()
    sr = data["self_reduction"]
    ratio = "undetermined" if sr["ratio"] is None else f"{sr['ratio'] * 100:.1f} %"
    out.print(f"[bold]{data['scheme']['id']}[/] {year}: verdict [bold]{data['verdict']}[/]  ·  "
              f"net {data['net_tco2e']:,.3f} tCO2e  ·  self-reduction ({sr['definition']}) {ratio}",
              highlight=False)
    table = Table("rule", "status", "evidence")
    for f in data["findings"]:
        table.add_row(f["rule_id"], f["status"], _t(str(f["evidence"])[:90]))
    out.print(table)
    for gap in data["gaps"]:
        out.print(f"[yellow]gap[/] {_t(gap['en'])} / {_t(gap['zh'])}", highlight=False)


@app.command("hourly")
def hourly_cmd(
    year: Annotated[int, typer.Option(help="Reporting year.")],
    db: DbOpt = Path("lingtan.duckdb"),
    grid_cfe_share: Annotated[float | None, typer.Option(
        help="Carbon-free share of grid electricity, 0-1 (no published default).")] = None,
    site: Annotated[str | None, typer.Option(help="Site id (needed when several).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Hourly (24/7) view: annual vs hourly matching, and CFE% with a grid share."""
    from lingtan.matching.site import hourly_view

    data = _document(db, as_json, lambda ws: hourly_view(
        ws.con, year, site_id=site, grid_cfe_share=grid_cfe_share).to_dict())
    if data is None:
        return
    cfe = "not computed (give --grid-cfe-share)" if data["cfe"] is None else f"{data['cfe']:.1%}"
    out.print(f"{data['site']} {year}: annual matching {data['annual_matching']:.1%} · "
              f"hourly matching {data['hourly_matching']:.1%} · CFE {cfe} · load "
              f"{data['load_mwh']:,.3f} MWh", highlight=False)


@app.command("efficiency")
def efficiency_cmd(
    year: Annotated[int, typer.Option(help="Reporting year.")],
    db: DbOpt = Path("lingtan.duckdb"),
    site: Annotated[str | None, typer.Option(help="Site id (needed when several).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Unit-product energy per product and process; PUE/CUE/WUE of computing facilities."""
    from lingtan.efficiency.report import efficiency_report

    data = _document(db, as_json, lambda ws: efficiency_report(ws.con, year, site_id=site))
    if data is None:
        return
    rows = [r for r in data["rows"] if r["period"] == str(year)]
    if rows:
        table = Table("单位产品能耗", "kind", "output", "kWh/unit", "kgce/unit",
                      title=f"{year} unit-product energy ({data['allocation']})")
        for r in rows:
            kgce = "" if r["kgce_per_unit"] is None else f"{r['kgce_per_unit']:,.3f}"
            table.add_row(_t(r["name"]), r["kind"],
                          _t(f"{r['output_quantity']:,.1f} {r['output_unit']}"),
                          f"{r['kwh_per_unit']:,.3f}", kgce)
        out.print(table)
    c = data["computing"]
    if c:
        wue = "n/a" if c["wue_l_per_kwh"] is None else f"{c['wue_l_per_kwh']:.3f} L/kWh"
        grade = f"{c['pue_status']}, GB 40879 [{c['grade_confidence']}]"
        out.print(f"算力设施 PUE {c['pue']:.3f} ({grade}) · CUE {c['cue_kgco2_per_kwh']:.3f}"
                  f" kgCO2/kWh · WUE {wue}", highlight=False)
    candidates = [e["equipment_id"] for e in data["equipment"] if e["upgrade_candidate"]]
    if data["equipment"]:
        out.print(f"设备 equipment: {len(data['equipment'])} registered, upgrade candidates "
                  f"(GB 18613): {_t(', '.join(candidates)) or 'none'}", highlight=False)
    sv = data["savings"]
    if sv:
        m, regressors = sv["model"], ", ".join(sv["regressors"])
        out.print(f"节能量 savings vs {sv['baseline_year']} baseline ({regressors};"
                  f" R² {m['r_squared']:.3f}, CV(RMSE) {m['cv_rmse']:.1%}): "
                  f"{sv['avoided_kwh']:,.0f} kWh, {sv['avoided_co2e_t']:,.1f} tCO2e avoided",
                  highlight=False)
    for w in data["warnings"]:
        out.print(f"[yellow]warning[/] {_t(w)}", highlight=False)


@app.command("instruments")
def instruments_cmd(
    year: Annotated[int, typer.Option(help="Reporting year (balances as of 31 December).")],
    db: DbOpt = Path("lingtan.duckdb"),
    site: Annotated[str | None, typer.Option(help="Site id (needed when several).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Green instruments held at year end, retired, claimed for the year and expired."""
    from lingtan.instruments.holdings import holdings

    data = _document(db, as_json, lambda ws: holdings(ws.con, year, site_id=site).to_dict())
    if data is None:
        return
    if not data["lots"] and not data["by_kind"]:
        out.print(f"{data['site']} {year}: no instruments", highlight=False)
        _print_issuable(data["issuable_gec"], year)
        return
    fields = [f for f in _QUANTITIES if f in _ALWAYS or any(k[f] for k in data["by_kind"].values())]
    heads = {"claimed_for_year": f"claimed {year}"}
    table = Table("类型 kind", "unit", *(heads.get(f, f) for f in fields),
                  title=f"{data['site']} 环境权益 instruments as of {data['as_of']}")
    for kind, k in data["by_kind"].items():
        table.add_row(kind, k["unit"], *(_qty(k[f]) for f in fields))
    out.print(table)
    lots = Table()
    lots.add_column("lot", no_wrap=True)
    for head in ("kind", "month/vintage", "held", "retired", "valid until"):
        lots.add_column(head)
    for lot in data["lots"]:
        when = lot["generation_month"] or str(lot["vintage"] or "")
        until = (lot["valid_until"] or "") + (" [red]expired[/]" if lot["expired"] else "")
        kind = lot["kind"] + ("" if lot["tradable"] else " (not tradable)")
        lots.add_row(_t(lot["lot_id"]), kind, _t(when), _qty(lot["held"]),
                     _qty(lot["retired"]), until)
    out.print(lots)
    _print_issuable(data["issuable_gec"], year)


def _print_issuable(months: list[dict[str, Any]], year: int) -> None:
    """GECs the site's own generation qualifies for, month by month (1 GEC = 1 MWh)."""
    if not months:
        return
    table = Table("month", "generation MWh", "carried in MWh", "GECs", "carried MWh",
                  title=f"可核发绿证 GECs issuable on own generation {year} (1 GEC = 1 MWh)")
    for m in months:
        table.add_row(m["month"], _qty(m["generation_mwh"]), _qty(m["carried_in_mwh"]),
                      str(m["certificates"]), _qty(m["carried_mwh"]))
    out.print(table)


_QUANTITIES = ("acquired", "held", "retired", "claimed_for_year", "expired", "transferred",
               "cancelled")
_ALWAYS = ("acquired", "held", "retired", "claimed_for_year")


def _qty(value: float) -> str:
    """A quantity without trailing zeros: ``1,200``, ``25.5``."""
    return f"{value:,.3f}".rstrip("0").rstrip(".")


@app.command("schemes")
def schemes_cmd(as_json: JsonOpt = False) -> None:
    """List the packaged evaluation schemes."""
    from lingtan.schemes import list_schemes, load_scheme

    schemes = [load_scheme(s) for s in list_schemes()]
    if as_json:
        print(json.dumps([{"id": s.id, "version": s.version, "levels": list(s.levels),
                           "name": s.name.model_dump(), "source": s.source.model_dump()}
                          for s in schemes], ensure_ascii=False, indent=2, default=str))
        return
    table = Table("id", "version", "levels", "name")
    for s in schemes:
        table.add_row(s.id, s.version, ", ".join(str(x) for x in s.levels), str(s.name.zh))
    out.print(table)


@app.command("report")
def report_cmd(
    year: Annotated[int, typer.Option(help="Reporting year.")],
    kind: Annotated[str, typer.Option(help="inventory (ISO 14064-1) or selfeval.")],
    fmt: Annotated[str, typer.Option("--format", help="html or xlsx.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
    lang: Annotated[str, typer.Option(help="zh (default) or en.")] = "zh",
    scheme: Annotated[str, typer.Option(help="Scheme of the self-evaluation.")] = "jiangsu-2025",
    db: DbOpt = Path("lingtan.duckdb"),
    site: Annotated[str | None, typer.Option(help="Site id (needed when several).")] = None,
) -> None:
    """Write the inventory or zero-carbon self-evaluation report (HTML or XLSX, zh or en)."""
    import lingtan
    from lingtan.reports.run import build_report, write_report

    if lang not in ("zh", "en"):
        err.print(f"error: --lang must be zh or en, not {escape(quote(lang))}")
        raise typer.Exit(2)
    try:
        with lingtan.open(db, read_only=True, create=False) as ws:
            report = build_report(ws.con, year, kind, lang, scheme=scheme, site_id=site)
        path = write_report(report, fmt, output)
    except LingtanError as exc:
        _fail(exc)
    out.print(f"wrote {_t(path)}", highlight=False)


@app.command("export")
def export_cmd(
    bundle: Annotated[Path, typer.Option("--bundle", help="Verifier bundle to write (.zip).")],
    db: DbOpt = Path("lingtan.duckdb"),
    site: Annotated[str | None, typer.Option(help="Site id (needed when several).")] = None,
) -> None:
    """Write a verifier bundle: data package, published results, chain head, manifest."""
    import lingtan
    from lingtan.accounting.inventory import load_site
    from lingtan.store.bundle import export_bundle

    try:
        with lingtan.open(db, read_only=True, create=False) as ws:
            manifest = export_bundle(ws.con, load_site(ws.con, site).id, bundle)
    except LingtanError as exc:
        _fail(exc)
    except OSError as exc:
        err.print(f"error: cannot write {_t(bundle)}: {_t(exc.strerror)}", highlight=False)
        raise typer.Exit(1) from exc
    out.print(f"bundle {_t(bundle)}: {len(manifest)} files", highlight=False)


@app.command("verify")
def verify_cmd(
    db: DbOpt = Path("lingtan.duckdb"),
    bundle: Annotated[Path | None, typer.Option(
        "--bundle", help="Verify a bundle in a fresh workspace instead.")] = None,
    expect_head: Annotated[str | None, typer.Option(
        "--expect-head", metavar="HASH",
        help="Fail unless the audit chain still holds this head (one you kept).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the audit chain, the stored data against it, and re-run published results."""
    import lingtan
    from lingtan.store.head import check_head
    from lingtan.store.integrity import verify

    if bundle is not None:
        _verify_bundle(bundle, expect_head, as_json)
        return
    try:
        with lingtan.open(db, read_only=True, create=False) as ws:
            report = verify(ws.con)
            head = check_head(ws.con, expect_head)
    except LingtanError as exc:
        _fail(exc)
    report.problems += head.problems
    if as_json:
        _print_json({**report.to_dict(), "chain": head.to_dict()})
    elif report.ok:
        out.print(f"[green]verified[/]: {report.checked}", highlight=False)
    else:
        for problem in report.problems:
            err.print(f"[bold red]mismatch:[/] {_t(problem)}", highlight=False)
    if not as_json:
        _print_head(head.to_dict())
    if not report.ok:
        raise typer.Exit(1)


def _verify_bundle(bundle: Path, expect_head: str | None, as_json: bool) -> None:
    from lingtan.store.bundle import verify_bundle

    try:
        report = verify_bundle(bundle, expect_head)
    except LingtanError as exc:
        _fail(exc)
    if as_json:
        _print_json(report.to_dict())
    else:
        for problem in report.problems:
            err.print(f"[bold red]mismatch:[/] {_t(problem)}", highlight=False)
        if report.ok:
            out.print(f"[green]bundle verified[/]: {_t(str(bundle))} (site "
                      f"{escape(repr(report.site))})", highlight=False)
        _print_head(report.chain.to_dict())
    if not report.ok:
        raise typer.Exit(1)


def _print_head(chain: dict[str, Any]) -> None:
    """The chain head found (to keep for ``--expect-head``) and where the expected one is."""
    out.print(f"chain head: {chain['head']} ({chain['records']} audit records)",
              highlight=False, soft_wrap=True)
    if chain["expected_head_seq"] is not None:
        out.print(f"expected head found: audit record {chain['expected_head_seq']}, "
                  f"{chain['records_after_expected']} record(s) after it", highlight=False,
                  soft_wrap=True)


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
        _print_json(result)


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
