"""The monthly query: months at their boundaries, exact sums, and the input-hash text forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from lingtan.accounting.inventory import _columns
from lingtan.accounting.metered import monthly_by_meter, months_of_year

MONTHS = months_of_year(2025, "Asia/Shanghai")
START, END = MONTHS[0].start_utc, MONTHS[-1].end_utc


def _workspace(readings: list[tuple[dt.datetime, float]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE readings (site_id VARCHAR, meter_id VARCHAR, ts_utc TIMESTAMP,"
                " value DOUBLE, raw_value DOUBLE, version INTEGER, batch_id INTEGER)")
    con.execute("CREATE TABLE meters (site_id VARCHAR, meter_id VARCHAR, carrier VARCHAR,"
                " role VARCHAR, unit_canonical VARCHAR, interval_minutes INTEGER,"
                " is_current BOOLEAN)")
    con.execute("INSERT INTO meters VALUES ('s', 'M', 'electricity', 'grid_import', 'kWh', 15,"
                " true)")
    con.executemany("INSERT INTO readings VALUES ('s', 'M', ?, ?, ?, 1, 1)",
                    [(ts, v, v) for ts, v in readings])
    return con


def _linear_month(ts: dt.datetime) -> str:
    return next(m.label for m in MONTHS if m.start_utc < ts <= m.end_utc)


instants = st.datetimes(min_value=START + dt.timedelta(microseconds=1), max_value=END)
boundaries = st.sampled_from([m.end_utc + dt.timedelta(microseconds=d) for m in MONTHS
                              for d in (-1, 0, 1)
                              if START < m.end_utc + dt.timedelta(microseconds=d) <= END])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(instants, boundaries), min_size=1, max_size=30, unique=True),
       st.lists(st.decimals(min_value=0, max_value=10**6, places=3), min_size=30,
                max_size=30))
def test_each_reading_falls_in_its_local_month(stamps: list[dt.datetime],
                                               values: list[Decimal]) -> None:
    readings = [(ts, float(v)) for ts, v in zip(stamps, values, strict=False)]
    table = monthly_by_meter(_workspace(readings), "s", MONTHS)
    expected: dict[str, Decimal] = {}
    for ts, v in zip(stamps, values, strict=False):
        expected[_linear_month(ts)] = expected.get(_linear_month(ts), Decimal(0)) + v
    got = dict(zip(table.column("month").to_pylist(), table.column("quantity").to_pylist(),
                   strict=True))
    assert got == expected                           # exact: 3-decimal values, exact sums


def test_a_one_month_list_takes_only_that_month() -> None:
    june = MONTHS[5]
    con = _workspace([(june.start_utc, 1.0), (june.start_utc + dt.timedelta(hours=1), 2.0),
                      (june.end_utc, 4.0), (june.end_utc + dt.timedelta(hours=1), 8.0)])
    table = monthly_by_meter(con, "s", [june])
    assert table.column("month").to_pylist() == ["2025-06"]
    assert table.column("quantity").to_pylist() == [Decimal("6")]  # start excluded, end in


def test_hash_text_forms_equal_python_str() -> None:
    stamps = [dt.datetime(2025, 1, 1, 0, 15), dt.datetime(2025, 1, 1, 0, 15, 0, 5),
              dt.datetime(2025, 3, 1, 23, 59, 59, 999999)]
    quantities = [Decimal("0E-9"), Decimal("1.5E-7"), Decimal("1234.500000000")]
    table = pa.table({
        "meter_id": ["M"] * 3, "month": ["2025-01"] * 3,
        "quantity": pa.array(quantities, pa.decimal128(38, 9)),
        "n_readings": [1, 2, 3], "first_utc": pa.array(stamps, pa.timestamp("us")),
        "last_utc": pa.array(stamps, pa.timestamp("us")), "min_batch": [1] * 3,
        "max_batch": [1] * 3, "max_version": [1] * 3, "carrier": ["electricity"] * 3,
        "role": ["grid_import"] * 3, "unit_canonical": ["kWh"] * 3,
        "interval_minutes": [15] * 3})
    cols = _columns(table)
    assert cols["first_text"] == [str(ts) for ts in stamps]
    assert cols["last_text"] == [str(ts) for ts in stamps]
    assert cols["quantity_text"] == ["0E-9", "1.50E-7", "1234.500000000"]  # scale 9 kept
