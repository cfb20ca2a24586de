"""Metered quantities per meter and month: the heavy query, written once with Ibis.

readings × meters × reporting months → one row per (meter, month) with the exact
sum of interval quantities (DECIMAL(38,9), so totals are identical whatever order
DuckDB adds them in), the reading count and the provenance needed for the input hash.
The same expression runs on any Ibis backend; lingtan runs it on DuckDB.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import duckdb
import ibis
import pyarrow as pa
from ibis import _

#: Exact decimal type for sums of canonical quantities (9 decimals: 1 µWh, 1 mg, 1 mm3).
SUM_TYPE = "decimal(38, 9)"
#: One reading as an exact 64-bit decimal: below 10^9 canonical units (1 TWh, 1 Mt, 1 km3)
#: per interval; DuckDB raises an error beyond that, it never truncates.
READING_TYPE = "decimal(18, 9)"


@dataclass(frozen=True)
class Month:
    """A local calendar month as UTC bounds (interval-end convention: start < ts ≤ end)."""

    label: str  # YYYY-MM
    start_utc: dt.datetime
    end_utc: dt.datetime


def months_of_year(year: int, timezone: str) -> list[Month]:
    """The twelve local months of ``year`` in ``timezone`` as naive-UTC bounds."""
    tz = zoneinfo.ZoneInfo(timezone)

    def utc(y: int, m: int) -> dt.datetime:
        local = dt.datetime(y, m, 1, tzinfo=tz)
        return local.astimezone(dt.UTC).replace(tzinfo=None)

    bounds = [utc(year, m) for m in range(1, 13)] + [utc(year + 1, 1)]
    return [Month(f"{year}-{m:02d}", bounds[m - 1], bounds[m]) for m in range(1, 13)]


def monthly_expr(con: ibis.BaseBackend, site_id: str, months: list[Month]) -> ibis.Table:
    """Ibis expression: per (meter, month) exact quantity sum, count and provenance.

    The month is found by CASEs over the month ends (no range join for a planner to get
    wrong); each reading is cast to the 64-bit :data:`READING_TYPE` and summed exactly
    into :data:`SUM_TYPE`.
    """
    readings = con.table("readings")
    meters = con.table("meters").filter((_.site_id == site_id) & _.is_current)
    r = readings.filter(
        (readings.site_id == site_id)
        & (readings.ts_utc > months[0].start_utc)
        & (readings.ts_utc <= months[-1].end_utc)
        & readings.value.notnull()
    )
    month = _month_of(r.ts_utc, months)
    agg = r.mutate(month=month).group_by(["meter_id", "month"]).aggregate(
        quantity=_.value.cast(READING_TYPE).sum().cast(SUM_TYPE),
        n_readings=_.count(),
        first_utc=_.ts_utc.min(),
        last_utc=_.ts_utc.max(),
        min_batch=_.batch_id.min(),
        max_batch=_.batch_id.max(),
        max_version=_.version.max(),
    )
    return agg.join(
        meters.select("meter_id", "carrier", "role", "unit_canonical", "interval_minutes"),
        "meter_id",
    ).order_by(["meter_id", "month"])


def _month_of(ts: ibis.expr.types.TimestampValue, months: list[Month]) -> ibis.Value:
    """The label of the month holding ``ts``, as nested CASEs halving ``months``: about
    four comparisons per reading instead of up to twelve (0.08 s less on 70 M readings,
    bench/RESULTS.md). ``ts`` is known to lie within ``months`` (the query filters)."""
    if len(months) == 1:
        return ibis.literal(months[0].label)
    mid = len(months) // 2
    return ibis.cases((ts <= months[mid - 1].end_utc, _month_of(ts, months[:mid])),
                      else_=_month_of(ts, months[mid:]))


def monthly_by_meter(
    con: duckdb.DuckDBPyConnection, site_id: str, months: list[Month]
) -> pa.Table:
    """Run :func:`monthly_expr` on the workspace's DuckDB connection."""
    backend = ibis.duckdb.from_connection(con)
    return backend.to_pyarrow(monthly_expr(backend, site_id, months))


#: Columns of :func:`current_meters`.
METER_COLUMNS = ("meter_id", "carrier", "role", "unit_canonical", "parent_id")


def current_meters(con: duckdb.DuckDBPyConnection, site_id: str) -> list[dict[str, object]]:
    """The site's current meters (also those without readings), ordered by id."""
    rows = con.execute(
        f"SELECT {', '.join(METER_COLUMNS)} FROM meters WHERE site_id = ? AND is_current"
        " ORDER BY meter_id", [site_id]).fetchall()
    return [dict(zip(METER_COLUMNS, r, strict=True)) for r in rows]
