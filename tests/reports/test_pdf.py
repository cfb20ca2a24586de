"""PDF reports: pages, the expected Chinese text (pdftotext), a page that is not blank
(pdftoppm), and a clear error when the CJK font is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

import lingtan
from lingtan.reports import pdf as pdf_module
from lingtan.reports.run import build_report, write_report

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is installed by scripts/test.sh")


@pytest.fixture
def report(tmp_path: Path) -> object:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(MINIMAL)
        return build_report(ws.con, 2025, "inventory", "zh")


def test_pdf_has_pages_chinese_text_and_ink(tmp_path: Path, report: object) -> None:
    path = write_report(report, "pdf", tmp_path / "inv.pdf")  # type: ignore[arg-type]
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "温室气体" in text and "范围" in text and "110.4054" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = page.point(lambda v: 255 if v < 128 else 0).histogram()[255]
    assert dark > 500                       # text was drawn: the page is not blank


def test_missing_font_names_the_package(tmp_path: Path, report: object,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "FONT_PATHS", (tmp_path / "none.ttc",))
    monkeypatch.setattr(pdf_module, "FONT_NAME", "NoSuchFontRegistered")
    with pytest.raises(pdf_module.FontMissingError, match="fonts-wqy-zenhei"):
        write_report(report, "pdf", tmp_path / "x.pdf")  # type: ignore[arg-type]
