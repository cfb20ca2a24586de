"""The HTML page: language, labels, escaping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lingtan.reports import build_inventory_report, build_selfeval_report, render_html, write_html
from lingtan.reports.html import format_cell


def test_inventory_html_zh(docs: dict[str, Any]) -> None:
    page = render_html(build_inventory_report(docs["inventory"], "zh"))
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh">' in page and '<meta charset="utf-8">' in page
    for text in ("温室气体排放清单报告", "范围一", "类别1", "类别2", "基于市场", "未量化",
                 "不确定性说明", "ncv.diesel.CN.mee_2013"):
        assert text in page, text
    assert "110.4054" in page  # scope 1 total, 4 decimals


def test_inventory_html_en(docs: dict[str, Any], tmp_path: Path) -> None:
    path = write_html(build_inventory_report(docs["inventory"], "en"), tmp_path / "inv.html")
    page = path.read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    for text in ("Greenhouse gas inventory report", "Category 1", "market-based",
                 "not quantified", "Uncertainty notes"):
        assert text in page, text
    assert "范围一" not in page


def test_selfeval_html(docs: dict[str, Any]) -> None:
    args = (docs["inventory"], docs["assessment"], docs["efficiency"], docs["hourly"])
    zh = render_html(build_selfeval_report(*args, lang="zh"))
    for text in ("零碳工厂自评价报告", "科学算碳", "源头减碳", "过程脱碳", "协同降碳", "智能控碳",
                 "抵销与披露", "差距清单", "js.offset.zero", "需再注销 354 tCO2e 抵销量"):
        assert text in zh, text
    en = render_html(build_selfeval_report(*args, lang="en"))
    assert "Zero-carbon factory self-evaluation report" in en
    assert "retire 354 tCO2e more credits" in en


def test_content_is_escaped(docs: dict[str, Any]) -> None:
    findings = [dict(docs["assessment"]["findings"][0], evidence="<script>alert(1)</script>")]
    assessment = dict(docs["assessment"], findings=findings)
    page = render_html(build_selfeval_report(docs["inventory"], assessment, lang="en"))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_format_cell() -> None:
    assert format_cell(None) == "—"
    assert format_cell(2025) == "2025"
    assert format_cell(1234567.891234) == "1,234,567.8912"
    assert format_cell(0.0) == "0"
    assert format_cell(-0.00001) == "0"
    assert format_cell(True) == "True"
