"""Scheme-file validation: malformed files are rejected naming the file and the rule id."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lingtan.errors import InputError
from lingtan.schemes import SchemeError, load_scheme, load_scheme_file

RULE = {
    "id": "my.rule",
    "clause": "§1",
    "level": "zero_carbon",
    "kind": "min_ratio",
    "metric": "self_reduction",
    "params": {"value": 0.8, "confidence": "V"},
}


def scheme_dict(**rule_changes: object) -> dict[str, object]:
    rule = {**RULE, **rule_changes}
    return {
        "id": "my-scheme",
        "name": {"zh": "测试", "en": "test"},
        "version": "1",
        "source": {"document": "doc", "date": "2025", "confidence": "U", "reference": "here"},
        "levels": ["zero_carbon"],
        "self_reduction_definition": "A",
        "instruments": {"green_power_trading": "offset"},
        "rules": [rule],
    }


def write(tmp_path: Path, data: object, name: str = "my-scheme.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_valid_user_file_loads(tmp_path: Path) -> None:
    scheme = load_scheme_file(write(tmp_path, scheme_dict()))
    assert scheme.id == "my-scheme"
    assert scheme.rule("my.rule").params.value == 0.8
    assert scheme.instruments.green_power_trading == "offset"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"metric": None}, "field 'metric'"),
        ({"metric": "intensity"}, "field 'metric'"),
        ({"params": {"value": 0.8}}, "field 'params.confidence'"),
        ({"params": {"confidence": "V"}}, "published threshold needs a 'value'"),
        ({"threshold": 0.8}, "field 'threshold'"),  # unknown key: extra="forbid"
        ({"kind": "at_least"}, "rule 'my.rule'"),
        ({"level": "gold"}, "field 'level'"),
    ],
)
def test_malformed_rule_names_file_and_rule(
    tmp_path: Path, changes: dict[str, object], expected: str
) -> None:
    path = write(tmp_path, scheme_dict(**changes))
    with pytest.raises(SchemeError) as info:
        load_scheme_file(path)
    message = str(info.value)
    assert str(path) in message
    assert "rule 'my.rule'" in message
    assert expected in message


def test_rule_without_id_is_named_by_position(tmp_path: Path) -> None:
    data = scheme_dict()
    data["rules"] = [{k: v for k, v in RULE.items() if k != "id"}]
    with pytest.raises(SchemeError, match=r"rule #1 \(no id\), field 'id'"):
        load_scheme_file(write(tmp_path, data))


def test_rule_level_must_be_a_scheme_level(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match=r"rule 'my.rule': level 'near_zero_carbon' is not"):
        load_scheme_file(write(tmp_path, scheme_dict(level="near_zero_carbon")))


def test_duplicate_rule_id(tmp_path: Path) -> None:
    data = scheme_dict()
    data["rules"] = [RULE, RULE]
    with pytest.raises(SchemeError, match=r"my-scheme.yaml.*\n.*rule 'my.rule': duplicate"):
        load_scheme_file(write(tmp_path, data))


def test_file_name_must_match_id(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="does not match the file name 'other'"):
        load_scheme_file(write(tmp_path, scheme_dict(), name="other.yaml"))


def test_not_yaml_not_mapping_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "my-scheme.yaml"
    bad.write_text("rules: [unclosed", encoding="utf-8")
    with pytest.raises(SchemeError, match="not valid YAML"):
        load_scheme_file(bad)
    bad.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(SchemeError, match="must be a mapping"):
        load_scheme_file(bad)
    with pytest.raises(SchemeError, match="cannot read"):
        load_scheme_file(tmp_path / "absent.yaml")


def test_scheme_error_is_input_error() -> None:
    assert issubclass(SchemeError, InputError)
    assert issubclass(SchemeError, ValueError)


def test_unknown_rule_of_scheme() -> None:
    with pytest.raises(SchemeError, match="has no rule 'nope'"):
        load_scheme("jiangsu-2025").rule("nope")
