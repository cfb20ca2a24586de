"""The site (factory) description: ``factory.yaml`` and its accounting settings."""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from lingtan.errors import PackageError, Problem
from lingtan.strict_yaml import MAX_BYTES, load_mapping

GridRegion = Literal["north", "northeast", "east", "central", "northwest", "south", "southwest"]
View = Literal["location", "market", "ets"]
VIEWS: tuple[View, ...] = ("location", "market", "ets")

#: A calendar year as dates carry it (four digits).
Year = Annotated[int, Field(ge=1000, le=9999)]
#: Every model is strict: a number is not read from a boolean (YAML 1.1 reads
#: ``yes``/``no``/``on``/``off`` as booleans) nor from a text, an integer not from a
#: fraction, a boolean not from a number; ``.nan`` and ``.inf`` are refused.
_STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class Location(BaseModel):
    model_config = _STRICT
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class DeductExport(BaseModel):
    """Whether exported electricity is deducted in each view (GB/T 32150 deducts it)."""

    model_config = _STRICT
    location: bool = True
    market: bool = False
    ets: bool = True


class Accounting(BaseModel):
    """Accounting settings; every choice that a source leaves open is one of these."""

    model_config = _STRICT
    gwp: Literal["AR4", "AR5", "AR6"] = "AR5"
    location_factor: Literal["provincial", "regional", "national"] = "provincial"
    electricity_factor_year: Year | None = None
    ets_factor_year: Year | None = None
    fuel_table: str = "mee_2013"
    natural_gas_tce: Literal["gas_field", "oil_field"] = "gas_field"
    deduct_export: DeductExport = DeductExport()


class LimitMapping(BaseModel):
    """Which 能耗限额 row (of the package's ``energy_limits.csv``) a product is held to."""

    model_config = _STRICT
    product: str
    standard_id: str
    standard_product: str | None = None
    indicator: str | None = None


class SavingsBaseline(BaseModel):
    """The regression baseline: its year and the degree-day base temperatures (required:
    no base is universal)."""

    model_config = _STRICT
    year: Year
    heating_base_c: float
    cooling_base_c: float


class Efficiency(BaseModel):
    """Efficiency settings: limit standards per product, the savings baseline."""

    model_config = _STRICT
    limits: list[LimitMapping] = Field(default_factory=list)
    baseline: SavingsBaseline | None = None


class FileOptions(BaseModel):
    """How to read one file of the package (``files:`` in factory.yaml, keyed by its path)."""

    model_config = ConfigDict(extra="forbid")
    #: Text encoding of a CSV file, when detection cannot tell (docs/data-package.md).
    encoding: Literal["utf-8", "gbk", "gb18030"] | None = None


class Site(BaseModel):
    """One factory as described by its ``factory.yaml``."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    name: str
    province: str | None = Field(default=None, pattern=r"^CN-[A-Z]{2}$")
    grid_region: GridRegion | None = None
    timezone: str = "Asia/Shanghai"
    industry: str | None = None
    location: Location | None = None
    green_factory_level: Literal["national", "provincial", "municipal", "none"] | None = None
    baseline_year: Year | None = None
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
    """Read and validate ``factory.yaml`` (strictly: :mod:`lingtan.strict_yaml`).

    Raises
    ------
    PackageError
        Naming ``factory.yaml``, the line and the key path of every problem.
    """
    name = path.name
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise PackageError([Problem(name, None, None, f"cannot read: {exc.strerror}")]) from None
    data, lines = load_mapping(raw, name)
    try:
        return Site.model_validate(data)
    except ValidationError as exc:
        raise PackageError([_problem(name, err, lines) for err in exc.errors()]) from None


def _problem(name: str, err: ErrorDetails, lines: dict[tuple[str | int, ...], int]) -> Problem:
    """A validation error as a problem on the line of its key (or of the nearest key
    above it; no line for a missing key at the top)."""
    loc = tuple(err["loc"])
    line = next((lines[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in lines), None)
    return Problem(name, line, ".".join(str(p) for p in loc) or None,
                   err["msg"] + _got(err))


def _got(err: ErrorDetails) -> str:
    """What was given instead, with the usual YAML surprises named."""
    if err["type"] in ("missing", "extra_forbidden", "value_error") or "input" not in err:
        return ""
    value = err["input"]
    if isinstance(value, bool):
        return (f", not the boolean {str(value).lower()} (YAML reads yes/no/on/off/true/false"
                " as booleans)")
    if isinstance(value, str) and err["type"] in ("int_type", "float_type"):
        return f", not the text {value!r} (write the number without quotes)"
    if value is None:
        return ", not null (an empty value)"
    if isinstance(value, str | int | float):
        return f", not {value!r}"[:80]
    return f", not a {_KIND.get(type(value).__name__, type(value).__name__)}"


_KIND = {"dict": "mapping", "list": "list", "date": "date", "datetime": "date and time"}
