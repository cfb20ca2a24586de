"""The annual GHG inventory of one site: scope 1, scope 2 in three views, energy in tce.

Method (docs/inventory.md):

- Scope 1 [GB/T 32150-2015]: stationary and mobile combustion
  (``FC × NCV × CC × OF × 44/12``), process CO2 as reported, fugitive gases
  (``mass × GWP``). Biomass CO2 is a memo line, not in any total.
- Scope 2, three views of the same activity data (domain.md §1.4, §2.5):
  ``location`` — grid factor of the configured geography; ``market`` — MWh covered
  by retired green instruments claimed for the year at zero, the rest at the national
  factor excluding market-traded non-fossil electricity; ``ets`` — the national ETS
  factor on all purchased grid electricity (on-site renewables are never purchased,
  hence zero; green-power purchases listed separately at the same factor; GECs
  ignored). Exported electricity is deducted per GB/T 32150 in the views where
  ``accounting.deduct_export`` says so. Purchased heat counts in every view.
- Energy [GB/T 2589-2020]: equivalent-value tce of every carrier consumed in the
  boundary; electricity consumed = grid import + on-site generation − export.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lingtan.accounting import completeness as cp
from lingtan.accounting import formulas as fm
from lingtan.accounting.energy import EnergyBalance, energy_balance
from lingtan.accounting.lines import ALL_VIEWS, Inputs, Line, factor_ref
from lingtan.accounting.metered import current_meters, monthly_by_meter, months_of_year
from lingtan.accounting.result import Inventory, ViewTotals
from lingtan.errors import FactorNotFoundError, NoDataError
from lingtan.factors import (
    FACTOR_COLUMNS,
    Factor,
    FactorLibrary,
    blend_gwp,
    refrigerant_blends,
)
from lingtan.instruments.store import Claimed, claimed_for_year
from lingtan.site import VIEWS, Site
from lingtan.store.workspace import canonical_json
from lingtan.units import factor_to

_COMBUSTION = ("stationary_combustion", "mobile_combustion", "biomass_combustion")


def load_site(con: duckdb.DuckDBPyConnection, site_id: str | None = None) -> Site:
    """The current description of ``site_id`` (or of the only site in the workspace)."""
    rows = con.execute(
        "SELECT site_id, config_json FROM sites WHERE is_current ORDER BY site_id"
    ).fetchall()
    if not rows:
        raise NoDataError("the workspace has no site yet: run `lingtan import DIR` first")
    if site_id is None:
        if len(rows) > 1:
            raise NoDataError(f"several sites in the workspace ({', '.join(r[0] for r in rows)}); "
                              "choose one with --site")
        return Site.model_validate_json(rows[0][1])
    for sid, cfg in rows:
        if sid == site_id:
            return Site.model_validate_json(cfg)
    raise NoDataError(
        f"no site {site_id!r} in the workspace; sites: {', '.join(r[0] for r in rows)}"
    )


def site_library(con: duckdb.DuckDBPyConnection, site_id: str) -> FactorLibrary:
    """Packaged factors with the site's own ``factors.csv`` rows as labelled overrides."""
    rows = con.execute(
        "SELECT factor_id, family, subject, geography, data_year, scheme, value, unit, source,"
        " confidence, coalesce(note, '') FROM factors WHERE site_id = ? AND is_current",
        [site_id],
    ).fetchall()
    user = [Factor(**dict(zip(FACTOR_COLUMNS, r, strict=True)), origin="user") for r in rows]
    library = FactorLibrary.packaged()
    return library.with_overrides(user) if user else library


def compute_inventory(
    con: duckdb.DuckDBPyConnection, year: int, *, site_id: str | None = None,
    gwp: str | None = None,
) -> Inventory:
    """Compute the inventory of ``year`` from the workspace.

    Raises
    ------
    NoDataError
        If the site has neither readings nor activities in ``year``.
    FactorNotFoundError
        If a factor the configuration asks for does not exist (never a fallback).
    """
    site = load_site(con, site_id)
    gwp_set = gwp or site.accounting.gwp
    calc = _Calculation(con, site, year, gwp_set)
    return calc.run()


def compute_month(con: duckdb.DuckDBPyConnection, site: Site, year: int, month: int, *,
                  gwp: str | None = None) -> Inventory:
    """The inventory of one local calendar month of ``year`` (for monthly charts).

    The same calculation as :func:`compute_inventory` on the month's readings and on
    activities pro-rated by the days they share with the month; instruments are claimed
    per year, not per month, so none are applied (the market view of a month is the
    residual-mix view of all its grid electricity and is not reported).

    Raises
    ------
    NoDataError
        If the site has neither readings nor activities in that month.
    """
    calc = _Calculation(con, site, year, gwp or site.accounting.gwp, month=month)
    return calc.run()


class _Calculation:
    """One inventory run; holds the inputs while lines are built, returns an Inventory."""

    def __init__(self, con: duckdb.DuckDBPyConnection, site: Site, year: int, gwp_set: str,
                 month: int | None = None) -> None:
        self.con, self.site, self.year, self.gwp_set = con, site, year, gwp_set
        self.library = site_library(con, site.id)
        months = months_of_year(year, site.timezone)
        self.month = month
        self.months = months if month is None else [months[month - 1]]
        self.period = str(year) if month is None else self.months[0].label
        self.lines: list[Line] = []
        self.warnings: list[str] = []
        self.factors_used: dict[str, Factor] = {}
        self.claimed = Claimed(year)

    # -- inputs -----------------------------------------------------------------------
    def run(self) -> Inventory:
        metered = self._metered()
        activities = self._activities()
        if not metered and not activities:
            raise NoDataError(
                f"site {self.site.id!r} has no readings or activities in {self.period}")
        groups = self._group(metered, activities)
        self._scope1(groups)
        elec = self._electricity_inputs(groups)
        meters, ids = self._check_meters(metered, elec)
        self._scope2_electricity(elec)
        self._heat(groups)
        if self.month is None:
            cp.check_scope2(self.lines, VIEWS, meters, ids, elec, self.period)
        energy = energy_balance(self.library, self.site, self.year, groups, elec)
        self.warnings += energy.warnings
        return self._result(elec, energy)

    def _check_meters(self, metered: list[dict[str, Any]], elec: dict[str, Any]
                      ) -> tuple[list[dict[str, Any]], set[str]]:
        """Gaps and sub-meters above their parent (warnings); a negative electricity
        consumed (an error) — :mod:`lingtan.accounting.completeness`. Returns the site's
        current meters and the ids of those with readings."""
        meters = current_meters(self.con, self.site.id)
        ids = {m["meter_id"] for m in metered}
        self.warnings += cp.missing_meters(meters, ids, self.period)
        self.warnings += cp.submeters_above_parent(
            meters, {m["meter_id"]: m["by_month"] for m in metered}, self.period)
        cp.check_electricity_balance(meters, ids, elec, self.period)
        return meters, ids

    def _metered(self) -> list[dict[str, Any]]:
        """One entry per meter: its attributes, exact quantity, reading count and the
        fingerprint of its (meter, month) rows (docs/conventions.md, "Input hash")."""
        table = monthly_by_meter(self.con, self.site.id, self.months)
        cols = _columns(table)
        out = []
        for start, end in _runs(cols["meter_id"]):
            meter_id = cols["meter_id"][start]
            rows = [[cols[k][i] for k in _FINGERPRINT_COLUMNS] for i in range(start, end)]
            m = {k: cols[k][start] for k in _METER_COLUMNS}
            m |= {"quantity": sum((cols["quantity"][i] for i in range(start, end)), Decimal(0)),
                  "n": sum(cols["n_readings"][start:end]), "rows": rows,
                  "by_month": dict(zip(cols["month"][start:end], cols["quantity"][start:end],
                                       strict=True)),
                  "fingerprint": _sha(["meter", self.site.id, meter_id, rows])}
            self._completeness(meter_id, m)
            out.append(m)
        return out

    def _completeness(self, meter_id: str, m: dict[str, Any]) -> None:
        minutes = m.get("interval_minutes")
        if not minutes:
            return
        span = (self.months[-1].end_utc - self.months[0].start_utc).total_seconds() / 60
        expected = int(span // minutes)
        if m["n"] < expected and m["role"] != "fuel":
            missing = expected - m["n"]
            self.warnings.append(
                f"meter {meter_id}: {missing} of {expected} {minutes}-minute intervals in "
                f"{self.period} have no reading ({missing / expected:.2%}); not filled — totals "
                "use the readings present"
            )

    def _activities(self) -> list[dict[str, Any]]:
        start, end = _period_dates(self.year, self.month)
        rows = self.con.execute(
            "SELECT activity_id, period_start, period_end, category, source, quantity, unit,"
            " row_sha256 FROM activities WHERE site_id = ? AND is_current"
            " AND period_start <= ? AND period_end >= ? ORDER BY activity_id",
            [self.site.id, end, start],
        ).fetchall()
        out = []
        for aid, p0, p1, category, source, quantity, unit, sha in rows:
            share = _overlap_share(p0, p1, start, end)
            if share < 1:
                self.warnings.append(
                    f"activity {aid} ({p0}…{p1}) straddles {self.period}: {share:.4f} of it "
                    "counted, pro rata by days"
                )
            out.append({"id": aid, "category": category, "source": source,
                        "quantity": quantity * share, "unit": unit, "fingerprint": sha})
        return out

    def _group(self, metered: list[dict[str, Any]], acts: list[dict[str, Any]]) -> dict[str, Any]:
        groups: dict[str, Any] = {"fuel": defaultdict(Inputs), "fugitive": defaultdict(Inputs),
                                  "process": defaultdict(Inputs), "meters": defaultdict(Inputs),
                                  "purchased_electricity": Inputs(), "heat_gj": Inputs()}
        for m in metered:
            qty = float(m["quantity"])
            if m["role"] == "fuel":
                key = ("stationary_combustion", m["carrier"])
                to_fuel = factor_to(m["unit_canonical"], self._fuel_unit(m["carrier"]))
                groups["fuel"][key].add(qty * to_fuel, m["meter_id"], m["fingerprint"])
            elif m["role"] == "heat_import":
                to_gj = factor_to(m["unit_canonical"], "GJ")
                groups["heat_gj"].add(qty * to_gj, m["meter_id"], m["fingerprint"])
            else:
                groups["meters"][m["role"]].add(qty, m["meter_id"], m["fingerprint"])
        for a in acts:
            self._group_activity(groups, a)
        return groups

    def _group_activity(self, groups: dict[str, Any], a: dict[str, Any]) -> None:
        cat, src, qty, unit = a["category"], a["source"], a["quantity"], a["unit"]
        where = (a["id"], a["fingerprint"])
        if cat in _COMBUSTION:
            groups["fuel"][(cat, src)].add(qty * factor_to(unit, self._fuel_unit(src)), *where)
        elif cat == "fugitive":
            groups["fugitive"][src].add(qty * factor_to(unit, "t"), *where)
        elif cat == "process":
            groups["process"][src].add(qty * (1e-3 if unit.startswith("kg") else 1.0), *where)
        elif cat == "purchased_electricity":
            groups["purchased_electricity"].add(qty * factor_to(unit, "kWh"), *where)
        elif cat == "purchased_heat":
            groups["heat_gj"].add(qty * factor_to(unit, "GJ"), *where)

    def _fuel_unit(self, fuel: str) -> str:
        ncv = self._factor("ncv", fuel, scheme=self.site.accounting.fuel_table)
        return ncv.unit.split("/", 1)[1]

    # -- factors --------------------------------------------------------------------
    def _factor(self, family: str, subject: str, *, geography: str = "CN",
                data_year: int | None = None, scheme: str | None = None) -> Factor:
        factor = self.library.get(family, subject, geography=geography, data_year=data_year,
                                  scheme=scheme)
        self.factors_used[factor.factor_id] = factor
        return factor

    def _fuel_factors(self, fuel: str) -> tuple[Factor, Factor, Factor]:
        table = self.site.accounting.fuel_table
        return (self._factor("ncv", fuel, scheme=table),
                self._factor("carbon_content", fuel, scheme=table),
                self._factor("oxidation", fuel, scheme=table))

    def _gwp(self, gas: str) -> tuple[float, list[Factor]]:
        if gas in refrigerant_blends():
            parts = [self._factor("gwp", c.gas, geography="global", scheme=self.gwp_set)
                     for c in refrigerant_blends()[gas]]
            return blend_gwp(self.library, gas, self.gwp_set), parts
        factor = self._factor("gwp", gas, geography="global", scheme=self.gwp_set)
        return factor.value, [factor]

    # -- scope 1 ----------------------------------------------------------------------
    def _scope1(self, groups: dict[str, Any]) -> None:
        for (category, fuel), inp in sorted(groups["fuel"].items()):
            ncv, cc, of = self._fuel_factors(fuel)
            co2 = fm.combustion_co2_t(inp.quantity, ncv.value, cc.value, of.value)
            scope = "memo" if category == "biomass_combustion" else "1"
            self._add(ALL_VIEWS, scope, category, fuel, inp, ncv.unit.split("/", 1)[1],
                      [ncv, cc, of], co2,
                      note="biogenic CO2, reported apart, not in totals" if scope == "memo" else "")
        for gas, inp in sorted(groups["fugitive"].items()):
            gwp, factors = self._gwp(gas)
            self._add(ALL_VIEWS, "1", "fugitive", gas, inp, "t", factors,
                      fm.gas_co2e_t(inp.quantity, gwp), gwp=self.gwp_set)
        for name, inp in sorted(groups["process"].items()):
            self._add(ALL_VIEWS, "1", "process", name, inp, "tCO2", [], inp.quantity,
                      note="process CO2 as reported in activities.csv")

    # -- scope 2 ----------------------------------------------------------------------
    def _electricity_inputs(self, groups: dict[str, Any]) -> dict[str, Any]:
        meters = groups["meters"]
        grid = Inputs.merged(meters.get("grid_import", Inputs()), groups["purchased_electricity"])
        return {"grid_import_kwh": grid, "grid_export_kwh": meters.get("grid_export", Inputs()),
                "generation_kwh": meters.get("generation", Inputs()),
                "instruments": self._instruments()}

    def _instruments(self) -> dict[str, Inputs]:
        """Retired GECs and green power claimed for the year, from the replayed ledger."""
        out: dict[str, Inputs] = {"gec": Inputs(), "green_power": Inputs()}
        if self.month is not None:
            return out  # instruments are claimed per reporting year
        self.claimed = claimed_for_year(self.con, self.site.id, self.year)
        self.warnings += self.claimed.warnings  # non-tradable GECs: not against grid purchases
        for kind, inputs in out.items():
            for lot_id, mwh, sha in self.claimed.lots_by_kind.get(kind, []):
                inputs.add(mwh * 1000.0, lot_id, sha)
        return out

    def _grid_factor(self, view: str) -> Factor:
        try:
            return self._grid_factor_of(view)
        except FactorNotFoundError as exc:
            key = "ets_factor_year" if view == "ets" else "electricity_factor_year"
            raise FactorNotFoundError(
                f"{exc} Hint ({view} view): MEE/NBS publish grid factors about two years late; "
                f"set accounting.{key} in factory.yaml to a published data year."
            ) from exc

    def _grid_factor_of(self, view: str) -> Factor:
        acc = self.site.accounting
        year = acc.electricity_factor_year or self.year
        if view == "ets":
            ets_year = acc.ets_factor_year or self.year
            return self._factor("ets_grid", "electricity", data_year=ets_year)
        if view == "market":
            return self._factor("grid_residual", "electricity", data_year=year)
        geography = {"national": "CN", "regional": f"region:{self.site.grid_region}",
                     "provincial": self.site.province or "CN-??"}[acc.location_factor]
        return self._factor("grid_average", "electricity", geography=geography, data_year=year)

    def _scope2_electricity(self, elec: dict[str, Any]) -> None:
        grid: Inputs = elec["grid_import_kwh"]
        export: Inputs = elec["grid_export_kwh"]
        for view in VIEWS:
            factor = self._grid_factor(view)
            if view == "market":
                self._market_lines(grid, elec["instruments"], factor)
            elif view == "ets":
                self._ets_lines(grid, elec["instruments"]["green_power"], factor)
            else:
                self._add(view, "2", "purchased_electricity", "grid", grid, "MWh", [factor],
                          fm.electricity_co2_t(grid.quantity / 1000, factor.value), scale=1e-3)
            if export.quantity and getattr(self.site.accounting.deduct_export, view):
                self._add(view, "2", "exported_electricity", "grid", export, "MWh", [factor],
                          -fm.electricity_co2_t(export.quantity / 1000, factor.value), scale=1e-3,
                          note="exported electricity deducted (GB/T 32150-2015)")

    def _market_lines(self, grid: Inputs, instruments: dict[str, Inputs], residual: Factor) -> None:
        green = Inputs.merged(*instruments.values())
        covered_kwh = min(green.quantity, grid.quantity)
        if green.quantity > grid.quantity:
            self.warnings.append(
                f"retired green instruments claimed for {self.year} "
                f"({green.quantity / 1000:.3f} MWh) exceed "
                f"grid purchases ({grid.quantity / 1000:.3f} MWh); the excess is not used"
            )
        covered = Inputs(covered_kwh, green.ids, green.fingerprints)
        rest = Inputs(grid.quantity - covered_kwh, grid.ids + green.ids,
                      grid.fingerprints + green.fingerprints)
        if green.ids:
            self._add("market", "2", "purchased_electricity", "green_instruments", covered, "MWh",
                      [], 0.0, scale=1e-3,
                      note="covered by retired GEC / green-power instruments: zero emissions")
        self._add("market", "2", "purchased_electricity", "grid_residual", rest, "MWh", [residual],
                  fm.electricity_co2_t(rest.quantity / 1000, residual.value), scale=1e-3)

    def _ets_lines(self, grid: Inputs, green_power: Inputs, factor: Factor) -> None:
        gp_kwh = min(green_power.quantity, grid.quantity)
        if green_power.ids:
            self._add("ets", "2", "purchased_electricity", "green_power_trades",
                      Inputs(gp_kwh, green_power.ids, green_power.fingerprints), "MWh", [factor],
                      fm.electricity_co2_t(gp_kwh / 1000, factor.value), scale=1e-3,
                      note="green-power purchases reported separately, still at the ETS grid "
                           "factor")
        rest = Inputs(grid.quantity - gp_kwh, grid.ids, grid.fingerprints)
        self._add("ets", "2", "purchased_electricity", "grid", rest, "MWh", [factor],
                  fm.electricity_co2_t(rest.quantity / 1000, factor.value), scale=1e-3,
                  note="GECs are not accepted in the national ETS view")

    def _heat(self, groups: dict[str, Any]) -> None:
        heat: Inputs = groups["heat_gj"]
        if heat.ids:
            factor = self._factor("heat", "heat", scheme="default")
            self._add(ALL_VIEWS, "2", "purchased_heat", "heat", heat, "GJ", [factor],
                      fm.heat_co2_t(heat.quantity, factor.value))

    # -- assembly ---------------------------------------------------------------------
    def _add(self, view: str, scope: str, category: str, source: str, inp: Inputs, unit: str,
             factors: list[Factor], co2e_t: float, *, gwp: str | None = None, note: str = "",
             scale: float = 1.0) -> None:
        quantity = inp.quantity * scale
        self.lines.append(Line(
            view=view, scope=scope, category=category, source=source,
            activity_quantity=quantity, activity_unit=unit,
            factors=tuple(factor_ref(f) for f in factors),
            emission_factor=co2e_t / quantity if quantity else 0.0,
            emission_factor_unit=f"tCO2e/{unit}", gwp=gwp, co2e_t=co2e_t,
            inputs=tuple(sorted(set(inp.ids))), input_hash=inp.digest(), note=note,
        ))

    def _result(self, elec: dict[str, Any], energy: EnergyBalance) -> Inventory:
        views: dict[str, ViewTotals] = {}
        for view in VIEWS:
            scope1 = sum(ln.co2e_t for ln in self.lines if ln.scope == "1")
            scope2 = sum(ln.co2e_t for ln in self.lines
                         if ln.scope == "2" and ln.view in (view, ALL_VIEWS))
            views[view] = ViewTotals(scope1, scope2)
        uncertain = sorted(f.factor_id for f in self.factors_used.values() if f.confidence == "U")
        if uncertain:
            self.warnings.append(
                "uncertain [U] factors used (defaults not verified against the standard text; "
                f"override them in factors.csv): {', '.join(uncertain)}"
            )
        return Inventory(
            site_id=self.site.id, year=self.year, gwp=self.gwp_set, timezone=self.site.timezone,
            views=views, biogenic_co2_t=sum(ln.co2e_t for ln in self.lines if ln.scope == "memo"),
            energy=energy, electricity_kwh={
                "grid_import": elec["grid_import_kwh"].quantity,
                "grid_export": elec["grid_export_kwh"].quantity,
                "generation": elec["generation_kwh"].quantity,
                "green_instruments_retired": sum(i.quantity for i in elec["instruments"].values()),
            },
            lines=self.lines, warnings=self.warnings,
            factors=sorted(self.factors_used.values(), key=lambda f: f.factor_id),
            settings=self.site.accounting.model_dump(),
            instruments_claimed=dict(sorted(self.claimed.quantity_by_kind.items())),
        )


def _period_dates(year: int, month: int | None) -> tuple[dt.date, dt.date]:
    """First and last day of ``year``, or of its ``month``."""
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), following - dt.timedelta(days=1)


def _overlap_share(p0: dt.date, p1: dt.date, start: dt.date, end: dt.date) -> float:
    days = (p1 - p0).days + 1
    overlap = (min(p1, end) - max(p0, start)).days + 1
    return max(0, overlap) / days


#: Columns of a (meter, month) row in the order its fingerprint lists them.
_FINGERPRINT_COLUMNS = ("month", "n_readings", "quantity_text", "first_text", "last_text",
                        "min_batch", "max_batch", "max_version")
_METER_COLUMNS = ("meter_id", "carrier", "role", "unit_canonical", "interval_minutes")


def _columns(table: pa.Table) -> dict[str, list[Any]]:
    """The monthly table as Python lists, with the text forms the fingerprint uses made by
    Arrow: ``str()`` of the Decimal and of the datetimes, as the fingerprint defines them."""
    cols = {name: table.column(name).to_pylist()
            for name in ("meter_id", "month", "quantity", "n_readings", "min_batch",
                         "max_batch", "max_version", *_METER_COLUMNS[1:])}
    cols["quantity_text"] = [str(q) for q in cols["quantity"]]
    for name in ("first", "last"):
        text = pc.cast(table.column(f"{name}_utc"), pa.string())
        # str(datetime) drops a zero microsecond part; Arrow always writes six digits
        cols[f"{name}_text"] = pc.replace_substring_regex(text, r"\.000000$", "").to_pylist()
    return cols


def _runs(keys: list[str]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each run of equal consecutive ``keys``."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            yield start, i
            start = i


def _sha(obj: Any) -> str:
    return hashlib.sha256(canonical_json(obj).encode()).hexdigest()
