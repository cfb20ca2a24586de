"""The user-extendable 能耗限额 format, with a hand-made table (no real values)."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest

from lingtan.efficiency.grades import (
    LIMIT_COLUMNS,
    EnergyLimitTable,
    GradeTableError,
    UnknownGradeKeyError,
    energy_limit_status,
    load_energy_limits,
)
from lingtan.efficiency.grades._table import read_packaged
from lingtan.errors import InputError

HEADER = ",".join(LIMIT_COLUMNS)
# Invented numbers for testing only: domain.md §5 gives no 能耗限额 values [U].
EXAMPLE = f"""\
{HEADER}
TEST-1,widget,unit comprehensive energy,kgce/t,100,90,80,,,le,test,U,made up
TEST-1,gadget,unit comprehensive energy,kgce/t,50,,,40,45,le,test,U,made up
TEST-1,gadget,unit electricity,kWh/t,500,,,,,lt,test,U,made up
TEST-2,widget,unit comprehensive energy,kgce/t,,,,70,85,le,test,U,benchmark/baseline only
"""


@pytest.fixture
def table(tmp_path: Path) -> EnergyLimitTable:
    path = tmp_path / "energy_limits.csv"
    path.write_text(EXAMPLE, encoding="utf-8")
    return load_energy_limits(path)


def test_packaged_file_is_header_only() -> None:
    lines = read_packaged("energy_limits.csv").read().splitlines()
    assert lines == [HEADER]
    assert len(load_energy_limits()) == 0


@pytest.mark.parametrize(("value", "status"), [
    (79.9, "advanced"), (80, "advanced"), (80.01, "access"), (90, "access"),
    (90.01, "limit"), (100, "limit"), (math.nextafter(100, 200), "above_limit"), (0, "advanced"),
])
def test_limit_access_advanced_boundaries(table: EnergyLimitTable, value: float,
                                          status: str) -> None:
    result = energy_limit_status("TEST-1", "widget", value, table=table)
    assert result.status == status
    assert result.unit == "kgce/t"
    assert result.confidence == "U"


@pytest.mark.parametrize(("value", "status", "threshold"), [
    (40, "benchmark", 40), (40.5, "baseline", 45), (45, "baseline", 45), (45.5, "limit", 50),
    (50, "limit", 50), (50.5, "above_limit", 50),
])
def test_benchmark_baseline(table: EnergyLimitTable, value: float, status: str,
                            threshold: float) -> None:
    result = energy_limit_status("TEST-1", "gadget", value, table=table,
                                 indicator="unit comprehensive energy")
    assert (result.status, result.threshold) == (status, threshold)


def test_strict_comparison_and_no_limit(table: EnergyLimitTable) -> None:
    elec = "unit electricity"
    assert table.status("TEST-1", "gadget", 499.9, elec).status == "limit"
    assert table.status("TEST-1", "gadget", 500, elec).status == "above_limit"
    assert table.status("TEST-2", "widget", 70).status == "benchmark"
    assert table.status("TEST-2", "widget", 85.1).status == "no_level"


def test_unknown_ids_list_what_exists(table: EnergyLimitTable) -> None:
    with pytest.raises(UnknownGradeKeyError, match="loaded: TEST-1, TEST-2"):
        energy_limit_status("GB 0000", "widget", 1, table=table)
    with pytest.raises(UnknownGradeKeyError, match="products: gadget, widget"):
        energy_limit_status("TEST-1", "sprocket", 1, table=table)
    with pytest.raises(UnknownGradeKeyError, match="none chosen; indicators: unit compre"):
        energy_limit_status("TEST-1", "gadget", 1, table=table)
    with pytest.raises(UnknownGradeKeyError, match="unknown 'x'"):
        energy_limit_status("TEST-1", "gadget", 1, table=table, indicator="x")
    with pytest.raises(UnknownGradeKeyError, match=r"loaded: \(none\)"):
        energy_limit_status("TEST-1", "widget", 1, table=load_energy_limits())
    with pytest.raises(InputError):
        energy_limit_status("TEST-1", "widget", math.nan, table=table)


def test_bad_user_rows(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(f"""{HEADER}
,widget,,kgce/t,100,90,80,,,le,s,V,
S,a,e,kgce/t,,,,,,le,s,V,
S,b,e,kgce/t,100,110,120,60,50,ge,,X,
S,c,e,kgce/t,abc,-1,inf,,,le,s,R,
S,d,e,kgce/t,1,,,,,le,s,R,
S,d,e,kgce/t,1,,,,,le,s,R,
S,e,e,kgce/t,1,,,,,le,s,R,,extra
""", encoding="utf-8")
    with pytest.raises(GradeTableError) as err:
        load_energy_limits(path)
    message = str(err.value)
    for fragment in (
        "mine.csv, row 2, field 'standard_id': is empty", "row 2, field 'indicator'",
        "row 3: no level given", "row 4, field 'comparison'", "row 4, field 'source'",
        "row 4, field 'confidence'", "row 4, field 'advanced_value': advanced value 120 is "
        "worse than access value 110", "row 4, field 'access_value'",
        "row 4, field 'benchmark_value'", "row 5, field 'limit_value'",
        "row 5, field 'access_value'", "row 5, field 'advanced_value'",
        "row 7: duplicate (standard_id, product, indicator)", "row 8: more values than columns",
    ):
        assert fragment in message, fragment


def test_duplicates_across_files_and_buffers(tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text(EXAMPLE, encoding="utf-8")
    with pytest.raises(GradeTableError, match=r"table.csv, row 2: duplicate .* first in a.csv"):
        load_energy_limits(first, io.StringIO(EXAMPLE.splitlines()[0] + "\n"
                                              + EXAMPLE.splitlines()[1] + "\n"))
    buffer = io.StringIO(EXAMPLE)
    buffer.name = "dup.csv"  # type: ignore[misc]
    with pytest.raises(GradeTableError, match=r"dup\.csv, row 2: duplicate"):
        load_energy_limits(first, buffer)


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text("standard_id,product,value\n", encoding="utf-8")
    with pytest.raises(GradeTableError, match=r"old\.csv, row 1, field 'limit_value'"):
        load_energy_limits(path)
