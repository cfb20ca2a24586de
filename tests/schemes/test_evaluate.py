"""Rule findings at their boundaries (≥ and ≤ inclusive), verdicts and gap texts."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingtan.schemes import (
    AssessmentInputs,
    Declaration,
    SchemeError,
    Status,
    Verdict,
    declarations_from_mapping,
    evaluate,
    evaluate_rule,
    list_schemes,
    load_scheme,
    load_scheme_file,
)
from lingtan.schemes.model import (
    DeclarationRule,
    MaxValueRule,
    MinOffsetShareRule,
    MinRatioRule,
    Rule,
    Scheme,
)

DELTA = 1e-6

GOOD_JIANGSU = {
    "green_factory_level": Declaration("provincial", "苏工信〔2024〕 green-factory list, No. 12"),
    "energy_limit_level": Declaration("advanced", "GB 21256 energy audit 2025, p. 14"),
    "efficiency_benchmark_level": Declaration("not_covered", "product not in the 2023 list"),
    "js_management_plan": Declaration(True, "zero-carbon plan v2, board minute 2025-03"),
    "js_compliance_3y": Declaration(True, "credit report 2025-10"),
}


def jiangsu_inputs(sr: float | None, gross: float = 1000.0, offsets: float = 1000.0,
                   **declarations: Declaration) -> AssessmentInputs:
    return AssessmentInputs(
        gross_tco2e=gross,
        offsets_tco2e=offsets,
        self_reduction={} if sr is None else {"A": sr},
        declarations={**GOOD_JIANGSU, **declarations},
    )


def _rules(kind: type) -> list[tuple[str, str]]:
    return [(s, r.id) for s in list_schemes() for r in load_scheme(s).rules if isinstance(r, kind)]


def _limit(scheme: Scheme, rule: Rule) -> tuple[float, dict[str, float]]:
    """The rule's threshold, configuring 0.6 through an override when unpublished."""
    assert not isinstance(rule, DeclarationRule)
    if rule.params.value is not None:
        return rule.params.value, {}
    return 0.6, {rule.id: 0.6}


def _ratio_inputs(scheme: Scheme, sr: float) -> AssessmentInputs:
    return AssessmentInputs(self_reduction={scheme.self_reduction_definition: sr})


def _quantity_inputs(metric: str, value: float) -> AssessmentInputs:
    if metric == "net_cat1_4_tco2e":
        return AssessmentInputs(net_tco2e=value - 40.0, category3_4_tco2e=40.0)
    return AssessmentInputs(**{metric: value})


def _share_inputs(rule: MinOffsetShareRule, offsets: float) -> AssessmentInputs:
    if rule.params.base == "baseline":
        return AssessmentInputs(baseline_tco2e=1000.0, baseline_year=rule.params.baseline_year,
                                offsets_tco2e=offsets)
    return AssessmentInputs(gross_tco2e=1000.0, offsets_tco2e=offsets)


@pytest.mark.parametrize(("scheme_id", "rule_id"), _rules(MinRatioRule))
@pytest.mark.parametrize(("delta", "expected"), [(0, Status.PASS), (-DELTA, Status.FAIL),
                                                 (DELTA, Status.PASS)])
def test_min_ratio_boundary(scheme_id: str, rule_id: str, delta: float, expected: Status) -> None:
    scheme = load_scheme(scheme_id)
    rule = scheme.rule(rule_id)
    limit, overrides = _limit(scheme, rule)
    finding = evaluate_rule(scheme, rule, _ratio_inputs(scheme, limit + delta), overrides)
    assert finding.status is expected
    assert (finding.gap is None) == (expected is Status.PASS)


@pytest.mark.parametrize(("scheme_id", "rule_id"), _rules(MaxValueRule))
@pytest.mark.parametrize(("delta", "expected"), [(0, Status.PASS), (-DELTA, Status.PASS),
                                                 (DELTA, Status.FAIL)])
def test_max_value_boundary(scheme_id: str, rule_id: str, delta: float, expected: Status) -> None:
    scheme = load_scheme(scheme_id)
    rule = scheme.rule(rule_id)
    assert isinstance(rule, MaxValueRule)
    limit, overrides = _limit(scheme, rule)
    finding = evaluate_rule(scheme, rule, _quantity_inputs(rule.metric, limit + delta), overrides)
    assert finding.status is expected
    if expected is Status.FAIL:
        assert finding.gap is not None and finding.gap.amount == 1  # whole tonnes, rounded up


@pytest.mark.parametrize(("scheme_id", "rule_id"), _rules(MinOffsetShareRule))
@pytest.mark.parametrize(("delta", "expected"), [(0, Status.PASS), (-DELTA, Status.FAIL),
                                                 (DELTA, Status.PASS)])
def test_offset_share_boundary(scheme_id: str, rule_id: str, delta: float,
                               expected: Status) -> None:
    scheme = load_scheme(scheme_id)
    rule = scheme.rule(rule_id)
    assert isinstance(rule, MinOffsetShareRule)
    share, overrides = _limit(scheme, rule)
    offsets = share * 1000.0 + delta
    finding = evaluate_rule(scheme, rule, _share_inputs(rule, offsets), overrides)
    assert finding.status is expected


@pytest.mark.parametrize(("scheme_id", "rule_id"),
                         [(s, r) for s, r in _rules(MinRatioRule) + _rules(MaxValueRule)
                          + _rules(MinOffsetShareRule)
                          if load_scheme(s).rule(r).params.value is None])  # type: ignore[union-attr]
def test_unpublished_threshold_is_undetermined(scheme_id: str, rule_id: str) -> None:
    scheme = load_scheme(scheme_id)
    inputs = AssessmentInputs(gross_tco2e=1000.0, offsets_tco2e=1000.0, net_tco2e=0.0,
                              self_reduction={"A": 0.99})
    finding = evaluate_rule(scheme, scheme.rule(rule_id), inputs)
    assert finding.status is Status.UNDETERMINED
    assert finding.evidence == "threshold not published"


@pytest.mark.parametrize(("scheme_id", "rule_id"), _rules(DeclarationRule))
def test_declaration_rule_outcomes(scheme_id: str, rule_id: str) -> None:
    scheme = load_scheme(scheme_id)
    rule = scheme.rule(rule_id)
    assert isinstance(rule, DeclarationRule)
    names = [rule.input] if isinstance(rule.input, str) else rule.input

    def status(value: bool | str | None, evidence: str = "cert. 2025-07") -> Status:
        decls = {n: Declaration(value, evidence) for n in names}
        return evaluate_rule(scheme, rule, AssessmentInputs(declarations=decls)).status

    for value in rule.params.pass_values:
        assert status(value) is Status.PASS
        assert status(value, evidence=" ") is Status.UNDETERMINED
    for value in rule.params.not_applicable_values:
        assert status(value) is Status.NOT_APPLICABLE
    assert status(None) is Status.UNDETERMINED
    assert status(False if True in rule.params.pass_values else "none") is Status.FAIL


# --- verdicts -------------------------------------------------------------------------

JIANGSU = "jiangsu-2025"


def test_jiangsu_zero_carbon_at_the_boundary() -> None:
    result = evaluate(load_scheme(JIANGSU), jiangsu_inputs(sr=0.80, gross=1000, offsets=1000))
    assert result.verdict is Verdict.ZERO_CARBON
    assert result.self_reduction_definition == "A"
    assert result.finding("js.energy-efficiency.zero").status is Status.PASS


def test_jiangsu_near_zero_when_zero_level_fails() -> None:
    result = evaluate(load_scheme(JIANGSU), jiangsu_inputs(sr=0.50, offsets=0))
    assert result.verdict is Verdict.NEAR_ZERO_CARBON
    assert result.finding("js.self-reduction.zero").status is Status.FAIL
    # advisory (required: false) and unpublished: reported, does not decide
    assert result.finding("js.offset.near-zero").status is Status.UNDETERMINED


def test_jiangsu_not_eligible() -> None:
    result = evaluate(load_scheme(JIANGSU), jiangsu_inputs(sr=0.4999))
    assert result.verdict is Verdict.NOT_ELIGIBLE


def test_failed_shared_rule_makes_not_eligible() -> None:
    municipal = Declaration("municipal", "市级绿色工厂 2024")
    result = evaluate(load_scheme(JIANGSU), jiangsu_inputs(sr=0.9, green_factory_level=municipal))
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert "green_factory_level is 'municipal'; required: national / provincial" in [
        g.en for g in result.gaps
    ]


def test_missing_declaration_makes_undetermined() -> None:
    missing = Declaration(None)
    result = evaluate(load_scheme(JIANGSU), jiangsu_inputs(sr=0.9, js_compliance_3y=missing))
    assert result.verdict is Verdict.UNDETERMINED
    gap = result.finding("js.compliance").gap
    assert gap is not None
    assert gap.en == "declare 'js_compliance_3y' with evidence in factory.yaml"
    assert "factory.yaml" in gap.zh


def test_failed_zero_then_undetermined_near_zero() -> None:
    result = evaluate(load_scheme(JIANGSU), jiangsu_inputs(sr=None, offsets=0))
    assert result.verdict is Verdict.UNDETERMINED  # offsets fail zero; SR unknown for near-zero


def test_energy_not_covered_is_not_applicable() -> None:
    nc = Declaration("not_covered", "no limit standard for this product")
    result = evaluate(load_scheme(JIANGSU), jiangsu_inputs(sr=0.9, energy_limit_level=nc))
    assert result.finding("js.energy-efficiency.zero").status is Status.NOT_APPLICABLE
    assert result.verdict is Verdict.ZERO_CARBON


def test_unpublished_threshold_makes_undetermined_until_configured() -> None:
    scheme = load_scheme("t-ceca-g-0171-2022-type-i")
    inputs = AssessmentInputs(
        gross_tco2e=1000, offsets_tco2e=1000, self_reduction={"A": 0.7},
        declarations={"ceca_neutralisation_route_i": Declaration(True, "PPA + CCER retirement")},
    )
    result = evaluate(scheme, inputs)
    assert result.verdict is Verdict.UNDETERMINED
    assert result.finding("ceca-i.self-reduction").evidence == "threshold not published"
    configured = evaluate(scheme, inputs, overrides={"ceca-i.self-reduction": 0.7})
    assert configured.verdict is Verdict.ZERO_CARBON
    assert "overridden (not published)" in configured.finding("ceca-i.self-reduction").evidence
    short = evaluate(scheme, inputs, overrides={"ceca-i.self-reduction": 0.75})
    assert short.verdict is Verdict.NOT_ELIGIBLE


def test_ceca_type_ii_needs_categories_3_and_4() -> None:
    scheme = load_scheme("t-ceca-g-0171-2022-type-ii")
    finding = evaluate_rule(scheme, scheme.rule("ceca-ii.net-zero"), AssessmentInputs(net_tco2e=0))
    assert finding.status is Status.UNDETERMINED
    assert finding.evidence == "net_cat1_4_tco2e not available"


def test_national_checklist_stays_undetermined() -> None:
    scheme = load_scheme("national-guideline-2026")
    ready = {r.input: Declaration(True, "evidence")
             for r in scheme.rules if isinstance(r, DeclarationRule) and isinstance(r.input, str)}
    inputs = AssessmentInputs(self_reduction={"A": 0.9}, declarations=ready)
    result = evaluate(scheme, inputs)
    assert result.verdict is Verdict.UNDETERMINED
    assert [f.rule_id for f in result.findings if f.status is not Status.PASS] == [
        "cn.self-reduction"
    ]
    no_path2 = {**ready, "cn_green_energy_supply": Declaration(False, "no PPA yet")}
    assert evaluate(scheme, AssessmentInputs(declarations=no_path2)).verdict is (
        Verdict.NOT_ELIGIBLE
    )


def test_suzhou_baseline_year_must_be_2022() -> None:
    scheme = load_scheme("suzhou-near-zero-2023")
    rule = scheme.rule("sz.offset")
    wrong = AssessmentInputs(baseline_tco2e=1000, baseline_year=2023, offsets_tco2e=900)
    finding = evaluate_rule(scheme, rule, wrong)
    assert finding.status is Status.UNDETERMINED
    assert finding.evidence == "baseline year 2023 given, rule needs 2022"


def test_zhejiang_net_zero_and_advisory_pcf(caplog: pytest.LogCaptureFixture) -> None:
    scheme = load_scheme("zhejiang-2023")
    yes = Declaration(True, "doc")
    decls = {
        "zj_lawful_clear_boundary": yes, "zj_compliance_3y": yes, "zj_indicator_evaluation": yes,
        "energy_limit_level": Declaration("advanced", "audit"),
        "efficiency_benchmark_level": Declaration("benchmark", "audit"),
        "green_factory_level": Declaration("national", "MIIT list 2023"),
        "pcf_disclosed": Declaration(False, "not yet"),
    }
    with caplog.at_level(logging.WARNING, logger="lingtan.schemes.evaluate"):
        zero = evaluate(scheme, AssessmentInputs(net_tco2e=0.0, declarations=decls))
    assert zero.verdict is Verdict.ZERO_CARBON
    assert "advisory rule zj.pcf failed" in caplog.text
    near = evaluate(scheme, AssessmentInputs(net_tco2e=311.2, declarations=decls))
    assert near.verdict is Verdict.NEAR_ZERO_CARBON
    gap = near.finding("zj.net-zero").gap
    assert str(gap) == "retire 312 tCO2e more credits / 需再注销 312 tCO2e 抵销量"


# --- gap texts and self-reduction definitions -----------------------------------------


def test_gap_texts() -> None:
    result = evaluate(load_scheme(JIANGSU), jiangsu_inputs(sr=0.762, gross=1000, offsets=688))
    sr_gap = result.finding("js.self-reduction.zero").gap
    assert sr_gap is not None
    assert sr_gap.en == "self-reduction 76.2 %, 3.8 points short"
    assert sr_gap.zh == "自主减排比例 76.2%，差 3.8 个百分点"
    offset_gap = result.finding("js.offset.zero").gap
    assert str(offset_gap) == "retire 312 tCO2e more credits / 需再注销 312 tCO2e 抵销量"
    assert result.verdict is Verdict.NEAR_ZERO_CARBON
    assert sr_gap in result.gaps and offset_gap in result.gaps


def test_self_reduction_definitions_computed_from_metrics() -> None:
    inputs = AssessmentInputs(scope1_tco2e=300, scope2_market_tco2e=100,
                              scope2_location_tco2e=700, offsets_tco2e=400, baseline_tco2e=2000)
    assert inputs.gross() == 400
    assert inputs.net() == 0
    assert inputs.self_reduction_ratio("A") == pytest.approx(0.8)  # (2000 - 400) / 2000
    assert inputs.self_reduction_ratio("B") == pytest.approx(0.6)  # 1 - 400 / 1000
    assert inputs.self_reduction_ratio("strict") is None  # needs instrument coverage
    assert AssessmentInputs(self_reduction={"strict": 0.4}).self_reduction_ratio("strict") == 0.4
    assert AssessmentInputs(self_reduction={"A": 0.5}).self_reduction_ratio("A") == 0.5
    assert AssessmentInputs().self_reduction_ratio("strict") is None


def test_definition_override_changes_finding() -> None:
    scheme = load_scheme(JIANGSU)
    inputs = AssessmentInputs(scope1_tco2e=300, scope2_market_tco2e=100,
                              scope2_location_tco2e=700, offsets_tco2e=400, baseline_tco2e=2000)
    rule = scheme.rule("js.self-reduction.zero")
    assert evaluate_rule(scheme, rule, inputs).status is Status.PASS
    result = evaluate(scheme, inputs, self_reduction_definition="B")
    assert result.self_reduction_definition == "B"
    assert result.finding(rule.id).status is Status.FAIL
    with pytest.raises(SchemeError, match="unknown self-reduction definition 'C'"):
        evaluate(scheme, inputs, self_reduction_definition="C")


def test_instrument_treatment_mismatch_is_undetermined() -> None:
    scheme = load_scheme(JIANGSU)
    inputs = AssessmentInputs(self_reduction={"A": 0.9},
                              instrument_treatment={"unbundled_gec": "offset"})
    finding = evaluate_rule(scheme, scheme.rule("js.self-reduction.zero"), inputs)
    assert finding.status is Status.UNDETERMINED
    assert "unbundled_gec as offset" in finding.evidence


def test_unknown_override_rule() -> None:
    with pytest.raises(SchemeError, match=r"unknown rules of 'jiangsu-2025': js\.nope"):
        evaluate(load_scheme(JIANGSU), AssessmentInputs(), overrides={"js.nope": 0.1})


def test_declarations_from_factory_yaml_block() -> None:
    decls = declarations_from_mapping({
        "green_factory_level": {"value": "national", "evidence": "MIIT 2023 list"},
        "js_compliance_3y": {"value": True},
    })
    assert decls["green_factory_level"] == Declaration("national", "MIIT 2023 list")
    assert decls["js_compliance_3y"] == Declaration(True, "")
    with pytest.raises(SchemeError, match="declaration 'x'"):
        declarations_from_mapping({"x": "national"})
    with pytest.raises(SchemeError, match="value must be"):
        declarations_from_mapping({"x": {"value": 3, "evidence": "e"}})


@given(st.floats(min_value=0.0, max_value=1.0, allow_nan=False))
def test_self_reduction_pass_iff_at_or_above_threshold(sr: float) -> None:
    scheme = load_scheme(JIANGSU)
    finding = evaluate_rule(scheme, scheme.rule("js.self-reduction.zero"),
                            AssessmentInputs(self_reduction={"A": sr}))
    assert (finding.status is Status.PASS) == (sr >= 0.80 - 1e-9)


def test_user_file_configures_unpublished_threshold(tmp_path: Path) -> None:
    text = (resources.files("lingtan.schemes") / "data" / "t-ceca-g-0171-2022-type-i.yaml"
            ).read_text(encoding="utf-8")
    text = text.replace("params: {published: false, confidence: U}",
                        "params: {value: 0.7, published: false, confidence: U}")
    path = tmp_path / "t-ceca-g-0171-2022-type-i.yaml"
    path.write_text(text, encoding="utf-8")
    scheme = load_scheme_file(path)
    rule = scheme.rule("ceca-i.self-reduction")
    finding = evaluate_rule(scheme, rule, AssessmentInputs(self_reduction={"A": 0.7}))
    assert finding.status is Status.PASS
    assert "configured, not published" in finding.evidence
