"""The HTML report in a real browser: headless Chromium draws the inline SVG charts."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from lingtan.reports import build_selfeval_report, write_html
from lingtan.reports.charts import PALETTE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by "
                                "scripts/test.sh (Debian package chromium)")


def _screenshot(page: Path, out: Path, height_px: int) -> Image.Image:
    assert CHROMIUM is not None
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--disable-dev-shm-usage",
                    f"--window-size=1200,{height_px}", f"--screenshot={out}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    return Image.open(out).convert("RGB")


def _pixels_near(image: Image.Image, hex_colour: str, tolerance: int = 12) -> int:
    target = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    distance = np.abs(np.asarray(image, dtype=int) - target).max(axis=2)
    return int((distance <= tolerance).sum())


def test_chromium_draws_the_charts(docs: dict[str, Any], tmp_path: Path) -> None:
    report = build_selfeval_report(docs["inventory"], docs["assessment"], docs["efficiency"],
                                   docs["hourly"], "zh", monthly=docs["monthly"])
    page = write_html(report, tmp_path / "selfeval.html")
    shot = _screenshot(page, tmp_path / "shot.png", 5000)
    # scope 2 bars and the grid series are PALETTE[1]; nothing else on the page has it
    assert _pixels_near(shot, PALETTE[1]) > 2000
    without = replace(report, sections=[replace(s, figures=[]) for s in report.sections])
    bare = _screenshot(write_html(without, tmp_path / "bare.html"), tmp_path / "bare.png",
                       5000)
    assert _pixels_near(bare, PALETTE[1]) == 0   # the colour comes from the charts only
