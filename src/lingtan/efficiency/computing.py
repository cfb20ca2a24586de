"""Computing facilities (算力设施): PUE, CUE and WUE from meters, graded per GB 40879.

Definitions (The Green Grid; PUE is GB 40879-2021's 电能比):

- ``PUE = E_facility / E_IT`` — electricity consumed by the whole facility over the
  electricity delivered to IT equipment (meters with role ``it_load``).
- ``CUE = CO2_facility / E_IT`` [kgCO2/kWh] — the location-based CO2 of the facility's
  purchased electricity (the inventory's ``location`` view, scope 2 electricity lines)
  per kWh of IT energy.
- ``WUE = V_water / E_IT`` [L/kWh] — site water (meters with carrier ``water``) per kWh
  of IT energy.

The facility is the site: electricity consumed = grid import + generation − export.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from lingtan.efficiency.grades import pue_grade
from lingtan.efficiency.year_data import YearData, year_data
from lingtan.errors import NoDataError
from lingtan.units import factor_to


@dataclass(frozen=True)
class ComputingMetrics:
    """PUE, CUE and WUE of one year with the GB 40879 grade of the PUE."""

    site_id: str
    year: int
    facility_kwh: float
    it_kwh: float
    pue: float
    cue_kgco2_per_kwh: float
    wue_l_per_kwh: float | None
    pue_grade: int | None
    pue_status: str
    grade_source: str
    grade_confidence: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def computing_metrics(
    con: duckdb.DuckDBPyConnection, year: int, *, site_id: str | None = None,
    data: YearData | None = None,
) -> ComputingMetrics:
    """PUE, CUE, WUE of ``year`` from the site's meters and inventory.

    Raises
    ------
    NoDataError
        If no ``it_load`` meter has readings in ``year``.
    """
    data = data or year_data(con, year, site_id)
    site, totals = data.site, data.totals("carrier", "role")
    it_kwh = totals.get(("electricity", "it_load"), 0.0)
    if it_kwh <= 0:
        raise NoDataError(f"site {site.id!r} has no IT-load meter readings (role it_load) "
                          f"in {year}: PUE needs them")
    facility_kwh = (totals.get(("electricity", "grid_import"), 0.0)
                    + totals.get(("electricity", "generation"), 0.0)
                    - totals.get(("electricity", "grid_export"), 0.0))
    co2_t = sum(ln.co2e_t for ln in data.inventory.lines
                if ln.view == "location" and ln.category.endswith("_electricity"))
    water_m3 = sum(v for (carrier, _), v in totals.items() if carrier == "water")
    pue = facility_kwh / it_kwh
    grade = pue_grade(pue)
    return ComputingMetrics(
        site.id, year, facility_kwh, it_kwh, pue, co2_t * 1000.0 / it_kwh,
        water_m3 * factor_to("m3", "L") / it_kwh if water_m3 else None,
        grade.grade, grade.status, grade.source, grade.confidence)
