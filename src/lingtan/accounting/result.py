"""The inventory result object and its stable JSON form (docs/cli.md, "inventory --json")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lingtan.accounting.lines import Line
from lingtan.factors import Factor

if TYPE_CHECKING:
    import pandas as pd

    from lingtan.accounting.energy import EnergyBalance

#: Version of the JSON document; bumped only on an incompatible change (CHANGELOG).
SCHEMA = "lingtan.inventory/1"


@dataclass(frozen=True)
class ViewTotals:
    """Totals of one view, tCO2e."""

    scope1_tco2e: float
    scope2_tco2e: float

    @property
    def total_tco2e(self) -> float:
        return self.scope1_tco2e + self.scope2_tco2e

    def as_dict(self) -> dict[str, float]:
        return {"scope1_tco2e": self.scope1_tco2e, "scope2_tco2e": self.scope2_tco2e,
                "total_tco2e": self.total_tco2e}


@dataclass
class Inventory:
    """Result of :func:`lingtan.accounting.inventory.compute_inventory`."""

    site_id: str
    year: int
    gwp: str
    timezone: str
    views: dict[str, ViewTotals]
    biogenic_co2_t: float
    energy: EnergyBalance
    electricity_kwh: dict[str, float]
    lines: list[Line]
    warnings: list[str]
    factors: list[Factor]
    settings: dict[str, Any] = field(default_factory=dict)
    instruments_claimed: dict[str, float] = field(default_factory=dict)

    @property
    def energy_tce(self) -> float:
        return self.energy.total_tce

    @property
    def overrides(self) -> list[str]:
        """Ids of user factors (``factors.csv``) that this result used."""
        return [f.factor_id for f in self.factors if f.origin == "user"]

    def grid_factor(self, view: str = "location") -> float:
        """Value of the grid factor the purchased-electricity line of ``view`` used
        [tCO2/MWh] (0 when the site bought no grid electricity)."""
        return float(next((ln.factors[0]["value"] for ln in self.lines
                           if ln.view == view and ln.category == "purchased_electricity"
                           and ln.factors), 0.0))

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON document."""
        return {
            "schema": SCHEMA,
            "site": self.site_id,
            "year": self.year,
            "gwp": self.gwp,
            "timezone": self.timezone,
            "views": {name: v.as_dict() for name, v in self.views.items()},
            "biogenic_co2_t": self.biogenic_co2_t,
            "energy_tce": self.energy_tce,
            "energy": self.energy.as_dict(),
            "electricity_mwh": {k: v / 1000.0 for k, v in self.electricity_kwh.items()},
            "instruments_claimed": self.instruments_claimed,
            "lines": [ln.as_dict() for ln in self.lines],
            "factors": [f.as_dict() for f in self.factors],
            "user_factor_overrides": self.overrides,
            "settings": self.settings,
            "warnings": self.warnings,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_frame(self) -> pd.DataFrame:
        """One row per line (factor ids joined with ``;``), for notebooks."""
        import pandas as pd

        rows = []
        for ln in self.lines:
            row = ln.as_dict()
            row["factor_ids"] = ";".join(f["factor_id"] for f in ln.factors)
            row["factor_origins"] = ";".join(sorted({f["origin"] for f in ln.factors}))
            row["inputs"] = ";".join(ln.inputs)
            del row["factors"]
            rows.append(row)
        return pd.DataFrame(rows)
