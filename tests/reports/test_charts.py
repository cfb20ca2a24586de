"""Charts drawn: SVG keeps its text and is deterministic, PNG has ink, HTML/PDF/XLSX carry them."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PIL import Image

from lingtan.reports import build_selfeval_report, render_html, write_xlsx
from lingtan.reports import charts as charts_module
from lingtan.reports.figures import energy_flow, matching_heatmap, monthly_emissions
from lingtan.reports.model import Text
from lingtan.reports.pdf import FontMissingError, write_pdf

ZH = Text("zh")


@pytest.fixture
def selfeval(docs: dict[str, Any]) -> Any:
    return build_selfeval_report(docs["inventory"], docs["assessment"], docs["efficiency"],
                                 docs["hourly"], "zh", monthly=docs["monthly"],
                                 holdings=docs["holdings"])


def test_svg_keeps_text_and_is_deterministic(docs: dict[str, Any]) -> None:
    figure = energy_flow(ZH, docs["inventory"], docs["efficiency"])
    assert figure is not None
    svg = charts_module.render_svg(figure)
    assert svg.startswith("<?xml") and "<svg" in svg
    assert "电网购电" in svg and "厂内自发电" in svg       # labels stay searchable text
    assert "49.2 tce" in svg                               # 400 MWh × 0.1229 tce/MWh
    assert charts_module.render_svg(figure) == svg


def test_png_has_ink_where_the_bars_are(docs: dict[str, Any]) -> None:
    png = charts_module.render_png(monthly_emissions(ZH, docs["monthly"]), dpi=60)
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.format is None or image.size[0] > 300
    dark = image.point(lambda v: 255 if v < 200 else 0).histogram()[255]
    assert dark > 1000


def test_heatmap_draws_missing_cells_apart(docs: dict[str, Any]) -> None:
    figure = matching_heatmap(ZH, docs["hourly"])
    assert figure is not None
    svg = charts_module.render_svg(figure)
    assert "2025-12" in svg and "23" in svg


def test_png_without_the_font_names_the_package(docs: dict[str, Any], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts_module, "FONT_PATHS", (tmp_path / "none.ttc",))
    charts_module._cjk_font.cache_clear()
    try:
        figure = monthly_emissions(ZH, docs["monthly"])
        with pytest.raises(FontMissingError, match="fonts-wqy-zenhei"):
            charts_module.render_png(figure)
        assert "范围一" in charts_module.render_svg(figure)   # HTML still gets its chart
    finally:
        charts_module._cjk_font.cache_clear()


def test_html_has_each_chart_with_its_data(selfeval: Any) -> None:
    page = render_html(selfeval)
    ids = re.findall(r'<figure id="([^"]+)" class="chart">', page)
    assert ids == ["fig.monthly_emissions", "fig.energy_mix", "fig.energy_flow",
                   "fig.pv_share", "fig.matching_heatmap"]
    assert page.count("<svg") == 5 and "<?xml" not in page
    assert page.count("<details>") == 5 and "图表数据" in page


def test_xlsx_has_each_chart_as_a_sheet(selfeval: Any, docs: dict[str, Any],
                                        tmp_path: Path) -> None:
    path = write_xlsx(selfeval, tmp_path / "se.xlsx")
    wb = load_workbook(path, read_only=True)
    title = next(name for name in wb.sheetnames if name.startswith("月度排放"))
    rows = list(wb[title].iter_rows(values_only=True))
    assert rows[1][0] == "类别"
    january = docs["monthly"]["months"][0]["views"]["location"]
    assert rows[2][0] == "01"
    # openpyxl writes 16 significant digits (the other XLSX tests use the same tolerance)
    assert rows[2][1:3] == pytest.approx((january["scope1_tco2e"], january["scope2_tco2e"]),
                                         rel=1e-14)
    wb.close()
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        first = z.read(charts[0]).decode()
    assert len(charts) == 3              # monthly emissions, energy mix, PV share
    assert f"'{title}'!B2" in first and f"'{title}'!$B$3:$B$14" in first   # scope 1 …
    assert f"'{title}'!$A$3:$A$14" in first                                # … by month
    assert '<grouping val="stacked" />' in first
    heatmap = load_workbook(path)[next(n for n in wb.sheetnames if n.startswith("逐时"))]
    assert "B3:Y14" in {str(r.sqref) for r in heatmap.conditional_formatting}


@pytest.mark.skipif(shutil.which("pdfimages") is None,
                    reason="poppler-utils is installed by scripts/test.sh")
def test_pdf_embeds_the_five_charts(selfeval: Any, tmp_path: Path) -> None:
    path = write_pdf(selfeval, tmp_path / "se.pdf")
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                             check=True).stdout
    images = [ln.split() for ln in listing.splitlines()[2:] if ln.split()[2] == "image"]
    assert len(images) == 5
    assert all(int(img[3]) >= 1000 for img in images)      # ≥ 1000 px wide: ~200 dpi
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "能源流向" in text and "逐时绿电匹配率" in text
    sizes = subprocess.run(["pdfinfo", "-l", "99", str(path)], capture_output=True, text=True,
                           check=True).stdout
    assert "841.89 x 595.276" in sizes                      # the wide lines table: landscape
