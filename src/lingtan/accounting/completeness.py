"""Completeness of an inventory's metered inputs: gaps, sub-meters, impossible balances.

Checks that warn (docs/inventory.md, "Completeness"):

- a meter whose role feeds the inventory (grid import and export, generation, fuel,
  heat import) with no reading in the period is a gap: it counts as zero;
- sub-meters (``parent_id``) adding up to more than their parent, for the period and,
  in an annual inventory, for each month: the hierarchy, a unit or a multiplier is wrong.

Checks that fail (:class:`~lingtan.errors.InconsistentDataError`), naming the meters:

- electricity consumed = grid import + generation − export below zero (GB/T 2589-2020
  counts the electricity consumed inside the boundary; less than none is no
  consumption, only missing or misdeclared meters);
- a negative scope 2 in a view of an annual inventory: exports deducted beyond the
  purchases, which no cited rule provides for; almost always a grid-import meter without
  its readings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from lingtan.accounting.lines import Line
from lingtan.errors import InconsistentDataError

#: Roles whose quantities feed an inventory line or the energy balance.
FEEDING_ROLES = ("grid_import", "grid_export", "generation", "fuel", "heat_import")
_ELECTRICITY = ("grid_import", "generation", "grid_export")


def missing_meters(meters: list[dict[str, Any]], metered: set[str], period: str) -> list[str]:
    """A warning for each feeding meter without a reading in ``period``."""
    return [f"meter {m['meter_id']!r} ({m['role']}) has no readings in {period}: a gap, "
            "counted as 0 — import its readings, or check its meter_id"
            for m in meters if m["role"] in FEEDING_ROLES and m["meter_id"] not in metered]


def submeters_above_parent(
    meters: list[dict[str, Any]], by_month: dict[str, dict[str, Decimal]], period: str
) -> list[str]:
    """A warning for each parent whose sub-meters add up to more than it, in ``period`` or
    in one of its months (exact decimal sums, no tolerance).

    Parameters
    ----------
    meters : list of dict
        Current meters (``meter_id``, ``parent_id``, ``unit_canonical``).
    by_month : dict
        Quantity [canonical unit] of each meter with readings, by month label.
    period : str
        ``2025`` or ``2025-03``; months are listed only when the period has several.
    """
    unit = {m["meter_id"]: m["unit_canonical"] for m in meters}
    children: dict[str, list[str]] = defaultdict(list)
    for m in meters:
        parent = m["parent_id"]
        if parent in by_month and m["meter_id"] in by_month and unit[parent] == m["unit_canonical"]:
            children[parent].append(m["meter_id"])
    out = []
    for parent, kids in sorted(children.items()):
        message = _above(parent, kids, by_month, unit[parent], period)
        if message:
            out.append(message)
    return out


def _above(parent: str, kids: list[str], by_month: dict[str, dict[str, Decimal]], unit: str,
           period: str) -> str | None:
    months = sorted(set().union(*(by_month[k] for k in kids)))
    own = {mo: by_month[parent].get(mo, Decimal(0)) for mo in months}
    subs = {mo: sum((by_month[k].get(mo, Decimal(0)) for k in kids), Decimal(0)) for mo in months}
    total_own, total_subs = sum(by_month[parent].values(), Decimal(0)), sum(subs.values(),
                                                                          Decimal(0))
    over = [mo for mo in months if subs[mo] > own[mo]] if len(months) > 1 else []
    if total_subs <= total_own and not over:
        return None
    names = ", ".join(repr(k) for k in sorted(kids))
    text = (f"sub-meters of {parent!r} ({names}) add up to {_q(total_subs)} {unit} in {period},"
            f" its own reading {_q(total_own)} {unit}")
    if over:
        text += "; above it in " + ", ".join(
            f"{mo} ({_q(subs[mo])} > {_q(own[mo])})" for mo in over)
    return text + " — check parent_id, units and multipliers"


def check_electricity_balance(
    meters: list[dict[str, Any]], metered: set[str], elec: dict[str, Any], period: str
) -> None:
    """Refuse a negative electricity consumed (grid import + generation − export).

    Raises
    ------
    InconsistentDataError
        Naming the quantities and the meters of each role (those without readings marked).
    """
    grid, gen = elec["grid_import_kwh"], elec["generation_kwh"]
    export = elec["grid_export_kwh"]
    consumed_kwh = grid.quantity + gen.quantity - export.quantity
    if consumed_kwh >= 0:
        return
    raise InconsistentDataError(
        f"electricity consumed in {period} is negative: grid import {_mwh(grid.quantity)} + "
        f"generation {_mwh(gen.quantity)} − export {_mwh(export.quantity)} = "
        f"{_mwh(consumed_kwh)}. {_meters_text(meters, metered, grid.ids)}. A meter's "
        "readings are missing, or a role or unit is wrong; lingtan computes no inventory from "
        "it")


def check_scope2(
    lines: Iterable[Line], views: Iterable[str], meters: list[dict[str, Any]],
    metered: set[str], elec: dict[str, Any], period: str,
) -> None:
    """Refuse a negative scope 2 in any view (annual inventories).

    Raises
    ------
    InconsistentDataError
        Naming the views, their totals and the meters of each electricity role.
    """
    lines = list(lines)
    negative = {}
    for view in views:
        total = sum(ln.co2e_t for ln in lines if ln.scope == "2" and ln.view in (view, "all"))
        if total < 0:
            negative[view] = total
    if not negative:
        return
    shown = ", ".join(f"{v} {t:.3f} tCO2e" for v, t in negative.items())
    raise InconsistentDataError(
        f"scope 2 in {period} is negative ({shown}): exported electricity "
        f"{_mwh(elec['grid_export_kwh'].quantity)} is deducted from grid purchases of "
        f"{_mwh(elec['grid_import_kwh'].quantity)}. "
        f"{_meters_text(meters, metered, elec['grid_import_kwh'].ids)}. A grid-import meter's "
        "readings are probably missing; if the site really exports more than it buys, no cited "
        "rule deducts beyond the purchases: set accounting.deduct_export for that view to "
        "false and report the export apart")


def _meters_text(meters: list[dict[str, Any]], metered: set[str], grid_ids: list[str]) -> str:
    parts = []
    for role in _ELECTRICITY:
        ids = [m["meter_id"] for m in meters if m["role"] == role]
        named = ", ".join(repr(i) + ("" if i in metered else " (no readings)") for i in ids)
        parts.append(f"{role}: {named or 'no meter'}")
    meter_ids = {m["meter_id"] for m in meters}
    activities = sorted({i for i in grid_ids if i not in meter_ids})
    if activities:
        parts.append("purchased_electricity activities: " + ", ".join(map(repr, activities)))
    return "Meters — " + "; ".join(parts)


def _mwh(kwh: float) -> str:
    return f"{kwh / 1000:.3f} MWh"


def _q(quantity: Decimal) -> str:
    return f"{float(quantity):.6g}"
