"""Evaluate a factory's year against a scheme: findings, gaps and a verdict.

Each rule gives a :class:`Finding` — ``pass``, ``fail``, ``not_applicable`` or
``undetermined`` — with its evidence, its source clause and, when it does not
pass, a :class:`Gap` phrased in the user's terms in English and Chinese
("retire 312 tCO2e more credits / 需再注销 312 tCO2e 抵销量").

Verdict (levels tried highest first, only ``required`` rules decide):

* every rule of the level (its own and ``level: all``) passes or is not
  applicable → that level;
* a rule of the level fails → try the next level down; none left → ``not_eligible``;
* otherwise (some rule undetermined, none failed) → ``undetermined``.

Boundaries are inclusive: a self-reduction of exactly 80 % meets "≥ 80 %", a net
of exactly 0 tCO2e meets "≤ 0".
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from lingtan.schemes.model import (
    DeclarationRule,
    MaxValueRule,
    MinOffsetShareRule,
    MinRatioRule,
    Rule,
    Scheme,
    SchemeError,
    Threshold,
)

__all__ = [
    "Assessment",
    "AssessmentInputs",
    "Declaration",
    "Finding",
    "Gap",
    "Status",
    "Verdict",
    "declarations_from_mapping",
    "evaluate",
    "evaluate_rule",
]

log = logging.getLogger(__name__)

_EPS = 1e-9  # tolerance for float noise at a boundary (ratios and tCO2e)


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    UNDETERMINED = "undetermined"


class Verdict(StrEnum):
    ZERO_CARBON = "zero_carbon"
    NEAR_ZERO_CARBON = "near_zero_carbon"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Declaration:
    """A factory input not (yet) computed by lingtan, as declared in factory.yaml.

    ``value`` is a boolean or an enum string (``green_factory_level: provincial``);
    ``evidence`` says where it can be checked (certificate number, document, URL).
    A declaration without evidence makes its finding ``undetermined``.
    """

    value: bool | str | None
    evidence: str = ""


@dataclass(frozen=True)
class AssessmentInputs:
    """The metrics of one reporting year [tCO2e] plus declared factory inputs.

    ``gross_tco2e`` defaults to ``scope1_tco2e + scope2_market_tco2e`` and
    ``net_tco2e`` to ``gross_tco2e - offsets_tco2e``. ``self_reduction`` maps a
    definition (``A``, ``B``, ``strict``) to a ratio; a definition missing from
    it is computed from the metrics when they are given (domain.md §1.4).
    ``instrument_treatment`` records how the inventory treated green-power
    trading and unbundled GECs (``self_reduction`` / ``offset`` / ``not_counted``);
    if it disagrees with the scheme, self-reduction findings are undetermined.
    """

    gross_tco2e: float | None = None
    scope1_tco2e: float | None = None
    scope2_market_tco2e: float | None = None
    scope2_location_tco2e: float | None = None
    offsets_tco2e: float | None = None
    net_tco2e: float | None = None
    self_reduction: Mapping[str, float | None] = field(default_factory=dict)
    baseline_tco2e: float | None = None
    baseline_year: int | None = None
    category3_4_tco2e: float | None = None
    instrument_treatment: Mapping[str, str] = field(default_factory=dict)
    declarations: Mapping[str, Declaration] = field(default_factory=dict)

    def gross(self) -> float | None:
        if self.gross_tco2e is not None:
            return self.gross_tco2e
        if self.scope1_tco2e is None or self.scope2_market_tco2e is None:
            return None
        return self.scope1_tco2e + self.scope2_market_tco2e

    def net(self) -> float | None:
        if self.net_tco2e is not None:
            return self.net_tco2e
        gross = self.gross()
        return None if gross is None or self.offsets_tco2e is None else gross - self.offsets_tco2e

    def self_reduction_ratio(self, definition: str) -> float | None:
        """Self-reduction ratio under ``definition`` (given, else computed, else None)."""
        if definition in self.self_reduction:
            return self.self_reduction[definition]
        if definition == "A":
            gross, base = self.gross(), self.baseline_tco2e
            return None if gross is None or not base else (base - gross) / base
        if definition == "B":
            lb = _sum(self.scope1_tco2e, self.scope2_location_tco2e)
            return None if lb is None or self.offsets_tco2e is None or not lb else (
                1 - self.offsets_tco2e / lb
            )
        # ``strict`` needs the emissions covered by green instruments, which only the
        # inventory knows: lingtan.accounting.net computes it and passes it in.
        return None

    def quantity(self, metric: str) -> float | None:
        if metric == "net_tco2e":
            return self.net()
        if metric == "gross_tco2e":
            return self.gross()
        net = self.net()  # net_cat1_4_tco2e
        return None if net is None or self.category3_4_tco2e is None else (
            net + self.category3_4_tco2e
        )


def _sum(*values: float | None) -> float | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


@dataclass(frozen=True)
class Gap:
    """What is missing to pass one rule, in the user's terms."""

    rule_id: str
    en: str
    zh: str
    amount: float | None = None
    unit: str | None = None

    def __str__(self) -> str:
        return f"{self.en} / {self.zh}"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    status: Status
    evidence: str
    source: str
    gap: Gap | None = None
    level: str = "all"
    required: bool = True


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    scheme_id: str
    scheme_version: str
    self_reduction_definition: str
    findings: list[Finding]
    gaps: list[Gap]

    def finding(self, rule_id: str) -> Finding:
        return next(f for f in self.findings if f.rule_id == rule_id)


def declarations_from_mapping(data: Mapping[str, object]) -> dict[str, Declaration]:
    """Declarations from the ``declarations:`` block of factory.yaml.

    Each entry is ``name: {value: …, evidence: "…"}``.
    """
    out: dict[str, Declaration] = {}
    for name, entry in data.items():
        if not isinstance(entry, Mapping) or set(entry) - {"value", "evidence"}:
            raise SchemeError(
                f"declaration '{name}': expected a mapping with 'value' and 'evidence'"
            )
        value, evidence = entry.get("value"), entry.get("evidence", "")
        if value is not None and not isinstance(value, bool | str):
            raise SchemeError(f"declaration '{name}': value must be true/false or a text")
        out[str(name)] = Declaration(value, str(evidence or ""))
    return out


def _pct(ratio: float) -> str:
    return f"{ratio * 100:.1f}"


def _tonnes(t: float) -> int:
    return math.ceil(round(t, 6))


def _threshold(rule: Rule, params: Threshold, overrides: Mapping[str, float]) -> tuple[
    float | None, str
]:
    if rule.id in overrides:
        what = f"published {params.value}" if params.published else "not published"
        return overrides[rule.id], f"threshold {overrides[rule.id]} overridden ({what})"
    if params.value is None:
        return None, "threshold not published"
    tag = "published" if params.published else "configured, not published"
    return params.value, f"threshold {params.value} ({tag}, [{params.confidence}])"


def _undetermined(rule: Rule, source: str, reason: str, en: str, zh: str) -> Finding:
    gap = Gap(rule.id, en, zh)
    return Finding(rule.id, Status.UNDETERMINED, reason, source, gap, str(rule.level),
                   rule.required)


def _min_ratio(rule: MinRatioRule, scheme: Scheme, inputs: AssessmentInputs, src: str,
               overrides: Mapping[str, float], definition: str) -> Finding:
    limit, basis = _threshold(rule, rule.params, overrides)
    if limit is None:
        return _undetermined(rule, src, "threshold not published",
                             "threshold not published; configure a value",
                             "门槛值未公布；需自行配置")
    mismatch = _treatment_mismatch(scheme, inputs)
    if mismatch:
        return _undetermined(rule, src, mismatch, mismatch, "绿电/绿证计入方式与评价方案不一致")
    value = inputs.self_reduction_ratio(definition)
    if value is None:
        return _undetermined(rule, src, f"self-reduction (Def. {definition}) not available",
                             f"provide self-reduction (Def. {definition})",
                             f"需提供自主减排比例（定义 {definition}）")
    evidence = f"self-reduction (Def. {definition}) {_pct(value)} % vs ≥ {_pct(limit)} %; {basis}"
    if value >= limit - _EPS:
        return Finding(rule.id, Status.PASS, evidence, src, None, str(rule.level), rule.required)
    short = (limit - value) * 100
    gap = Gap(rule.id, f"self-reduction {_pct(value)} %, {short:.1f} points short",
              f"自主减排比例 {_pct(value)}%，差 {short:.1f} 个百分点", short, "percentage points")
    return Finding(rule.id, Status.FAIL, evidence, src, gap, str(rule.level), rule.required)


def _treatment_mismatch(scheme: Scheme, inputs: AssessmentInputs) -> str | None:
    for name in ("green_power_trading", "unbundled_gec"):
        wanted, used = getattr(scheme.instruments, name), inputs.instrument_treatment.get(name)
        if used is not None and wanted != "unspecified" and used != wanted:
            return f"inputs count {name} as {used}, scheme '{scheme.id}' counts it as {wanted}"
    return None


def _credits_gap(rule: Rule, missing_t: float) -> Gap:
    t = _tonnes(missing_t)
    return Gap(rule.id, f"retire {t} tCO2e more credits", f"需再注销 {t} tCO2e 抵销量", t, "tCO2e")


def _max_value(rule: MaxValueRule, inputs: AssessmentInputs, src: str,
               overrides: Mapping[str, float]) -> Finding:
    limit, basis = _threshold(rule, rule.params, overrides)
    if limit is None:
        return _undetermined(rule, src, "threshold not published",
                             "threshold not published; configure a value",
                             "门槛值未公布；需自行配置")
    value = inputs.quantity(rule.metric)
    if value is None:
        return _undetermined(rule, src, f"{rule.metric} not available",
                             f"provide {rule.metric}", f"需提供 {rule.metric}")
    evidence = f"{rule.metric} {value:g} tCO2e vs ≤ {limit:g}; {basis}"
    if value <= limit + _EPS:
        return Finding(rule.id, Status.PASS, evidence, src, None, str(rule.level), rule.required)
    return Finding(rule.id, Status.FAIL, evidence, src, _credits_gap(rule, value - limit),
                   str(rule.level), rule.required)


def _min_offset_share(rule: MinOffsetShareRule, inputs: AssessmentInputs, src: str,
                      overrides: Mapping[str, float]) -> Finding:
    p = rule.params
    share, basis = _threshold(rule, p, overrides)
    if share is None:
        return _undetermined(rule, src, "threshold not published",
                             "threshold not published; configure a value",
                             "门槛值未公布；需自行配置")
    if p.base == "baseline" and p.baseline_year is not None and inputs.baseline_year is not None \
            and inputs.baseline_year != p.baseline_year:
        reason = f"baseline year {inputs.baseline_year} given, rule needs {p.baseline_year}"
        return _undetermined(rule, src, reason, reason,
                             f"基准年为 {inputs.baseline_year}，规则要求 {p.baseline_year} 年")
    base = inputs.baseline_tco2e if p.base == "baseline" else inputs.gross()
    if base is None or inputs.offsets_tco2e is None:
        what = "baseline_tco2e" if p.base == "baseline" else "gross_tco2e"
        return _undetermined(rule, src, f"{what} or offsets_tco2e not available",
                             f"provide {what} and offsets_tco2e",
                             f"需提供 {what} 与 offsets_tco2e")
    needed = share * base
    evidence = (f"offsets {inputs.offsets_tco2e:g} tCO2e vs ≥ {_pct(share)} % of {p.base} "
                f"{base:g} = {needed:g} tCO2e; {basis}")
    if inputs.offsets_tco2e >= needed - _EPS:
        return Finding(rule.id, Status.PASS, evidence, src, None, str(rule.level), rule.required)
    return Finding(rule.id, Status.FAIL, evidence, src,
                   _credits_gap(rule, needed - inputs.offsets_tco2e), str(rule.level),
                   rule.required)


def _declare_one(rule: DeclarationRule, name: str, inputs: AssessmentInputs) -> tuple[
    Status, str, str, str
]:
    """(status, evidence, gap in English, gap in Chinese) for one declared input."""
    p, decl = rule.params, inputs.declarations.get(name)
    if decl is None or decl.value is None:
        return (Status.UNDETERMINED, f"'{name}' not declared",
                f"declare '{name}' with evidence in factory.yaml",
                f"需在 factory.yaml 中申报 '{name}' 并附证据")
    if not decl.evidence.strip():
        return (Status.UNDETERMINED, f"'{name}' = {decl.value!r} declared without evidence",
                f"add evidence for '{name}' in factory.yaml",
                f"需在 factory.yaml 中为 '{name}' 补充证据")
    evidence = f"{name} = {decl.value!r} (evidence: {decl.evidence})"
    if decl.value in p.not_applicable_values:
        return Status.NOT_APPLICABLE, evidence, "", ""
    if decl.value in p.pass_values:
        return Status.PASS, evidence, "", ""
    wanted = " / ".join(str(v) for v in p.pass_values)
    return (Status.FAIL, evidence, f"{name} is {decl.value!r}; required: {wanted}",
            f"{name} 为 {decl.value!r}，要求：{wanted}")


def _declaration(rule: DeclarationRule, inputs: AssessmentInputs, src: str) -> Finding:
    """One input, or a list of alternatives of which one must pass."""
    names = [rule.input] if isinstance(rule.input, str) else rule.input
    results = [_declare_one(rule, name, inputs) for name in names]
    statuses = {r[0] for r in results}
    if Status.PASS in statuses:
        status = Status.PASS
    elif statuses == {Status.NOT_APPLICABLE}:
        status = Status.NOT_APPLICABLE
    elif Status.UNDETERMINED in statuses:
        status = Status.UNDETERMINED
    else:
        status = Status.FAIL
    evidence = "; ".join(r[1] for r in results)
    gap = None
    if status in (Status.FAIL, Status.UNDETERMINED):
        relevant = [r for r in results if r[0] is status]
        gap = Gap(rule.id, " or ".join(r[2] for r in relevant), "或".join(r[3] for r in relevant))
    return Finding(rule.id, status, evidence, src, gap, str(rule.level), rule.required)


def evaluate_rule(scheme: Scheme, rule: Rule, inputs: AssessmentInputs,
                  overrides: Mapping[str, float] | None = None,
                  self_reduction_definition: str | None = None) -> Finding:
    """The finding of one rule."""
    overrides = overrides or {}
    src = f"{scheme.source.document} — {rule.clause}"
    if isinstance(rule, MinRatioRule):
        definition = self_reduction_definition or scheme.self_reduction_definition
        return _min_ratio(rule, scheme, inputs, src, overrides, definition)
    if isinstance(rule, MaxValueRule):
        return _max_value(rule, inputs, src, overrides)
    if isinstance(rule, MinOffsetShareRule):
        return _min_offset_share(rule, inputs, src, overrides)
    return _declaration(rule, inputs, src)


def _verdict(scheme: Scheme, findings: list[Finding]) -> Verdict:
    for level in scheme.levels:
        statuses = {f.status for f in findings if f.required and f.level in (level, "all")}
        if Status.FAIL in statuses:
            continue
        if Status.UNDETERMINED in statuses:
            return Verdict.UNDETERMINED
        return Verdict(level.value)
    return Verdict.NOT_ELIGIBLE


def evaluate(scheme: Scheme, inputs: AssessmentInputs,
             overrides: Mapping[str, float] | None = None,
             self_reduction_definition: str | None = None) -> Assessment:
    """Evaluate ``inputs`` against every rule of ``scheme``.

    Parameters
    ----------
    scheme : Scheme
        From :func:`~lingtan.schemes.registry.load_scheme` or a user file.
    inputs : AssessmentInputs
        Metrics of the reporting year [tCO2e] and declared factory inputs.
    overrides : Mapping[str, float], optional
        Threshold by rule id; configures unpublished thresholds or replaces
        published ones (the finding's evidence says so).
    self_reduction_definition : {"A", "B", "strict"}, optional
        Replaces the scheme's definition (domain.md §1.4).
    """
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - {r.id for r in scheme.rules})
    if unknown:
        raise SchemeError(f"overrides name unknown rules of '{scheme.id}': {', '.join(unknown)}")
    if self_reduction_definition not in (None, "A", "B", "strict"):
        raise SchemeError(f"unknown self-reduction definition '{self_reduction_definition}'")
    definition = self_reduction_definition or scheme.self_reduction_definition
    findings = [evaluate_rule(scheme, r, inputs, overrides, definition) for r in scheme.rules]
    for f in findings:
        if not f.required and f.status is Status.FAIL:
            log.warning("scheme %s: advisory rule %s failed: %s", scheme.id, f.rule_id, f.gap)
    return Assessment(
        verdict=_verdict(scheme, findings),
        scheme_id=scheme.id,
        scheme_version=scheme.version,
        self_reduction_definition=definition,
        findings=findings,
        gaps=[f.gap for f in findings if f.gap is not None],
    )

