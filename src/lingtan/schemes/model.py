"""Evaluation schemes as data: the pydantic models of a scheme file.

A scheme file (``lingtan/schemes/data/<id>.yaml``) describes one zero-carbon
factory evaluation scheme: its source document and confidence mark
(domain.md §0), the verdict levels it grants, the self-reduction definition it
uses (domain.md §1.4, Def. A / Def. B / ``strict``), how it treats green-power
trading and unbundled GECs, and its rules. The format is documented in
``docs/schemes.md``.

Every model forbids unknown keys, so a typo in a scheme file is an error, not a
silently ignored rule. :func:`parse_scheme` turns pydantic's errors into a
:class:`SchemeError` naming the file and the rule id.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lingtan.errors import InputError

__all__ = [
    "DeclarationParams",
    "DeclarationRule",
    "Level",
    "MaxValueRule",
    "MinOffsetShareRule",
    "MinRatioRule",
    "OffsetShareParams",
    "Rule",
    "Scheme",
    "SchemeError",
    "Threshold",
    "parse_scheme",
]

Confidence = Literal["V", "R", "U"]
Treatment = Literal["self_reduction", "offset", "not_counted", "unspecified"]
SelfReductionDefinition = Literal["A", "B", "strict"]
RatioMetric = Literal["self_reduction"]
QuantityMetric = Literal["net_tco2e", "gross_tco2e", "net_cat1_4_tco2e"]


class SchemeError(InputError):
    """A scheme id is unknown, or a scheme file is malformed."""


class Level(StrEnum):
    """Verdict levels a scheme can grant, highest first."""

    ZERO_CARBON = "zero_carbon"
    NEAR_ZERO_CARBON = "near_zero_carbon"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Name(_Strict):
    zh: str
    en: str


class Source(_Strict):
    """The document a scheme (or rule) comes from, with its confidence mark."""

    document: str
    issuer: str | None = None
    date: str
    confidence: Confidence
    reference: str = Field(description="where the facts were read (domain.md section, URL)")


class Instruments(_Strict):
    """Whether green-power trading and unbundled GECs count as self-reduction or offset."""

    green_power_trading: Treatment = "unspecified"
    unbundled_gec: Treatment = "unspecified"
    published: bool = False


class Threshold(_Strict):
    """A numeric threshold. ``published: false`` with no ``value`` → finding undetermined."""

    value: float | None = None
    published: bool = True
    confidence: Confidence
    note: str | None = None

    @model_validator(mode="after")
    def _published_needs_value(self) -> Threshold:
        if self.published and self.value is None:
            raise ValueError("a published threshold needs a 'value'")
        return self


class OffsetShareParams(Threshold):
    """Share of ``base`` emissions that retired credits must cover."""

    base: Literal["gross", "baseline"] = "gross"
    baseline_year: int | None = None


class DeclarationParams(_Strict):
    """Accepted values of a factory input (declared in factory.yaml with evidence)."""

    pass_values: list[bool | str] = Field(min_length=1)
    not_applicable_values: list[bool | str] = Field(default_factory=list)
    confidence: Confidence
    note: str | None = None


class _RuleBase(_Strict):
    id: str = Field(min_length=1)
    clause: str = Field(min_length=1, description="source clause text or location")
    level: Literal["zero_carbon", "near_zero_carbon", "all"]
    required: bool = Field(True, description="false: the finding is reported, never decides")


class MinRatioRule(_RuleBase):
    """``metric ≥ params.value`` (a ratio, 0.8 = 80 %)."""

    kind: Literal["min_ratio"]
    metric: RatioMetric
    params: Threshold


class MaxValueRule(_RuleBase):
    """``metric ≤ params.value`` (tCO2e; ``net_tco2e ≤ 0`` is net zero)."""

    kind: Literal["max_value"]
    metric: QuantityMetric
    params: Threshold


class MinOffsetShareRule(_RuleBase):
    """``offsets_tco2e ≥ params.value × base`` emissions."""

    kind: Literal["min_offset_share"]
    params: OffsetShareParams


class DeclarationRule(_RuleBase):
    """A factory input (boolean or enum) must take one of ``pass_values``."""

    kind: Literal["declaration", "checklist"]
    input: str | list[str] = Field(min_length=1, description="a list means: any one passes")
    params: DeclarationParams


Rule = Annotated[
    MinRatioRule | MaxValueRule | MinOffsetShareRule | DeclarationRule,
    Field(discriminator="kind"),
]


class Scheme(_Strict):
    """One evaluation scheme, loaded from a scheme file."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Name
    version: str
    source: Source
    levels: list[Level] = Field(min_length=1, description="levels granted, highest first")
    self_reduction_definition: SelfReductionDefinition
    self_reduction_formula_published: bool = False
    instruments: Instruments
    notes: list[str] = Field(default_factory=list)
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _rules_consistent(self) -> Scheme:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule '{rule.id}': duplicate rule id")
            seen.add(rule.id)
            if rule.level != "all" and rule.level not in self.levels:
                raise ValueError(
                    f"rule '{rule.id}': level '{rule.level}' is not one of the scheme's "
                    f"levels {[str(lv) for lv in self.levels]}"
                )
        return self

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id``."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise SchemeError(f"scheme '{self.id}' has no rule '{rule_id}'")


def _describe(error: Mapping[str, Any], raw: Mapping[str, Any]) -> str:
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = raw.get("rules") or []
        rule = rules[loc[1]] if loc[1] < len(rules) else None
        rule_id = rule.get("id") if isinstance(rule, Mapping) else None
        where = f"rule '{rule_id}'" if rule_id else f"rule #{loc[1] + 1} (no id)"
        loc = [p for p in loc[2:] if p not in _KINDS]
    field = ".".join(str(p) for p in loc)
    parts = [p for p in (where, f"field '{field}'" if field else "") if p]
    return f"{', '.join(parts) + ': ' if parts else ''}{error['msg']}"


_KINDS = {"min_ratio", "max_value", "min_offset_share", "declaration", "checklist"}


def parse_scheme(raw: object, file: str) -> Scheme:
    """Validate the parsed YAML of a scheme file.

    Raises
    ------
    SchemeError
        Naming ``file`` and, for a malformed rule, the rule id.
    """
    if not isinstance(raw, Mapping):
        raise SchemeError(f"{file}: a scheme file must be a mapping, got {type(raw).__name__}")
    try:
        return Scheme.model_validate(raw)
    except ValidationError as exc:
        lines = [_describe(err, raw) for err in exc.errors()]
        raise SchemeError(f"{file}: invalid scheme:\n  " + "\n  ".join(lines)) from None
