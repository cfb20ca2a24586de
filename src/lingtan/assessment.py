"""``lingtan assess``: a site's year against an evaluation scheme.

Gathers the metrics a scheme's rules need — inventories of the reporting and baseline
years, credits retired for the year from the instrument ledger, the self-reduction ratio
under every definition (:mod:`lingtan.accounting.net`), and the declarations of
``factory.yaml`` — and hands them to the rule engine (:mod:`lingtan.schemes`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb

from lingtan.accounting.inventory import compute_inventory, load_site
from lingtan.accounting.net import DEFINITIONS, NetResult, YearEmissions, self_reduction
from lingtan.accounting.result import Inventory
from lingtan.errors import NoDataError
from lingtan.schemes import Assessment, AssessmentInputs, evaluate, load_scheme
from lingtan.schemes.evaluate import Declaration, declarations_from_mapping
from lingtan.site import Site

#: Instrument kinds that are offsets (credits), not contractual electricity.
CREDIT_KINDS = ("ccer", "international_credit", "removal")
SCHEMA = "lingtan.assessment/1"


@dataclass(frozen=True)
class AssessmentReport:
    """An :class:`Assessment` with the figures it was computed from."""

    assessment: Assessment
    year: int
    site_id: str
    definition: str
    net: dict[str, NetResult | None]
    inputs: AssessmentInputs
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON document (docs/cli.md, ``assess --json``)."""
        a = self.assessment
        chosen = self.net.get(self.definition)
        return {
            "schema": SCHEMA, "site": self.site_id, "year": self.year,
            "scheme": {"id": a.scheme_id, "version": a.scheme_version},
            "verdict": str(a.verdict.value if hasattr(a.verdict, "value") else a.verdict),
            "net_tco2e": self.inputs.net(),
            "gross_tco2e": self.inputs.gross(),
            "offsets_tco2e": self.inputs.offsets_tco2e,
            "baseline": {"year": self.inputs.baseline_year,
                         "tco2e": self.inputs.baseline_tco2e},
            "self_reduction": {"definition": self.definition,
                               "ratio": chosen.ratio if chosen else None,
                               "all": {d: (r.ratio if r else None) for d, r in self.net.items()}},
            "findings": [_finding(f) for f in a.findings],
            "gaps": [{"rule_id": g.rule_id, "en": g.en, "zh": g.zh, "amount": g.amount,
                      "unit": g.unit} for g in a.gaps],
            "warnings": self.warnings,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, default=str)


def _finding(f: Any) -> dict[str, Any]:
    status = f.status.value if hasattr(f.status, "value") else f.status
    return {"rule_id": f.rule_id, "status": str(status), "evidence": f.evidence,
            "source": f.source, "level": f.level, "required": f.required,
            "gap": str(f.gap) if f.gap else None}


def assess(
    con: duckdb.DuckDBPyConnection, scheme_id: str, year: int, *,
    site_id: str | None = None, definition: str | None = None,
) -> AssessmentReport:
    """Evaluate ``year`` of the site against scheme ``scheme_id``.

    Raises
    ------
    SchemeError
        Unknown scheme id or invalid declarations.
    NoDataError
        No data for ``year``.
    """
    scheme = load_scheme(scheme_id)
    site = load_site(con, site_id)
    current = compute_inventory(con, year, site_id=site.id)
    warnings: list[str] = []
    baseline = _baseline_inventory(con, site.id, site.baseline_year, warnings)
    year_em = _year_emissions(current)
    net: dict[str, NetResult | None] = {d: _net(year_em, d, baseline, warnings)
                                        for d in DEFINITIONS}
    inputs = AssessmentInputs(
        scope1_tco2e=year_em.scope1_tco2e, scope2_market_tco2e=year_em.scope2_market_tco2e,
        scope2_location_tco2e=year_em.scope2_location_tco2e,
        offsets_tco2e=year_em.offsets_tco2e,
        self_reduction={d: (r.ratio if r else None) for d, r in net.items()},
        baseline_tco2e=baseline.views["market"].total_tco2e if baseline else None,
        baseline_year=site.baseline_year,
        declarations=_declarations(con, site, year),
    )
    chosen = definition or scheme.self_reduction_definition
    result = evaluate(scheme, inputs, self_reduction_definition=chosen)
    return AssessmentReport(result, year, site.id, chosen, net, inputs,
                            current.warnings + warnings)


def _declarations(con: duckdb.DuckDBPyConnection, site: Site, year: int
                  ) -> dict[str, Declaration]:
    """factory.yaml ``declarations:``, plus what lingtan computes: the energy-limit status
    (:mod:`lingtan.efficiency.limit_evidence`) when products are mapped to a standard.
    ``green_factory_level`` stands in when not declared there, without evidence (so a
    scheme rule on it stays undetermined until evidence is given)."""
    from lingtan.efficiency.limit_evidence import energy_limit_declaration

    out = declarations_from_mapping(site.declarations)
    computed = energy_limit_declaration(con, site, year)
    if computed is not None and "energy_limit_level" not in out:
        out["energy_limit_level"] = computed
    if site.green_factory_level and "green_factory_level" not in out:
        out["green_factory_level"] = Declaration(site.green_factory_level, "")
    return out


def _baseline_inventory(
    con: duckdb.DuckDBPyConnection, site_id: str, baseline_year: int | None, warnings: list[str]
) -> Inventory | None:
    if baseline_year is None:
        warnings.append("no baseline_year in factory.yaml: baseline-relative self-reduction "
                        "(definitions A and strict) is undetermined")
        return None
    try:
        return compute_inventory(con, baseline_year, site_id=site_id)
    except NoDataError:
        warnings.append(f"baseline year {baseline_year} has no data in the workspace: "
                        "definitions A and strict are undetermined")
        return None


def _year_emissions(inv: Inventory) -> YearEmissions:
    """Figures of one inventory, with the location-based tCO2 the instruments cover."""
    covered_mwh = sum(ln.activity_quantity for ln in inv.lines
                      if ln.view == "market" and ln.source == "green_instruments")
    return YearEmissions(
        scope1_tco2e=inv.views["location"].scope1_tco2e,
        scope2_location_tco2e=inv.views["location"].scope2_tco2e,
        scope2_market_tco2e=inv.views["market"].scope2_tco2e,
        offsets_tco2e=sum(inv.instruments_claimed.get(k, 0.0) for k in CREDIT_KINDS),
        covered_tco2e=covered_mwh * inv.grid_factor("location"),
    )


def _net(year: YearEmissions, definition: str, baseline: Inventory | None,
         warnings: list[str]) -> NetResult | None:
    base = None
    if baseline is not None:
        view = "location" if definition == "strict" else "market"
        base = baseline.views[view].total_tco2e
    try:
        return self_reduction(year, definition, base)  # type: ignore[arg-type]
    except NoDataError as exc:
        if definition == "B":
            warnings.append(str(exc))
        return None
