"""The site (factory) description: ``factory.yaml`` and its accounting settings."""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lingtan.errors import PackageError, Problem

GridRegion = Literal["north", "northeast", "east", "central", "northwest", "south", "southwest"]
View = Literal["location", "market", "ets"]
VIEWS: tuple[View, ...] = ("location", "market", "ets")


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class DeductExport(BaseModel):
    """Whether exported electricity is deducted in each view (GB/T 32150 deducts it)."""

    model_config = ConfigDict(extra="forbid")
    location: bool = True
    market: bool = False
    ets: bool = True


class Accounting(BaseModel):
    """Accounting settings; every choice that a source leaves open is one of these."""

    model_config = ConfigDict(extra="forbid")
    gwp: Literal["AR4", "AR5", "AR6"] = "AR5"
    location_factor: Literal["provincial", "regional", "national"] = "provincial"
    electricity_factor_year: int | None = None
    ets_factor_year: int | None = None
    fuel_table: str = "mee_2013"
    natural_gas_tce: Literal["gas_field", "oil_field"] = "gas_field"
    deduct_export: DeductExport = DeductExport()


class LimitMapping(BaseModel):
    """Which 能耗限额 row (of the package's ``energy_limits.csv``) a product is held to."""

    model_config = ConfigDict(extra="forbid")
    product: str
    standard_id: str
    standard_product: str | None = None
    indicator: str | None = None


class SavingsBaseline(BaseModel):
    """The regression baseline: its year and the degree-day base temperatures (required:
    no base is universal)."""

    model_config = ConfigDict(extra="forbid")
    year: int
    heating_base_c: float
    cooling_base_c: float


class Efficiency(BaseModel):
    """Efficiency settings: limit standards per product, the savings baseline."""

    model_config = ConfigDict(extra="forbid")
    limits: list[LimitMapping] = Field(default_factory=list)
    baseline: SavingsBaseline | None = None


class FileOptions(BaseModel):
    """How to read one file of the package (``files:`` in factory.yaml, keyed by its path)."""

    model_config = ConfigDict(extra="forbid")
    #: Text encoding of a CSV file, when detection cannot tell (docs/data-package.md).
    encoding: Literal["utf-8", "gbk", "gb18030"] | None = None


class Site(BaseModel):
    """One factory as described by its ``factory.yaml``."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    name: str
    province: str | None = Field(default=None, pattern=r"^CN-[A-Z]{2}$")
    grid_region: GridRegion | None = None
    timezone: str = "Asia/Shanghai"
    industry: str | None = None
    location: Location | None = None
    green_factory_level: Literal["national", "provincial", "municipal", "none"] | None = None
    baseline_year: int | None = None
    boundary: str | None = None
    accounting: Accounting = Accounting()
    efficiency: Efficiency = Efficiency()
    #: Scheme inputs no module computes yet: ``name: {value: …, evidence: "…"}``
    #: (docs/schemes.md lists the names each scheme reads).
    declarations: dict[str, Any] = Field(default_factory=dict)
    #: Per-file reading options: ``"readings/a.csv": {encoding: gbk}``.
    files: dict[str, FileOptions] = Field(default_factory=dict)

    @field_validator("declarations")
    @classmethod
    def _valid_declarations(cls, value: dict[str, Any]) -> dict[str, Any]:
        from lingtan.schemes.evaluate import declarations_from_mapping

        declarations_from_mapping(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value


def read_site(path: Path) -> Site:
    """Read and validate ``factory.yaml``.

    Raises
    ------
    PackageError
        Naming ``factory.yaml`` and the offending key for every problem.
    """
    name = path.name
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PackageError([Problem(name, None, None, f"not valid YAML/UTF-8: {exc}")]) from exc
    if not isinstance(data, dict):
        raise PackageError([Problem(name, None, None, "must be a mapping of keys to values")])
    try:
        return Site.model_validate(data)
    except ValidationError as exc:
        raise PackageError([
            Problem(name, None, ".".join(str(p) for p in err["loc"]), err["msg"])
            for err in exc.errors()
        ]) from exc
