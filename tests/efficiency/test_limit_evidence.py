"""Energy-limit status computed from data feeds the schemes' efficiency rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lingtan
from lingtan.errors import PackageError

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"
# examples/minimal: 130 857.6 kgce in 2025 for 1 200 km of power cable = 109.048 kgce/km.
KGCE_PER_KM = 130_857.6 / 1200
HEADER = ("standard_id,product,indicator,unit,limit_value,access_value,advanced_value,"
          "benchmark_value,baseline_value,comparison,source,confidence,note\n")


def _pkg(tmp_path: Path, advanced: float) -> Path:
    pkg = Path(shutil.copytree(MINIMAL, tmp_path / "pkg"))
    with (pkg / "factory.yaml").open("a", encoding="utf-8") as fh:
        fh.write("efficiency:\n  limits:\n    - {product: power_cable, standard_id: TEST-LIMIT}\n"
                 "declarations:\n  efficiency_benchmark_level: {value: not_covered, evidence:"
                 " 'test: product not in the 标杆 list'}\n")
    (pkg / "energy_limits.csv").write_text(
        HEADER + f"TEST-LIMIT,power_cable,unit_product_comprehensive,kgce/km,150,120,{advanced},"
        ",,le,test fixture (not a real standard),U,made up for this test\n", encoding="utf-8")
    return pkg


@pytest.mark.parametrize(("advanced", "status", "rule"), [
    (100.0, "access", "fail"),            # 109.048 > 100 (advanced), ≤ 120 (access)
    (KGCE_PER_KM, "advanced", "pass"),    # boundary: ≤ is inclusive
])
def test_status_reaches_the_jiangsu_rule(
    tmp_path: Path, advanced: float, status: str, rule: str
) -> None:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(_pkg(tmp_path, advanced))
        data = ws.assess("jiangsu-2025", 2025).to_dict()
    finding = next(f for f in data["findings"] if f["rule_id"] == "js.energy-efficiency.zero")
    assert finding["status"] == rule
    assert status in finding["evidence"] and "computed by lingtan" in finding["evidence"]


def test_bad_energy_limits_file_is_rejected(tmp_path: Path) -> None:
    pkg = _pkg(tmp_path, 100.0)
    text = (pkg / "energy_limits.csv").read_text(encoding="utf-8").replace(",le,", ",ge,")
    (pkg / "energy_limits.csv").write_text(text, encoding="utf-8")
    with lingtan.open(tmp_path / "ws.duckdb") as ws, pytest.raises(PackageError) as err:
        ws.import_package(pkg)
    assert any(p.field == "comparison" for p in err.value.problems)
