"""Report charts as data: a :class:`Figure` holds the numbers a chart shows, nothing drawn.

Like the tables, figures copy the numbers of the documented JSON documents and never
recompute them: monthly emissions and the PV share from ``lingtan.monthly/1``, the energy
mix and the energy flow from ``lingtan.inventory/1`` (with the process sub-meters of
``lingtan.efficiency/1``), the hour-by-month matching from ``lingtan.hourly/1``. Every
figure also gives its data as a :class:`~lingtan.reports.model.Table` (shown beside the
chart in HTML, one sheet in XLSX), so no number is only in a picture.
:mod:`lingtan.reports.charts` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from lingtan.reports.model import Cell, Table, Text

FigureKind = Literal["stacked_bar", "bar", "heatmap", "sankey"]
HOURS = 24


@dataclass(frozen=True)
class Series:
    """One named series of values along a figure's categories (``None``: no value)."""

    name: str
    values: list[float | None]


@dataclass(frozen=True)
class Flow:
    """One band of an energy-flow (Sankey) diagram: ``value`` from ``source`` to ``target``."""

    source: str
    target: str
    value: float


@dataclass(frozen=True)
class Figure:
    """A chart's data.

    ``stacked_bar``/``bar``: one bar per category, one segment per series, optional
    ``share`` series drawn as a line on a 0–100 % axis. ``heatmap``: one row per series
    (a month), one column per category (an hour), values in 0–1. ``sankey``: ``flows``
    between nodes laid out in ``columns`` (node names, left to right).
    """

    key: str
    kind: FigureKind
    title: str
    unit: str
    categories: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    share: Series | None = None
    flows: list[Flow] = field(default_factory=list)
    columns: list[list[str]] = field(default_factory=list)
    note: str = ""

    def table(self, t: Text) -> Table:
        """The figure's numbers as a table (same key)."""
        from lingtan.reports.model import Table

        if self.kind == "sankey":
            rows: list[list[Cell]] = [[f.source, f.target, f.value] for f in self.flows]
            return Table(self.title, [t("fig.from"), t("fig.to"), f"{t('value')} ({self.unit})"],
                         rows, self.key)
        if self.kind == "heatmap":
            rows = [[s.name, *s.values] for s in self.series]
            return Table(self.title, [t("fig.month"), *self.categories], rows, self.key)
        extra = [self.share] if self.share else []
        columns = [t("fig.category"), *(f"{s.name} ({self.unit})" for s in self.series),
                   *(f"{s.name} (%)" for s in extra)]
        rows = [[c, *(s.values[i] for s in self.series), *(_percent(s.values[i]) for s in extra)]
                for i, c in enumerate(self.categories)]
        return Table(self.title, columns, rows, self.key)


def _percent(share: float | None) -> float | None:
    return None if share is None else 100.0 * share


# ---------------------------------------------------------------- builders

def monthly_emissions(t: Text, monthly: dict[str, Any], view: str = "location") -> Figure:
    """Scope 1 and scope 2 tCO2e per month in ``view`` (stacked)."""
    months = monthly["months"]
    series = [Series(t(f"scope.{s}"), [m["views"][view][f"scope{s}_tco2e"] for m in months])
              for s in ("1", "2")]
    return Figure("fig.monthly_emissions", "stacked_bar",
                  t("fig.monthly_emissions", view=t.code("view", view)), "tCO2e",
                  [m["month"][5:] for m in months], series, note=t("fig.monthly_emissions.note"))


def pv_share(t: Text, monthly: dict[str, Any]) -> Figure | None:
    """Electricity consumed per month split into on-site PV used and grid, and PV's share.

    Consumed = grid import + generation − export (docs/inventory.md); on-site generation
    used on site = generation − export. ``None`` when the site generates nothing.
    """
    months = monthly["months"]
    elec = [m["electricity_mwh"] for m in months]
    if not any(e.get("generation") for e in elec):
        return None
    used = [e.get("generation", 0.0) - e.get("grid_export", 0.0) for e in elec]
    consumed = [e.get("grid_import", 0.0) + u for e, u in zip(elec, used, strict=True)]
    grid = [c - u for c, u in zip(consumed, used, strict=True)]
    share = [u / c if c else None for u, c in zip(used, consumed, strict=True)]
    return Figure("fig.pv_share", "stacked_bar", t("fig.pv_share"), "MWh",
                  [m["month"][5:] for m in months],
                  [Series(t("fig.pv_used"), list(used)), Series(t("fig.grid_used"), grid)],
                  share=Series(t("fig.pv_share.line"), share), note=t("fig.pv_share.note"))


def energy_mix(t: Text, inv: dict[str, Any]) -> Figure:
    """Energy consumed per carrier, tce (equivalent value, GB/T 2589-2020)."""
    carriers = (inv.get("energy") or {}).get("by_carrier") or {}
    ordered = sorted(carriers.items(), key=lambda kv: -kv[1]["tce"])
    return Figure("fig.energy_mix", "bar", t("fig.energy_mix"), "tce",
                  [t.code("carrier", c) for c, _ in ordered],
                  [Series("tce", [e["tce"] for _, e in ordered])], note=t("fig.energy_mix.note"))


def matching_heatmap(t: Text, hourly: dict[str, Any]) -> Figure | None:
    """Hourly matching share per local month × hour of day (``lingtan.hourly/1``)."""
    grid = hourly.get("by_month_hour")
    if not grid:
        return None
    year = hourly.get("year")
    series = [Series(f"{year}-{m + 1:02d}" if year else f"{m + 1:02d}", list(row))
              for m, row in enumerate(grid)]
    return Figure("fig.matching_heatmap", "heatmap", t("fig.matching_heatmap"), "%",
                  [f"{h:02d}" for h in range(HOURS)], series, note=t("fig.matching_heatmap.note"))


def energy_flow(t: Text, inv: dict[str, Any], efficiency: dict[str, Any] | None) -> Figure | None:
    """Energy flow in tce: supplies → carriers → uses (GB/T 2589-2020 equivalent value).

    Electricity: grid import and on-site generation into *electricity*, out to export,
    each process sub-meter (``lingtan.efficiency/1`` rows of kind ``process``) and the
    unmetered rest; every other carrier flows straight to its own use. All at the
    inventory's coefficients, so the flows in equal the flows out.
    """
    carriers = (inv.get("energy") or {}).get("by_carrier") or {}
    if not carriers:
        return None
    flows: list[Flow] = []
    sources, uses = [], []
    elec = carriers.get("electricity")
    hub = t.code("carrier", "electricity")
    if elec:
        flows += _electricity_flows(t, inv, efficiency, elec, hub)
        sources += [f.source for f in flows if f.target == hub]
        uses += [f.target for f in flows if f.source == hub]
    for carrier, entry in sorted(carriers.items()):
        if carrier == "electricity" or not entry["tce"]:
            continue
        name = t.code("carrier", carrier)
        flows.append(Flow(name, t("fig.flow.use", carrier=name), entry["tce"]))
        sources.append(name)
        uses.append(t("fig.flow.use", carrier=name))
    columns = [sources, [hub], uses] if elec else [sources, uses]
    note = t("fig.energy_flow.note")
    if elec:
        into = sum(f.value for f in flows if f.target == hub)
        out = sum(f.value for f in flows if f.source == hub)
        if out - into > 1e-9 * into:
            note += " " + t("fig.energy_flow.over", tce=f"{out - into:,.3f}")
    return Figure("fig.energy_flow", "sankey", t("fig.energy_flow"), "tce",
                  flows=flows, columns=columns, note=note)


def _electricity_flows(t: Text, inv: dict[str, Any], efficiency: dict[str, Any] | None,
                       elec: dict[str, Any], hub: str) -> list[Flow]:
    k_tce_per_mwh = elec["tce"] / elec["quantity"] * 1000.0 if elec["quantity"] else 0.0
    mwh = inv.get("electricity_mwh") or {}
    flows = [Flow(t("fig.flow.grid"), hub, mwh.get("grid_import", 0.0) * k_tce_per_mwh),
             Flow(t("fig.flow.generation"), hub, mwh.get("generation", 0.0) * k_tce_per_mwh),
             Flow(hub, t("fig.flow.export"), mwh.get("grid_export", 0.0) * k_tce_per_mwh)]
    year = str(inv.get("year"))
    processes = [r for r in (efficiency or {}).get("rows") or []
                 if r.get("kind") == "process" and str(r.get("period")) == year]
    for row in sorted(processes, key=lambda r: -r["energy_kwh"]):
        flows.append(Flow(hub, str(row["name"]), row["energy_kwh"] / 1000.0 * k_tce_per_mwh))
    metered = sum(f.value for f in flows if f.source == hub)
    rest = elec["tce"] - metered + flows[2].value
    if processes and rest > 0:
        flows.append(Flow(hub, t("fig.flow.unmetered"), rest))
    elif not processes:
        flows.append(Flow(hub, t("fig.flow.consumed"), elec["tce"]))
    return [f for f in flows if f.value > 0]


def selfeval_figures(t: Text, inv: dict[str, Any], monthly: dict[str, Any] | None,
                     efficiency: dict[str, Any] | None,
                     hourly: dict[str, Any] | None) -> dict[str, list[Figure]]:
    """The self-evaluation report's figures by the section key they belong to."""
    path1 = [energy_mix(t, inv), energy_flow(t, inv, efficiency)]
    path2 = [matching_heatmap(t, hourly) if hourly else None]
    if monthly:
        path1.insert(0, monthly_emissions(t, monthly))
        path2.insert(0, pv_share(t, monthly))
    return {"path1": [f for f in path1 if f], "path2": [f for f in path2 if f]}
