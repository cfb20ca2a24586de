"""Equipment register (``equipment.csv``): grades, below-grade items, upgrade savings.

Columns (docs/data-package.md): ``equipment_id`` (required), ``class`` (required: one
of :data:`EQUIPMENT_CLASSES`), ``name``, ``rated_power_kw``, ``efficiency_class``
(motors: ``IE1``…``IE5``), ``efficiency_pct`` (nameplate), ``target_efficiency_pct``
(of the replacement being considered), ``load_factor`` (0–1), ``hours_per_year``,
``meter_id`` (a sub-meter that measures it).

Grades: motors per GB 18613-2020 (grade 1 = IE5, 2 = IE4, 3 = IE3); an item below
grade 1 is an upgrade candidate. Yearly energy is metered when ``meter_id`` is given,
else ``rated_power_kw × load_factor × hours_per_year``. Upgrade savings
``E × (1 − η_now / η_target)`` need both efficiencies: lingtan ships no IEC 60034-30-1
efficiency table (none in its sources), so without them the saving is not estimated
and the result says so.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from lingtan.efficiency.grades import IE_CLASSES, motor_grade
from lingtan.errors import Problem
from lingtan.ingest import fields as f

EQUIPMENT_CLASSES = ("motor", "transformer", "air_compressor", "chiller", "pump", "fan",
                     "boiler", "other")
COLUMNS = ("equipment_id", "class", "name", "rated_power_kw", "efficiency_class",
           "efficiency_pct", "target_efficiency_pct", "load_factor", "hours_per_year",
           "meter_id")


def equipment_problems(file: str, row: dict[str, Any], line: int) -> list[Problem]:
    """Problems of one ``equipment.csv`` row (unknown class, bad numbers, bad IE class)."""
    problems = [Problem(file, line, c, "unknown column") for c in row if c not in COLUMNS]
    checks: list[tuple[str, Any]] = [
        ("equipment_id", f.text), ("class", lambda v: f.choice(v, EQUIPMENT_CLASSES)),
        ("rated_power_kw", lambda v: f.number(v, positive=True)),
        ("efficiency_pct", lambda v: _pct(v)), ("target_efficiency_pct", lambda v: _pct(v)),
        ("load_factor", lambda v: _fraction(v)), ("hours_per_year", lambda v: _hours(v)),
    ]
    for column, check in checks:
        value = row.get(column)
        if column in ("equipment_id", "class") or f.optional_text(value) is not None:
            try:
                check(value)
            except ValueError as exc:
                problems.append(Problem(file, line, column, str(exc)))
    ie = f.optional_text(row.get("efficiency_class"))
    if ie is not None and row.get("class") == "motor" and ie.upper() not in IE_CLASSES:
        problems.append(Problem(file, line, "efficiency_class",
                                f"{ie!r} is not one of {', '.join(IE_CLASSES)}"))
    return problems


def _pct(value: object) -> float:
    x = f.number(value, positive=True)
    if x > 100:
        raise ValueError(f"an efficiency in % must be ≤ 100, got {x:g}")
    return x


def _fraction(value: object) -> float:
    x = f.number(value)
    if x > 1:
        raise ValueError(f"a load factor is a fraction 0–1, got {x:g}")
    return x


def _hours(value: object) -> float:
    x = f.number(value)
    if x > 8784:
        raise ValueError(f"more hours than a year has: {x:g}")
    return x


@dataclass(frozen=True)
class EquipmentItem:
    """One register row with its grade and the upgrade estimate."""

    equipment_id: str
    equipment_class: str
    grade: str
    upgrade_candidate: bool
    energy_kwh: float | None
    energy_basis: str
    savings_kwh: float | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def equipment_register(
    con: duckdb.DuckDBPyConnection, site_id: str, year_energy_kwh: dict[str, float]
) -> list[EquipmentItem]:
    """Every current register row of ``site_id``, graded, with upgrade savings.

    Parameters
    ----------
    year_energy_kwh : dict
        Metered energy of the year by meter id [kWh] (for items with ``meter_id``).
    """
    rows = con.execute("SELECT row_json FROM equipment WHERE site_id = ? AND is_current"
                       " ORDER BY row_key", [site_id]).fetchall()
    return [_item(json.loads(r[0]), year_energy_kwh) for r in rows]


def _item(row: dict[str, Any], metered: dict[str, float]) -> EquipmentItem:
    cls, ie = str(row["class"]), f.optional_text(row.get("efficiency_class"))
    grade, candidate = "not graded (no table for this class)", False
    if cls == "motor" and ie:
        result = motor_grade(ie)
        grade, candidate = result.status, result.grade != 1
    energy, basis = _energy(row, metered)
    savings, note = _savings(row, energy, candidate)
    return EquipmentItem(str(row["equipment_id"]), cls, grade, candidate, energy, basis,
                         savings, note)


def _energy(row: dict[str, Any], metered: dict[str, float]) -> tuple[float | None, str]:
    meter = f.optional_text(row.get("meter_id"))
    if meter:
        if meter in metered:
            return metered[meter], f"metered ({meter})"
        return None, f"meter {meter} has no readings in the year"
    try:
        power = f.number(row.get("rated_power_kw"), positive=True)
        load, hours = f.number(row.get("load_factor")), f.number(row.get("hours_per_year"))
    except ValueError:
        return None, "no meter and no rated power × load factor × hours"
    return power * load * hours, "rated power × load factor × hours"


def _savings(row: dict[str, Any], energy: float | None,
             candidate: bool) -> tuple[float | None, str]:
    if not candidate:
        return None, ""
    now, target = (f.optional_text(row.get(k)) for k in ("efficiency_pct",
                                                          "target_efficiency_pct"))
    if energy is None or now is None or target is None:
        return None, ("savings not estimated: give efficiency_pct and target_efficiency_pct "
                      "(lingtan ships no IE efficiency table) and the item's energy")
    return energy * (1.0 - float(now) / float(target)), "E × (1 − η_now / η_target)"
