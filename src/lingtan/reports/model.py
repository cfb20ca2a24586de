"""Reports as data: a :class:`Report` of sections, paragraphs, tables and figures.

The builders take the documented JSON documents (``lingtan.inventory/1``,
``lingtan.assessment/1``, ``lingtan.efficiency/1``, ``lingtan.hourly/1``,
``lingtan.monthly/1``, ``lingtan.instruments/1``; docs/cli.md, docs/reports.md), so a
report can be built from stored results. Numbers are copied, never recomputed; the
renderers (:mod:`lingtan.reports.html`, :mod:`lingtan.reports.xlsx`,
:mod:`lingtan.reports.pdf`) only lay them out.

* :func:`build_inventory_report` — GHG inventory in the ISO 14064-1:2018 category layout.
* :func:`build_selfeval_report` — zero-carbon factory self-evaluation along the six
  construction paths of 《关于开展零碳工厂建设工作的指导意见》 (2026).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from lingtan.reports.figures import Figure, monthly_emissions, selfeval_figures
from lingtan.reports.labels import labels

Cell = str | int | float | bool | None
VIEWS = ("location", "market", "ets")
INSTRUMENT_UNITS = {"gec": "MWh", "green_power": "MWh", "ccer": "tCO2e",
                    "international_credit": "tCO2e", "removal": "tCO2e"}


@dataclass(frozen=True)
class Table:
    """A table: ``name`` (shown as caption and sheet name), column headings, rows."""

    name: str
    columns: list[str]
    rows: list[list[Cell]]
    key: str = ""  # stable identifier, independent of the language


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    key: str = ""
    figures: list[Figure] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    kind: str  # "inventory" or "selfeval"
    lang: str
    title: str
    metadata: list[tuple[str, Cell]]
    sections: list[Section]

    def tables(self) -> Iterator[tuple[Section, Table]]:
        """Every table with its section, in document order; a section's figures follow its
        tables, each as the table of its numbers (:meth:`Figure.table`)."""
        t = Text(self.lang)
        for section in self.sections:
            for table in section.tables:
                yield section, table
            for figure in section.figures:
                yield section, figure.table(t)

    def figures(self) -> Iterator[tuple[Section, Figure]]:
        """Every figure with its section, in document order."""
        for section in self.sections:
            for figure in section.figures:
                yield section, figure

    def table(self, key: str) -> Table:
        """The table whose ``key`` is ``key``."""
        for _, table in self.tables():
            if table.key == key:
                return table
        raise KeyError(key)


class Text:
    """Label lookup with formatting, and labels for coded values (falling back to the code)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.labels = labels(lang)

    def __call__(self, key: str, **kwargs: Any) -> str:
        text = self.labels[key]
        return text.format(**kwargs) if kwargs else text

    def code(self, prefix: str, value: Any) -> str:
        return self.labels.get(f"{prefix}.{value}", str(value))

    def cols(self, *keys: str) -> list[str]:
        return [self.labels[f"col.{k}"] for k in keys]


def _num(value: Any) -> str:
    """A number for running text (tables keep the raw value)."""
    if value is None:
        return "—"
    return f"{value:,.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


# ---------------------------------------------------------------- inventory pieces

LINE_KEYS = ("category", "source", "activity_quantity", "activity_unit", "emission_factor",
             "emission_factor_unit", "gwp", "co2e_t")


def _line_table(t: Text, lines: list[dict[str, Any]], name: str, key: str,
                with_view: bool = False, with_scope: bool = False) -> Table:
    """One row per inventory line: the activity, the factor, the emissions and the factors used."""
    lead = (["view"] if with_view else []) + (["scope"] if with_scope else [])
    columns = t.cols(*lead, *LINE_KEYS, "factor_ids", "note")
    rows: list[list[Cell]] = []
    for line in lines:
        head: list[Cell] = [t.code("view", line["view"])] if with_view else []
        head += [t.code("scope", line["scope"])] if with_scope else []
        ids = ", ".join(f["factor_id"] for f in line.get("factors") or [])
        rows.append([*head, *(line.get(k) for k in LINE_KEYS), ids, line.get("note") or ""])
    return Table(name, columns, rows, key)


def _with_total(table: Table, label: str, total: Cell) -> Table:
    """``table`` with a total row: ``label`` in the first column, ``total`` under co2e_t."""
    width = len(table.columns)
    at = width - 3  # co2e_t sits before factor_ids and note
    row: list[Cell] = [label] + [None] * (width - 1)
    row[at] = total
    return Table(table.name, table.columns, [*table.rows, row], table.key)


def _summary_table(t: Text, inv: dict[str, Any], key: str, name: str) -> Table:
    rows: list[list[Cell]] = [[t.code("view", v), inv["views"][v]["scope1_tco2e"],
                               inv["views"][v]["scope2_tco2e"], inv["views"][v]["total_tco2e"]]
                              for v in VIEWS if v in inv["views"]]
    return Table(name, t.cols("view", "scope1_tco2e", "scope2_tco2e", "total_tco2e"), rows, key)


def _scope_lines(inv: dict[str, Any], scope: str, view: str | None = None) -> list[dict[str, Any]]:
    return [ln for ln in inv["lines"] if ln["scope"] == scope
            and (view is None or ln["view"] in ("all", view))]


def _cat1_section(t: Text, inv: dict[str, Any]) -> Section:
    table = _line_table(t, _scope_lines(inv, "1"), t("inv.cat1.table"), "cat1", with_view=True)
    totals = {v: inv["views"][v]["scope1_tco2e"] for v in VIEWS if v in inv["views"]}
    if len(set(totals.values())) == 1:
        table = _with_total(table, t("total"), next(iter(totals.values())))
    else:
        for v, total in totals.items():
            table = _with_total(table, t("total.view", view=t.code("view", v)), total)
    return Section(t("inv.cat1"), [], [table], "cat1")


def _cat2_section(t: Text, inv: dict[str, Any]) -> Section:
    tables = []
    for v in VIEWS:
        if v not in inv["views"]:
            continue
        name = t("inv.cat2.table", view=t.code("view", v))
        table = _line_table(t, _scope_lines(inv, "2", v), name, f"cat2.{v}", with_view=True)
        tables.append(_with_total(table, t("total"), inv["views"][v]["scope2_tco2e"]))
    return Section(t("inv.cat2"), [t("inv.cat2.text")], tables, "cat2")


def _memo_section(t: Text, inv: dict[str, Any]) -> Section:
    memo = _scope_lines(inv, "memo")
    tables = [_line_table(t, memo, t("inv.memo.table"), "memo", with_view=True)] if memo else []
    return Section(t("inv.memo"), [t("inv.memo.text", biogenic=_num(inv.get("biogenic_co2_t")))],
                   tables, "memo")


def _cat3_6_section(t: Text) -> Section:
    rows: list[list[Cell]] = [[t(f"iso.cat{n}"), t("not_quantified"), t(f"iso.cat{n}.reason")]
                              for n in range(3, 7)]
    table = Table(t("inv.cat3_6.table"), t.cols("iso_category", "status", "reason"), rows, "cat3_6")
    return Section(t("inv.cat3_6"), [t("inv.cat3_6.text")], [table], "cat3_6")


def _gwp_section(t: Text, inv: dict[str, Any]) -> Section:
    rows: list[list[Cell]] = [[f["subject"], f["value"], f.get("source"), f["factor_id"]]
                              for f in inv["factors"] if f.get("family") == "gwp"]
    columns = t.cols("gas", "gwp", "factor_source", "factor_id")
    table = Table(t("inv.gwp.table"), columns, rows, "gwp")
    return Section(t("inv.gwp"), [t("inv.gwp.text", gwp=inv["gwp"])], [table], "gwp")


def _factors_table(t: Text, factors: list[dict[str, Any]]) -> Table:
    rows: list[list[Cell]] = [[f["factor_id"], f["value"], f.get("unit"), f.get("source"),
                               f.get("confidence"), f.get("origin")] for f in factors]
    columns = t.cols("factor_id", "factor_value", "unit", "factor_source", "confidence", "origin")
    return Table(t("inv.factors.table"), columns, rows, "factors")


def _factors_section(t: Text, inv: dict[str, Any]) -> Section:
    overrides = inv.get("user_factor_overrides") or []
    paragraphs = [t("inv.factors.overrides", ids=", ".join(overrides))] if overrides else []
    return Section(t("inv.factors"), paragraphs, [_factors_table(t, inv["factors"])], "factors")


def _uncertainty_section(t: Text, inv: dict[str, Any]) -> Section:
    rows: list[list[Cell]] = [
        [f["factor_id"], f["confidence"], t.code("confidence", f["confidence"])]
        for f in inv["factors"] if f.get("confidence") in ("U", "R")]
    if not rows:
        return Section(t("inv.uncertainty"), [t("inv.uncertainty.none")], [], "uncertainty")
    table = Table(t("inv.uncertainty.table"), t.cols("factor_id", "confidence", "meaning"), rows,
                  "uncertainty")
    return Section(t("inv.uncertainty"), [t("inv.uncertainty.text")], [table], "uncertainty")


def _warnings_section(t: Text, warnings: list[str], heading_key: str) -> Section:
    return Section(t(heading_key), list(warnings) or [t("inv.warnings.none")], [], "warnings")


def build_inventory_report(inv: dict[str, Any], lang: str = "zh", *,
                           monthly: dict[str, Any] | None = None) -> Report:
    """The GHG inventory report of a ``lingtan.inventory/1`` document, ISO 14064-1 layout.

    Category 1 = scope 1 lines, category 2 = scope 2 lines with one table per view,
    categories 3–6 listed as not quantified; then the GWP set, every factor with its
    source, the [U]/[R] factors and the warnings (data gaps). ``monthly`` (a
    ``lingtan.monthly/1`` document) adds the chart of monthly emissions by scope.
    """
    t = Text(lang)
    summary = _summary_table(t, inv, "summary", t("inv.summary"))
    charts = [monthly_emissions(t, monthly)] if monthly else []
    sections = [
        Section(t("inv.summary"), [t("inv.summary.text", year=inv["year"])], [summary], "summary",
                charts),
        _cat1_section(t, inv), _cat2_section(t, inv), _memo_section(t, inv), _cat3_6_section(t),
        _gwp_section(t, inv), _factors_section(t, inv), _uncertainty_section(t, inv),
        _warnings_section(t, inv.get("warnings") or [], "inv.warnings"),
    ]
    return Report("inventory", lang, t("inventory.title"), _inventory_meta(t, inv), sections)


def _inventory_meta(t: Text, inv: dict[str, Any]) -> list[tuple[str, Cell]]:
    return [(t("meta.site"), inv["site"]), (t("meta.year"), inv["year"]),
            (t("meta.gwp"), inv["gwp"]), (t("meta.timezone"), inv.get("timezone")),
            (t("meta.schema"), inv.get("schema")), (t("meta.generated_by"), "lingtan")]


# ---------------------------------------------------------------- self-evaluation pieces

def _pairs_table(t: Text, name: str, key: str, pairs: list[tuple[str, Cell]]) -> Table:
    return Table(name, [t("key"), t("value")], [[k, v] for k, v in pairs], key)


def _findings_table(t: Text, findings: list[dict[str, Any]], name: str, key: str) -> Table:
    rows: list[list[Cell]] = [
        [f["rule_id"], t.code("status", f["status"]), f.get("level"),
         t("yes") if f.get("required") else t("no"), f.get("evidence"), f.get("source")]
        for f in findings]
    columns = t.cols("rule_id", "status", "level", "required", "evidence", "rule_source")
    return Table(name, columns, rows, key)


def _path_findings(t: Text, assessment: dict[str, Any], n: int, heading: str) -> list[Table]:
    """Findings of the national guideline's pathway rules (``cn.path{n}.…``), if any."""
    own = [f for f in assessment.get("findings") or [] if f["rule_id"].startswith(f"cn.path{n}.")]
    name = t("se.path.findings", path=heading)
    return [_findings_table(t, own, name, f"path{n}.findings")] if own else []


def _energy_table(t: Text, inv: dict[str, Any]) -> Table:
    energy = inv.get("energy") or {}
    rows: list[list[Cell]] = [
        [carrier, c.get("quantity"), c.get("unit"), c.get("coefficient"),
         c.get("coefficient_unit"), c.get("factor_id"), c.get("tce")]
        for carrier, c in (energy.get("by_carrier") or {}).items()]
    rows.append([t("total"), None, None, None, None, None, inv.get("energy_tce")])
    columns = t.cols("carrier", "quantity", "unit", "coefficient", "coefficient_unit",
                     "factor_id", "tce")
    return Table(t("se.path1.energy"), columns, rows, "energy")


def _path1(t: Text, inv: dict[str, Any], assessment: dict[str, Any]) -> Section:
    heading = t("se.path1")
    basis = t.code("basis", (inv.get("energy") or {}).get("basis", "equivalent"))
    tables = [_summary_table(t, inv, "views", t("se.path1.views")),
              _line_table(t, inv["lines"], t("se.path1.lines"), "lines", True, True),
              _energy_table(t, inv), *_path_findings(t, assessment, 1, heading)]
    paragraphs = [t("se.path1.text", basis=basis),
                  t("se.energy.total", tce=_num(inv.get("energy_tce")))]
    return Section(heading, paragraphs, tables, "path1")


def _path2(t: Text, inv: dict[str, Any], assessment: dict[str, Any],
           hourly: dict[str, Any] | None) -> Section:
    heading = t("se.path2")
    elec = inv.get("electricity_mwh") or {}
    pairs: list[tuple[str, Cell]] = [(t(f"elec.{k}"), v) for k, v in elec.items()
                                     if f"elec.{k}" in t.labels]
    tables = [_pairs_table(t, t("se.path2.electricity"), "electricity", pairs)]
    paragraphs = []
    if hourly is None:
        paragraphs.append(t("se.path2.hourly.none"))
    else:
        keys = ("annual_matching", "hourly_matching", "cfe", "load_mwh")
        tables.append(_pairs_table(t, t("se.path2.hourly"), "hourly",
                                   [(t(f"hourly.{k}"), hourly.get(k)) for k in keys]))
    tables += _path_findings(t, assessment, 2, heading)
    return Section(heading, paragraphs, tables, "path2")


def _efficiency_tables(t: Text, eff: dict[str, Any]) -> list[Table]:
    year = str(eff.get("year"))
    keys = ("period", "kind", "name", "energy_kwh", "output_quantity", "output_unit",
            "kwh_per_unit", "kgce_per_unit")
    rows: list[list[Cell]] = [[r.get(k) for k in keys] for r in eff.get("rows") or []
                              if str(r.get("period")) == year]
    tables = [Table(t("se.path3.products"), t.cols(*keys), rows, "efficiency")]
    if eff.get("computing"):
        tables.append(_pairs_table(t, t("se.path3.computing"), "computing",
                                   list(eff["computing"].items())))
    ekeys = ("equipment_id", "equipment_class", "grade", "upgrade_candidate", "energy_kwh",
             "savings_kwh", "note")
    if eff.get("equipment"):
        erows: list[list[Cell]] = [[e.get(k) for k in ekeys] for e in eff["equipment"]]
        tables.append(Table(t("se.path3.equipment"), t.cols(*ekeys), erows, "equipment"))
    return tables


def _savings_text(t: Text, eff: dict[str, Any]) -> list[str]:
    totals = (eff.get("savings") or {}).get("totals")
    if not isinstance(totals, dict):
        return []
    kwh = next((v for k, v in totals.items() if "kwh" in k), None)
    tco2 = next((v for k, v in totals.items() if "tco2" in k), None)
    return [t("se.path3.savings", kwh=_num(kwh), tco2=_num(tco2))]


def _path3(t: Text, assessment: dict[str, Any], eff: dict[str, Any] | None) -> Section:
    heading = t("se.path3")
    findings = _path_findings(t, assessment, 3, heading)
    if eff is None:
        return Section(heading, [t("se.path3.none")], findings, "path3")
    paragraphs = [eff.get("allocation") or "", *_savings_text(t, eff), *(eff.get("warnings") or [])]
    return Section(heading, [p for p in paragraphs if p], [*_efficiency_tables(t, eff), *findings],
                   "path3")


def _path4(t: Text, assessment: dict[str, Any]) -> Section:
    heading = t("se.path4")
    findings = _path_findings(t, assessment, 4, heading)
    return Section(heading, [t("se.path4.text")], findings, "path4")


def _path5(t: Text, inv: dict[str, Any], assessment: dict[str, Any]) -> Section:
    heading = t("se.path5")
    gaps = [w for w in inv.get("warnings") or [] if w.startswith("meter ")]
    paragraphs = [t("se.path5.text"), *(gaps or [t("se.path5.none")])]
    return Section(heading, paragraphs, _path_findings(t, assessment, 5, heading), "path5")


def _self_reduction_table(t: Text, assessment: dict[str, Any]) -> Table:
    sr = assessment.get("self_reduction") or {}
    rows: list[list[Cell]] = [[d, r, t("yes") if d == sr.get("definition") else t("no")]
                              for d, r in (sr.get("all") or {}).items()]
    return Table(t("se.path6.self_reduction"), t.cols("definition", "ratio", "in_use"), rows,
                 "self_reduction")


HOLDING_KEYS = ("acquired", "held", "claimed_for_year", "retired", "expired", "cancelled")


def _holdings_table(t: Text, holdings: dict[str, Any]) -> Table:
    """Per kind of a ``lingtan.instruments/1`` document: held at ``as_of``, retired, expired."""
    rows: list[list[Cell]] = [[t.code("instrument", kind), k.get("unit"),
                               *(k.get(f) for f in HOLDING_KEYS)]
                              for kind, k in (holdings.get("by_kind") or {}).items()]
    columns = t.cols("kind", "unit", "acquired", "held_year_end", "claimed_for_year",
                     "retired_total", "expired", "cancelled")
    return Table(t("se.path6.holdings"), columns, rows, "holdings")


def _path6(t: Text, inv: dict[str, Any], assessment: dict[str, Any],
           holdings: dict[str, Any] | None = None) -> Section:
    heading = t("se.path6")
    claimed = inv.get("instruments_claimed") or {}
    rows: list[list[Cell]] = [[t.code("instrument", k), v, INSTRUMENT_UNITS.get(k)]
                              for k, v in claimed.items()]
    instruments = Table(t("se.path6.instruments"), t.cols("kind", "amount", "unit"), rows,
                        "instruments")
    held = [] if holdings is None else [_holdings_table(t, holdings)]
    net = _pairs_table(t, t("se.path6.net"), "net", _net_pairs(t, assessment))
    tables = [instruments, *held, net, _self_reduction_table(t, assessment),
              *_path_findings(t, assessment, 6, heading)]
    text = t("se.path6.held") if holdings is None else t("se.path6.held.as_of",
                                                          as_of=holdings.get("as_of"))
    return Section(heading, [text], tables, "path6")


def _net_pairs(t: Text, assessment: dict[str, Any]) -> list[tuple[str, Cell]]:
    baseline = assessment.get("baseline") or {}
    sr = assessment.get("self_reduction") or {}
    return [(t("se.gross"), assessment.get("gross_tco2e")),
            (t("se.offsets"), assessment.get("offsets_tco2e")),
            (t("se.net"), assessment.get("net_tco2e")),
            (t("se.baseline_year"), baseline.get("year")),
            (t("se.baseline_tco2e"), baseline.get("tco2e")),
            (f"{t('se.self_reduction')} ({sr.get('definition')})", sr.get("ratio"))]


def _gaps_section(t: Text, assessment: dict[str, Any]) -> Section:
    gaps = assessment.get("gaps") or []
    if not gaps:
        return Section(t("se.gaps"), [t("se.gaps.none")], [], "gaps")
    rows: list[list[Cell]] = [[g["rule_id"], g.get(t.lang) or g.get("en"), g.get("amount"),
                               g.get("unit")] for g in gaps]
    table = Table(t("se.gaps.table"), t.cols("rule_id", "gap", "amount", "unit"), rows, "gaps")
    return Section(t("se.gaps"), [], [table], "gaps")


def build_selfeval_report(inv: dict[str, Any], assessment: dict[str, Any],
                          efficiency: dict[str, Any] | None = None,
                          hourly: dict[str, Any] | None = None, lang: str = "zh", *,
                          holdings: dict[str, Any] | None = None,
                          monthly: dict[str, Any] | None = None) -> Report:
    """The zero-carbon factory self-evaluation report, one section per construction path.

    ``holdings`` (a ``lingtan.instruments/1`` document) adds the instruments held at year
    end to path 6; ``monthly`` (``lingtan.monthly/1``) adds the charts of monthly emissions
    and of the PV share (:mod:`lingtan.reports.figures`); the energy mix and energy flow
    charts come from the inventory (and efficiency), the matching heatmap from ``hourly``.

    Paths (2026 national guideline): 科学算碳 accounting, 源头减碳 energy supply,
    过程脱碳 efficiency, 协同降碳 footprint and supply chain (not yet assessed by lingtan),
    智能控碳 digital control, 抵销与披露 offsets and disclosure; then every scheme finding
    with its evidence and source, the gap list and the warnings.
    """
    t = Text(lang)
    findings = _findings_table(t, assessment.get("findings") or [], t("se.findings.table"),
                               "findings")
    sections = [
        Section(t("se.overview"), [], [_pairs_table(t, t("se.overview.table"), "overview",
                                                     _net_pairs(t, assessment))], "overview"),
        _path1(t, inv, assessment), _path2(t, inv, assessment, hourly),
        _path3(t, assessment, efficiency), _path4(t, assessment), _path5(t, inv, assessment),
        _path6(t, inv, assessment, holdings),
        Section(t("se.findings"), [], [findings], "findings"), _gaps_section(t, assessment),
        _warnings_section(t, assessment.get("warnings") or [], "se.warnings"),
    ]
    charts = selfeval_figures(t, inv, monthly, efficiency, hourly)
    sections = [replace(s, figures=charts.get(s.key, [])) for s in sections]
    metadata = _selfeval_meta(t, inv, assessment)
    return Report("selfeval", lang, t("selfeval.title"), metadata, sections)


def _selfeval_meta(t: Text, inv: dict[str, Any],
                   assessment: dict[str, Any]) -> list[tuple[str, Cell]]:
    scheme = assessment.get("scheme") or {}
    return [(t("meta.site"), inv["site"]), (t("meta.year"), inv["year"]),
            (t("meta.scheme"), f"{scheme.get('id')} {scheme.get('version')}"),
            (t("meta.verdict"), t.code("verdict", assessment.get("verdict"))),
            (t("meta.gwp"), inv["gwp"]), (t("meta.generated_by"), "lingtan")]
