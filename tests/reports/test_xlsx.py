"""The workbook holds every table with the library's numbers, as numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lingtan.reports import build_inventory_report, build_selfeval_report, write_xlsx
from lingtan.reports.xlsx import FIRST_DATA_ROW, HEADER_ROW, sheet_name

# openpyxl writes floats with 16 significant digits ("%.16g"); Excel shows 15
REL = 1e-14


def _sheet_rows(path: Path, index: int) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path)
    return list(wb.worksheets[index].iter_rows(min_row=FIRST_DATA_ROW, values_only=True))


def test_inventory_workbook(docs: dict[str, Any], tmp_path: Path) -> None:
    inv = docs["inventory"]
    report = build_inventory_report(inv, "zh")
    path = write_xlsx(report, tmp_path / "inv.xlsx")
    wb = openpyxl.load_workbook(path)
    tables = [t for _, t in report.tables()]
    assert len(wb.worksheets) == 1 + len(tables)
    assert all(len(n) <= 31 for n in wb.sheetnames)
    assert len({n.lower() for n in wb.sheetnames}) == len(wb.sheetnames)
    cat1 = wb.worksheets[1 + [t.key for t in tables].index("cat1")]
    assert cat1.cell(HEADER_ROW, 9).value == "排放量（tCO2e）"
    total = list(cat1.iter_rows(values_only=True))[-1]
    assert total[0] == "合计"
    assert total[8] == pytest.approx(inv["views"]["location"]["scope1_tco2e"], rel=REL)


def test_every_inventory_line_appears_once(docs: dict[str, Any], tmp_path: Path) -> None:
    inv = docs["inventory"]
    report = build_inventory_report(inv, "en")
    path = write_xlsx(report, tmp_path / "inv.xlsx")
    keys = [t.key for _, t in report.tables()]
    found = []
    for key in ("cat1", "cat2.location", "cat2.market", "cat2.ets"):
        rows = _sheet_rows(path, 1 + keys.index(key))[:-1]  # without the total row
        found += [(r[0], r[2], r[3], r[8]) for r in rows if r[0] != "all views"
                  or key in ("cat1", "cat2.location")]
    view = {"all": "all views", "location": "location-based", "market": "market-based",
            "ets": "national ETS"}
    expected = [(view[ln["view"]], ln["source"], ln["activity_quantity"], ln["co2e_t"])
                for ln in inv["lines"] if ln["scope"] in ("1", "2")]
    found_by = {(r[0], r[1], float(r[2])): r[3] for r in found}
    expected_by = {(e[0], e[1], float(e[2])): e[3] for e in expected}
    assert len(found_by) == len(found) == len(expected)  # each line once
    assert found_by == {k: pytest.approx(v, rel=REL) for k, v in expected_by.items()}
    assert all(isinstance(r[3], float | int) for r in found)


def test_selfeval_workbook_numbers(docs: dict[str, Any], tmp_path: Path) -> None:
    inv, assessment = docs["inventory"], docs["assessment"]
    report = build_selfeval_report(inv, assessment, docs["efficiency"], docs["hourly"], "en")
    path = write_xlsx(report, tmp_path / "se.xlsx")
    keys = [t.key for _, t in report.tables()]
    energy = _sheet_rows(path, 1 + keys.index("energy"))
    assert energy[-1][-1] == pytest.approx(inv["energy_tce"], rel=REL)
    by_carrier = {r[0]: r[-1] for r in energy[:-1]}
    assert by_carrier == {k: pytest.approx(c["tce"], rel=REL)
                          for k, c in inv["energy"]["by_carrier"].items()}
    findings = _sheet_rows(path, 1 + keys.index("findings"))
    assert [r[0] for r in findings] == [f["rule_id"] for f in assessment["findings"]]
    cover = openpyxl.load_workbook(path).worksheets[0]
    assert cover["A1"].value == report.title
    assert [c.value for c in cover["A"][2:2 + len(report.metadata)]] == [
        k for k, _ in report.metadata]


def test_text_is_never_a_formula(docs: dict[str, Any], tmp_path: Path) -> None:
    findings = [dict(docs["assessment"]["findings"][0], evidence="=HYPERLINK(\"x\")\x07")]
    assessment = dict(docs["assessment"], findings=findings)
    report = build_selfeval_report(docs["inventory"], assessment, None, None, "en")
    path = write_xlsx(report, tmp_path / "se.xlsx")
    keys = [t.key for _, t in report.tables()]
    wb = openpyxl.load_workbook(path)
    cell = wb.worksheets[1 + keys.index("findings")].cell(FIRST_DATA_ROW, 5)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"x\")"


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    long = "类别2 " + "x" * 40
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert len(first) == 31 and len(second) == 31 and first != second
    assert sheet_name("a/b:c[d]", taken) == "a_b_c_d_"
    assert sheet_name("Cover", taken) == "Cover" and sheet_name("cover", taken) == "cover (2)"
