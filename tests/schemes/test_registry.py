"""Packaged schemes: every file loads from the source tree and is documented."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from lingtan.schemes import SchemeError, list_schemes, load_scheme
from lingtan.schemes.model import DeclarationRule

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "jiangsu-2025",
    "national-guideline-2026",
    "suzhou-near-zero-2023",
    "t-ceca-g-0171-2022-type-i",
    "t-ceca-g-0171-2022-type-ii",
    "zhejiang-2023",
}


def test_packaged_files_are_in_the_source_tree() -> None:
    data = resources.files("lingtan.schemes") / "data"
    names = {p.name for p in data.iterdir() if p.name.endswith(".yaml")}
    assert names == {f"{s}.yaml" for s in EXPECTED}
    assert set(list_schemes()) == EXPECTED


@pytest.mark.parametrize("scheme_id", sorted(EXPECTED))
def test_each_scheme_loads(scheme_id: str) -> None:
    scheme = load_scheme(scheme_id)
    assert scheme.id == scheme_id
    assert scheme.name.zh and scheme.name.en
    assert scheme.source.confidence in {"V", "R", "U"}
    assert all(r.clause for r in scheme.rules)
    for rule in scheme.rules:
        if isinstance(rule, DeclarationRule):
            continue
        # an unpublished threshold carries no packaged number
        assert (rule.params.value is None) == (not rule.params.published), rule.id


def test_unknown_scheme_lists_known_ids() -> None:
    with pytest.raises(SchemeError, match="unknown scheme 'shanghai-2024'") as info:
        load_scheme("shanghai-2024")
    for scheme_id in EXPECTED:
        assert scheme_id in str(info.value)


def test_jiangsu_thresholds_match_domain_reference() -> None:
    scheme = load_scheme("jiangsu-2025")
    assert scheme.rule("js.self-reduction.zero").params.value == 0.80
    assert scheme.rule("js.self-reduction.near-zero").params.value == 0.50
    assert scheme.rule("js.offset.zero").params.value == 1.0
    assert load_scheme("suzhou-near-zero-2023").rule("sz.offset").params.value == 0.80


def test_docs_describe_every_scheme_and_rule() -> None:
    doc = (ROOT / "docs" / "schemes.md").read_text(encoding="utf-8")
    for scheme_id in list_schemes():
        assert f"`{scheme_id}`" in doc, scheme_id
        for rule in load_scheme(scheme_id).rules:
            assert f"`{rule.id}`" in doc, rule.id
