"""Validate the small tables of a data package: meters, activities, production, instruments.

Each table is described by a column spec (name, required, parser); rows are parsed
one by one and every problem is collected with file, row and field, so a user sees
all errors of a package at once. Cross-row and cross-file checks (duplicates,
units against carriers) run after the per-field parse.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from lingtan.errors import PackageError, Problem, UnitError
from lingtan.ingest import fields as f
from lingtan.units import (
    CANONICAL_UNIT,
    Dimension,
    dimension_of,
    factor_to,
    to_canonical_factor,
)

Parser = Callable[[object], Any]

METER_ROLES = (
    "grid_import", "grid_export", "generation", "storage_charge", "storage_discharge",
    "submeter", "fuel", "heat_import", "it_load",
)
ACTIVITY_CATEGORIES = (
    "stationary_combustion", "mobile_combustion", "biomass_combustion", "process",
    "fugitive", "purchased_heat", "purchased_electricity",
)
INSTRUMENT_KINDS = ("gec", "green_power", "ccer", "international_credit", "removal")
_CO2_MASS_UNITS = {"tCO2": 1.0, "tCO2e": 1.0, "kgCO2": 1e-3, "kgCO2e": 1e-3}

#: Longest meter interval: a (leap) year in minutes — a monthly bill is 44,640 at most.
MAX_INTERVAL_MINUTES = 366 * 24 * 60

#: Dimensions a non-fuel carrier admits. Fuels take the dimension of their NCV.
CARRIER_DIMENSIONS: dict[str, tuple[Dimension, ...]] = {
    "electricity": ("energy",),
    "heat": ("energy",),
    "steam": ("energy", "mass"),
    "water": ("volume", "mass"),
}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    parse: Parser


@dataclass
class Parsed:
    """Rows that parsed, and the problems of those that did not."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)

    def reject(self, problem: Problem) -> None:
        self.problems.append(problem)
        if problem.row is not None:
            self.bad_rows.add(problem.row)


def _choice(allowed: tuple[str, ...]) -> Parser:
    return lambda v: f.choice(v, allowed)


def _opt(parse: Parser) -> Parser:
    def parser(value: object) -> Any:
        return None if f.optional_text(value) is None else parse(value)

    return parser


METERS = (
    Column("meter_id", True, f.text),
    Column("name", False, f.optional_text),
    Column("carrier", True, f.text),
    Column("unit", True, f.text),
    Column("reading", True, _choice(("interval", "cumulative"))),
    Column("role", True, _choice(METER_ROLES)),
    Column("parent_id", False, f.optional_text),
    Column("interval_minutes", False, _opt(lambda v: f.integer(v, minimum=1,
                                                                maximum=MAX_INTERVAL_MINUTES))),
    Column("timestamp_marks", False, _opt(_choice(("end", "start")))),
    Column("rollover", False, _opt(lambda v: f.number(v, positive=True))),
)
ACTIVITIES = (
    Column("activity_id", False, f.optional_text),
    Column("period_start", True, f.date),
    Column("period_end", True, f.date),
    Column("category", True, _choice(ACTIVITY_CATEGORIES)),
    Column("source", True, f.text),
    Column("quantity", True, f.number),
    Column("unit", True, f.text),
    Column("evidence", False, f.optional_text),
)
PRODUCTION = (
    Column("period_start", True, f.date),
    Column("period_end", True, f.date),
    Column("product", True, f.text),
    Column("quantity", True, f.number),
    Column("unit", True, f.text),
)
INSTRUMENTS = (
    Column("instrument_id", True, f.text),
    Column("kind", True, _choice(INSTRUMENT_KINDS)),
    Column("quantity", True, lambda v: f.number(v, positive=True)),
    Column("unit", True, f.text),
    Column("generation_month", False, _opt(f.month)),
    Column("vintage", False, _opt(lambda v: f.integer(v, minimum=1990, maximum=9999))),
    Column("technology", False, f.optional_text),
    Column("province", False, f.optional_text),
    Column("tradable", False, _opt(f.boolean)),
    Column("serial_start", False, f.optional_text),
    Column("serial_end", False, f.optional_text),
    Column("registry", False, f.optional_text),
    Column("project_id", False, f.optional_text),
    Column("retired_on", False, _opt(f.date)),
    Column("claimed_year", False, _opt(lambda v: f.integer(v, minimum=1990, maximum=9999))),
)


def check_header(file: str, header: Iterable[str], spec: tuple[Column, ...]) -> list[Problem]:
    """Missing required columns and unknown columns, each a file-level problem."""
    names = {c.name for c in spec}
    present = [h for h in header if h != "_row"]
    problems = [
        Problem(file, 1, c.name, "required column is missing")
        for c in spec if c.required and c.name not in present
    ]
    problems += [Problem(file, 1, h, "unknown column") for h in present if h not in names]
    return problems


def parse_rows(file: str, rows: Iterable[dict[str, Any]], spec: tuple[Column, ...]) -> Parsed:
    """Parse every row with ``spec``; a row with any bad field is rejected as a whole."""
    out = Parsed()
    for raw in rows:
        line = int(raw["_row"])
        record: dict[str, Any] = {"_row": line}
        ok = True
        for col in spec:
            try:
                record[col.name] = col.parse(raw.get(col.name))
            except ValueError as exc:
                out.reject(Problem(file, line, col.name, str(exc)))
                ok = False
        if ok:
            out.rows.append(record)
    return out


def check_meters(
    file: str, parsed: Parsed, fuel_dims: dict[str, Dimension],
    stored: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Per-meter checks: unit against carrier, counters, duplicate ids, parents, cycles.

    A parent is a meter of the package or a current meter of the site in the store
    (``stored``), so a later package may add a sub-meter under a stored meter.
    """
    seen: dict[str, int] = {}
    refused: dict[str, int] = {}
    for row in list(parsed.rows):
        problem = _meter_problem(row, fuel_dims, seen)
        if problem:
            field_name, reason = problem
            parsed.reject(Problem(file, row["_row"], field_name, reason))
            parsed.rows.remove(row)
            refused.setdefault(row["meter_id"], row["_row"])
            continue
        seen[row["meter_id"]] = row["_row"]
    refused |= _check_parent_cycles(file, parsed, stored or {})
    ids = {r["meter_id"] for r in parsed.rows} | set(stored or {})
    for row in list(parsed.rows):
        parent = row["parent_id"]
        if parent and parent not in ids:
            reason = (f"parent meter {parent!r} is refused (row {refused[parent]})"
                      if parent in refused else f"unknown parent meter {parent!r} (not in "
                      "meters.csv nor a meter of the site in the workspace)")
            parsed.reject(Problem(file, row["_row"], "parent_id", reason))
            parsed.rows.remove(row)


def _check_parent_cycles(
    file: str, parsed: Parsed, stored: dict[str, dict[str, Any]]
) -> dict[str, int]:
    """Refuse every package row on a ``parent_id`` cycle (A → B → A, or A → A).

    The hierarchy is the package's meters over the stored ones; a cycle can run
    through stored meters, which are named "(stored)". Returns the refused ids and rows.
    """
    parent = {m: s.get("parent_id") for m, s in stored.items()}
    rows = {r["meter_id"]: r for r in parsed.rows}
    parent |= {m: r["parent_id"] for m, r in rows.items()}
    refused: dict[str, int] = {}
    for start in rows:
        cycle = _cycle_from(start, parent)
        if not cycle or start in refused:
            continue
        where = " → ".join(f"{m!r} " + (f"(row {rows[m]['_row']})" if m in rows else "(stored)")
                           for m in cycle)
        reason = (f"meter {start!r} is its own parent" if len(cycle) == 2 else
                  f"parent_id cycle: {where}") + "; a sub-meter hierarchy must be a tree"
        for m in cycle[:-1]:
            if m in rows and m not in refused:
                refused[m] = rows[m]["_row"]
                parsed.reject(Problem(file, rows[m]["_row"], "parent_id", reason))
    parsed.rows = [r for r in parsed.rows if r["meter_id"] not in refused]
    return refused


def _cycle_from(start: str, parent: dict[str, str | None]) -> list[str] | None:
    """The cycle ``[start, …, start]`` if following parents from ``start`` returns to it."""
    path, node = [start], parent.get(start)
    while node is not None and node not in path:
        path.append(node)
        node = parent.get(node)
    return [*path, start] if node == start else None


#: Fields of a meter that decide how its stored readings were read (docs/data-package.md,
#: "Changing a meter"): with readings in the store, a later package may not change them.
_DEFINING_FIELDS = ("reading", "carrier", "unit_canonical", "interval_minutes",
                    "timestamp_marks")


def check_redefinitions(
    file: str, parsed: Parsed, stored: dict[str, dict[str, Any]],
    with_readings: Callable[[list[str]], set[str]],
) -> tuple[set[str], list[str]]:
    """Refuse a package row that redefines a stored meter that has stored readings.

    Refused: another ``reading`` kind (interval ↔ cumulative), carrier, unit dimension,
    ``interval_minutes`` or ``timestamp_marks``, and on a cumulative meter any unit
    (its stored counter readings are in the old unit and new readings are differenced
    against them) or rollover (its stored intervals across a wrap were computed with
    the stored one). Allowed: name, parent, and a unit of the same dimension
    on an interval meter (each reading is converted with its meter's unit at import).
    A role change is allowed and returned as a warning: it reclassifies every stored
    reading of the meter.

    Parameters
    ----------
    with_readings : callable
        Of a list of meter ids, those that have readings in the store.

    Returns
    -------
    (set of str, list of str)
        The refused meter ids and the warnings.
    """
    changes = {r["meter_id"]: _definition_changes(r, stored[r["meter_id"]])
               for r in parsed.rows if r["meter_id"] in stored}
    changes = {m: c for m, c in changes.items() if c}
    having = with_readings(sorted(changes)) if changes else set()
    refused: set[str] = set()
    for row in list(parsed.rows):
        meter_id = row["meter_id"]
        if meter_id in having:
            field_name, old, new = changes[meter_id][0]
            parsed.reject(Problem(file, row["_row"], field_name, (
                f"redefines stored meter {meter_id!r}, which has readings in the workspace: "
                f"stored {old}, here {new}; its stored readings were read with the stored "
                "definition. Give the new meter a new meter_id (and, for a sub-meter "
                "hierarchy, the same parent_id)")))
            parsed.rows.remove(row)
            refused.add(meter_id)
    warnings = [
        f"meter {r['meter_id']!r}: role changed from {stored[r['meter_id']]['role']!r} to "
        f"{r['role']!r}; every stored reading of it now counts as {r['role']!r}"
        for r in parsed.rows
        if r["meter_id"] in stored and stored[r["meter_id"]]["role"] != r["role"]]
    return refused, warnings


def _definition_changes(
    row: dict[str, Any], old: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """``(field, stored, new)`` of each defining field that differs, in column order."""
    out = []
    for name in _DEFINING_FIELDS:
        if row[name] != old[name]:
            column = "unit" if name == "unit_canonical" else name
            out.append((column, _definition(old), _definition(row)))
    if row["reading"] == old["reading"] == "cumulative" and row["unit"] != old["unit"]:
        out.append(("unit", _definition(old), _definition(row)))
    if row["reading"] == old["reading"] == "cumulative" and row["rollover"] != old["rollover"]:
        # the stored intervals across a wrap were computed with the stored rollover
        out.append(("rollover", f"rollover {old['rollover']}", f"rollover {row['rollover']}"))
    return out


def _definition(m: dict[str, Any]) -> str:
    """``'interval electricity kWh, 60 min, end'``: the defining fields, readable."""
    minutes = f"{m['interval_minutes']} min" if m["interval_minutes"] else "no interval"
    return f"'{m['reading']} {m['carrier']} {m['unit']}, {minutes}, {m['timestamp_marks']}'"


def _meter_problem(
    row: dict[str, Any], fuel_dims: dict[str, Dimension], seen: dict[str, int]
) -> tuple[str, str] | None:
    if row["meter_id"] in seen:
        return "meter_id", f"duplicate meter id (first on row {seen[row['meter_id']]})"
    dims = _carrier_dims(row["carrier"], fuel_dims)
    if dims is None:
        return "carrier", (f"unknown carrier {row['carrier']!r} (not electricity/heat/steam/water"
                           " or a fuel with a known NCV)")
    try:
        row["to_canonical"] = to_canonical_factor(row["unit"], dims)
    except UnitError as exc:
        return "unit", str(exc)
    row["unit_canonical"] = CANONICAL_UNIT[dimension_of(row["unit"])]
    role_problem = _role_problem(row, fuel_dims)
    if role_problem:
        return role_problem
    if row["rollover"] is not None and row["reading"] != "cumulative":
        return "rollover", "only cumulative meters can roll over"
    row["timestamp_marks"] = row["timestamp_marks"] or "end"
    if row["timestamp_marks"] == "start" and row["interval_minutes"] is None:
        return "timestamp_marks", "timestamp_marks 'start' needs interval_minutes (to find the end)"
    return None


_ELECTRICITY_ROLES = ("grid_import", "grid_export", "generation", "storage_charge",
                      "storage_discharge", "it_load")


def _role_problem(row: dict[str, Any], fuel_dims: dict[str, Dimension]) -> tuple[str, str] | None:
    """A role that the carrier or unit cannot play (the inventory would have no formula)."""
    role, carrier = row["role"], row["carrier"]
    if role in _ELECTRICITY_ROLES and carrier != "electricity":
        return "role", f"role {role!r} is for electricity meters, not {carrier!r}"
    if role == "fuel" and carrier not in fuel_dims:
        return "role", f"role 'fuel' needs a fuel carrier with a known NCV, not {carrier!r}"
    if role == "heat_import" and (carrier not in ("heat", "steam")
                                  or row["unit_canonical"] != "kWh"):
        return "unit", ("role 'heat_import' needs carrier heat or steam in an energy unit (GJ);"
                        " steam in t needs its enthalpy, which lingtan does not assume")
    return None


def _carrier_dims(carrier: str, fuel_dims: dict[str, Dimension]) -> tuple[Dimension, ...] | None:
    if carrier in CARRIER_DIMENSIONS:
        return CARRIER_DIMENSIONS[carrier]
    if carrier in fuel_dims:
        return (fuel_dims[carrier],)
    return None


def check_activities(
    file: str, parsed: Parsed, fuel_dims: dict[str, Dimension], gases: set[str]
) -> None:
    """Units against categories, period order, and the natural-key duplicates rule."""
    keyed: dict[str, dict[str, Any]] = {}
    for row in list(parsed.rows):
        problem = _activity_problem(row, fuel_dims, gases)
        if problem is None:
            problem = _duplicate_problem(row, keyed)
        if problem:
            parsed.reject(Problem(file, row["_row"], problem[0], problem[1]))
            parsed.rows.remove(row)
    parsed.rows = [r for r in parsed.rows if not r.get("_merged")]


def _activity_problem(
    row: dict[str, Any], fuel_dims: dict[str, Dimension], gases: set[str]
) -> tuple[str, str] | None:
    if row["period_end"] < row["period_start"]:
        return "period_end", "period_end is before period_start"
    category, source, unit = row["category"], row["source"], row["unit"]
    if category == "process":
        if unit not in _CO2_MASS_UNITS:
            return "unit", f"process emissions are given as {', '.join(_CO2_MASS_UNITS)}"
        return None
    try:
        if category in ("stationary_combustion", "mobile_combustion", "biomass_combustion"):
            if source not in fuel_dims:
                return "source", f"no NCV factor for fuel {source!r} (add it to factors.csv)"
            to_canonical_factor(unit, fuel_dims[source])
        elif category == "fugitive":
            if source not in gases:
                return "source", f"no GWP for gas {source!r}"
            to_canonical_factor(unit, "mass")
        else:
            to_canonical_factor(unit, "energy")
    except UnitError as exc:
        return "unit", str(exc)
    return None


def _duplicate_problem(
    row: dict[str, Any], keyed: dict[str, dict[str, Any]]
) -> tuple[str, str] | None:
    key = row["activity_id"] or ":".join(
        str(row[k]) for k in ("category", "source", "period_start", "period_end")
    )
    row["activity_id"] = key
    first = keyed.get(key)
    if first is None:
        keyed[key] = row
        return None
    if _content(first) == _content(row):
        row["_merged"] = True
        return None
    return "activity_id", (
        f"duplicate of row {first['_row']} with a different value; "
        "give each an activity_id if both are real"
    )


def _content(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def check_unique(
    file: str, parsed: Parsed, key: Callable[[dict[str, Any]], str], what: str
) -> None:
    """Merge equal duplicates, reject differing ones."""
    keyed: dict[str, dict[str, Any]] = {}
    keep: list[dict[str, Any]] = []
    for row in parsed.rows:
        k = key(row)
        first = keyed.get(k)
        if first is None:
            keyed[k] = row
            keep.append(row)
        elif _content(first) != _content(row):
            parsed.reject(Problem(file, row["_row"], None,
                                  f"duplicate {what} {k!r} (row {first['_row']}) "
                                  "with different values"))
    parsed.rows = [r for r in keep if r["_row"] not in parsed.bad_rows]


def check_production(file: str, parsed: Parsed) -> None:
    """Period order, duplicates, and no two periods of one product overlapping
    (output would be counted twice in unit-product energy)."""
    for row in list(parsed.rows):
        if row["period_end"] < row["period_start"]:
            parsed.reject(Problem(file, row["_row"], "period_end",
                                  "period_end is before period_start"))
            parsed.rows.remove(row)
        row["production_id"] = f"{row['product']}:{row['period_start']}:{row['period_end']}"
    check_unique(file, parsed, lambda r: r["production_id"], "production period")
    by_product: dict[str, list[dict[str, Any]]] = {}
    for row in parsed.rows:
        by_product.setdefault(row["product"], []).append(row)
    for rows in by_product.values():
        rows.sort(key=lambda r: (r["period_start"], r["_row"]))
        for prev, row in pairwise(rows):
            if row["period_start"] <= prev["period_end"]:
                parsed.reject(Problem(file, row["_row"], "period_start", (
                    f"{row['product']} {row['period_start']}…{row['period_end']} overlaps row "
                    f"{prev['_row']} ({prev['period_start']}…{prev['period_end']})")))
    parsed.rows = [r for r in parsed.rows if r["_row"] not in parsed.bad_rows]


def check_instruments(
    file: str, parsed: Parsed, stored: Sequence[Mapping[str, Any]] = ()
) -> None:
    """Quantity units by kind (MWh for certificates and green power, tCO2e for credits),
    unique ids, then the ledger rules against the site's whole stored ledger.

    Parameters
    ----------
    stored : sequence of mapping
        The site's current ``instruments`` rows in the workspace (with ``batch_id``);
        a row of ``parsed`` replaces the stored row of the same ``instrument_id``.
    """
    for row in list(parsed.rows):
        problem = _instrument_problem(row)
        if problem:
            parsed.reject(Problem(file, row["_row"], problem[0], problem[1]))
            parsed.rows.remove(row)
    check_unique(file, parsed, lambda r: r["instrument_id"], "instrument id")
    if parsed.rows:
        _check_ledger(file, parsed, stored)


def _check_ledger(file: str, parsed: Parsed, stored: Sequence[Mapping[str, Any]]) -> None:
    """Replay the stored lots and the package's lots as one ledger; reject only the rows
    whose lots break it (:func:`lingtan.instruments.admission.ledger_breaches`).

    A package row equal to its stored row is kept like a stored one; a breach among
    stored rows alone (a ledger broken before) is reported without a row.
    """
    from lingtan.instruments.admission import ledger_breaches

    kept, origin = _stored_lots(stored)
    candidates: dict[str, list[Any]] = {}
    lines: dict[str, int] = {}
    for row in parsed.rows:
        lot_id, events = row["instrument_id"], _row_events(file, parsed, row)
        lines[lot_id] = row["_row"]
        if events is not None and kept.get(lot_id) != events:
            candidates[lot_id] = events
    for b in ledger_breaches(candidates, kept, origin=origin):
        if b.lot_id in lines:
            parsed.reject(Problem(file, lines[b.lot_id], b.field, b.reason))
        else:
            parsed.reject(Problem(file, None, b.field, (
                f"stored lot {b.lot_id!r} ({origin.get(b.lot_id, 'stored')}): {b.reason}; "
                "import a corrected row for it")))
    parsed.rows = [r for r in parsed.rows if r["_row"] not in parsed.bad_rows]


def _row_events(file: str, parsed: Parsed, row: dict[str, Any]) -> list[Any] | None:
    """The ledger events of one row, or ``None`` after rejecting it."""
    from lingtan.instruments import events_from_rows

    try:
        return events_from_rows([{k: v for k, v in row.items() if not k.startswith("_")}], file)
    except PackageError as exc:
        for p in exc.problems:
            parsed.reject(Problem(file, row["_row"], p.field, p.reason))
        return None


def _stored_lots(
    stored: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, list[Any]], dict[str, str]]:
    """Events and origin (``stored, batch N``) of each stored lot that makes events."""
    from lingtan.instruments import events_from_rows
    from lingtan.instruments.store import COLUMNS

    lots: dict[str, list[Any]] = {}
    origin: dict[str, str] = {}
    for row in stored:
        lot_id = str(row["instrument_id"])
        origin[lot_id] = f"stored, batch {row.get('batch_id')}"
        try:
            lots[lot_id] = events_from_rows([{k: row.get(k) for k in COLUMNS}])
        except PackageError:  # pragma: no cover - stored rows were checked on import
            continue
    return lots, origin


def _instrument_problem(row: dict[str, Any]) -> tuple[str, str] | None:
    if row["kind"] in ("gec", "green_power"):
        try:
            row["quantity"] *= factor_to(row["unit"], "MWh")
        except UnitError as exc:
            return "unit", f"{row['kind']} quantities are energy: {exc}"
        row["unit"] = "MWh"
        if row["kind"] == "gec" and not float(row["quantity"]).is_integer():
            return "quantity", "a GEC lot is a whole number of certificates (1 GEC = 1 MWh)"
    else:
        scale = _CO2_MASS_UNITS.get(row["unit"])
        if scale is None:
            return "unit", f"credits are counted in {', '.join(_CO2_MASS_UNITS)}"
        row["quantity"] *= scale
        row["unit"] = "tCO2e"
    if row["claimed_year"] is not None and row["retired_on"] is None:
        return "claimed_year", "a claim needs a retirement date (retired_on)"
    return None


def lookalike_meter_ids(package_ids: Sequence[str], stored: Mapping[str, Any]) -> list[str]:
    """Warnings for meter ids that differ only by case, Unicode form, width or invisible
    characters (``GRID-EXP`` / ``grid-exp`` / ``GRID‐EXP`` / ``GRID-EXP\u200b``): they are
    separate meters, which is rarely what was meant."""
    groups: dict[str, set[str]] = {}
    for meter_id in [*package_ids, *stored]:
        groups.setdefault(_skeleton(meter_id), set()).add(meter_id)
    return [
        "meter ids " + ", ".join(repr(m) for m in sorted(ids)) + " differ only by case, Unicode"
        " form or invisible characters; they are separate meters"
        for ids in (groups[k] for k in sorted(groups)) if len(ids) > 1]


#: Dash-like characters that read as ``-`` (U+2010–U+2015, U+2212 minus, full-width).
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d"), "-")


def _skeleton(meter_id: str) -> str:
    text = unicodedata.normalize("NFKC", meter_id).translate(_DASHES).casefold()
    return "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Zs", "Cc"))
