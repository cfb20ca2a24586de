"""Session fixtures: the demo package and its weather year are built once (about 1 s each)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lingtan.demo import build_demo_package, weather


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_package(tmp_path_factory.mktemp("demo") / "pkg")


@pytest.fixture(scope="session")
def weather_2025() -> pd.DataFrame:
    return weather.typical_year(2025)
