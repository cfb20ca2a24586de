"""Energy-limit status as evidence for the schemes (instead of a declaration).

For every product that ``factory.yaml`` maps to a 能耗限额 row (``efficiency.limits``),
the year's unit-product comprehensive energy (kgce per unit, GB/T 2589 equivalent value,
allocated by output — :mod:`lingtan.efficiency.unit_energy`) is classified against the
package's ``energy_limits.csv`` (:func:`lingtan.efficiency.grades.energy_limit_status`).
The site's status is the worst of its products. A unit that does not match the
standard's (``kgce/t`` against output in ``km``) leaves the status undetermined.
"""

from __future__ import annotations

import io

import duckdb

from lingtan.efficiency.grades import LEVELS, energy_limit_status, load_energy_limits
from lingtan.efficiency.unit_energy import unit_product_energy
from lingtan.schemes.evaluate import Declaration
from lingtan.site import Site

#: Status order, best first; the site takes its worst product's.
_ORDER = (*LEVELS, "no_level", "above_limit")


def energy_limit_declaration(
    con: duckdb.DuckDBPyConnection, site: Site, year: int
) -> Declaration | None:
    """``energy_limit_level`` computed from the data, or ``None`` if nothing is mapped."""
    if not site.efficiency.limits:
        return None
    row = con.execute("SELECT content FROM reference_files WHERE site_id = ? AND is_current"
                      " AND row_key = 'energy_limits.csv'", [site.id]).fetchone()
    if row is None:
        return Declaration(None, "factory.yaml maps products to 能耗限额 standards but the "
                                 "package has no energy_limits.csv")
    table = load_energy_limits(io.StringIO(row[0]))
    per_unit = {r.name: (r.kgce_per_unit, r.output_unit)
                for r in unit_product_energy(con, year, site_id=site.id).rows
                if r.period == str(year) and r.kind == "product"}
    statuses, evidence = [], []
    for m in site.efficiency.limits:
        limit = table.get(m.standard_id, m.standard_product or m.product, m.indicator)
        value, unit = per_unit.get(m.product, (None, ""))
        if value is None or limit.unit != f"kgce/{unit}":
            return Declaration(None, f"{m.product}: no {limit.unit} figure for {year} "
                                     f"(output counted in {unit or 'no unit'})")
        status = energy_limit_status(m.standard_id, m.standard_product or m.product, value,
                                     table=table, indicator=m.indicator)
        statuses.append(status.status)
        evidence.append(f"{m.product} {value:,.3f} {limit.unit} → {status.status} "
                        f"({m.standard_id}; computed by lingtan from metered energy)")
    worst = max(statuses, key=_ORDER.index)
    return Declaration(worst, "; ".join(evidence))
