"""光伏制造行业规范条件（2024年本） norms against domain.md §5."""

from __future__ import annotations

import io
import math

import pytest

from lingtan.efficiency.grades import UnknownGradeKeyError, packaged_pv_norms, pv_norm_check
from lingtan.efficiency.grades._table import GradeTableError
from lingtan.efficiency.grades.pv import PV_COLUMNS, read_pv_norms
from lingtan.errors import InputError

# domain.md §5 [R: news reproductions]: polysilicon reduction power existing < 46, new < 44;
# comprehensive existing < 60, new < 57; ingots existing < 7.5, new < 6.5 (kWh/kg)
EXPECTED = {
    ("polysilicon_reduction", "existing"): 46.0,
    ("polysilicon_reduction", "new"): 44.0,
    ("polysilicon_comprehensive", "existing"): 60.0,
    ("polysilicon_comprehensive", "new"): 57.0,
    ("ingot_comprehensive", "existing"): 7.5,
    ("ingot_comprehensive", "new"): 6.5,
}


def test_table_matches_domain_md_section_5() -> None:
    norms = packaged_pv_norms()
    assert {k: n.limit_kwh_per_kg for k, n in norms.items()} == EXPECTED
    assert {n.comparison for n in norms.values()} == {"lt"}
    assert {n.confidence for n in norms.values()} == {"R"}


@pytest.mark.parametrize(("key", "limit"), EXPECTED.items())
def test_strict_boundary(key: tuple[str, str], limit: float) -> None:
    process, plant = key
    existing = plant == "existing"
    at = pv_norm_check(process, limit, existing)
    assert (at.complies, at.plant, at.limit_kwh_per_kg) == (False, plant, limit)
    assert pv_norm_check(process, math.nextafter(limit, 0), existing).complies
    assert not pv_norm_check(process, math.nextafter(limit, 100), existing).complies


def test_unknown_process_lists_processes() -> None:
    with pytest.raises(UnknownGradeKeyError, match="processes: ingot_comprehensive, "
                                                   "polysilicon_comprehensive"):
        pv_norm_check("wafer", 1.0, True)


@pytest.mark.parametrize("bad", [-0.1, math.nan, "x"])
def test_bad_value(bad: object) -> None:
    with pytest.raises(InputError):
        pv_norm_check("ingot_comprehensive", bad, True)  # type: ignore[arg-type]


def test_bad_rows() -> None:
    text = (",".join(PV_COLUMNS) + "\ningot,old,x,le,s,V,\n"
            "ingot,new,1,lt,s,V,\ningot,new,2,lt,s,V,\n")
    with pytest.raises(GradeTableError) as err:
        read_pv_norms(io.StringIO(text), "pv.csv")
    message = str(err.value)
    for fragment in ("pv.csv, row 2, field 'plant'", "row 2, field 'limit_kwh_per_kg'",
                     "row 4: duplicate key ('ingot', 'new')"):
        assert fragment in message
