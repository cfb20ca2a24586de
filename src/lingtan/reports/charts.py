"""Draw :class:`~lingtan.reports.figures.Figure` data with matplotlib: SVG for HTML, PNG for PDF.

matplotlib's object API is used (no pyplot, no global backend). Text is set in
WenQuanYi Zen Hei (Debian ``fonts-wqy-zenhei``, the font the PDF embeds) when installed.
SVG keeps text as text (``svg.fonttype: none``), so the page is searchable and a
browser draws the Chinese labels with its own fonts; the PNG for the PDF needs the font
and raises :class:`~lingtan.reports.pdf.FontMissingError` without it. Output is
deterministic: no date in the SVG, fixed ids.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from lingtan.reports.figures import Figure
from lingtan.reports.pdf import FONT_PATHS, FontMissingError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

#: Series colours (scope 1, scope 2 / PV, grid …), then node colours of the flow diagram.
PALETTE = ("#2e7d32", "#90a4ae", "#f9a825", "#1565c0", "#8d6e63", "#6a1b9a", "#00838f",
           "#c62828", "#558b2f", "#ef6c00")
PNG_DPI = 200
BROWSER_CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
                     "Microsoft YaHei")
SIZE_IN = {"stacked_bar": (7.5, 3.6), "bar": (7.5, 2.8), "heatmap": (7.5, 3.8),
           "sankey": (7.5, 4.2)}


@cache
def _cjk_font() -> tuple[str, str] | None:
    """(family name, weight) of the installed CJK font, registered with matplotlib."""
    from matplotlib import font_manager

    for path in FONT_PATHS:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            entry = next(f for f in font_manager.fontManager.ttflist if f.fname == str(path))
            return entry.name, str(entry.weight)
    return None


@contextmanager
def _style(need_font: bool) -> Iterator[None]:
    import matplotlib

    font = _cjk_font()
    if font is None and need_font:
        raise FontMissingError(
            "no CJK font for the report charts: install the Debian package fonts-wqy-zenhei "
            "(apt-get install fonts-wqy-zenhei)")
    rc: dict[str, Any] = {"svg.fonttype": "none", "svg.hashsalt": "lingtan", "font.size": 8,
                          "axes.spines.top": False, "axes.spines.right": False}
    if font is not None:
        rc |= {"font.weight": font[1]}
    # the SVG names these in order; a browser without WenQuanYi takes the next CJK font
    rc["font.family"] = [*([font[0]] if font else []), *BROWSER_CJK_FONTS, "sans-serif"]
    log = logging.getLogger("matplotlib.font_manager")
    level = log.level
    log.setLevel(logging.ERROR)  # "findfont: … weight": the CJK font has one weight only
    try:
        with matplotlib.rc_context(rc), warnings.catch_warnings():  # type: ignore[arg-type]
            # Without the font, SVG text is still written as text and drawn by the browser;
            # only matplotlib's own layout lacks the glyphs.
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
            yield
    finally:
        log.setLevel(level)


def render_svg(figure: Figure) -> str:
    """The chart as an SVG document (text kept as text)."""
    with _style(need_font=False):
        buf = io.StringIO()
        _draw(figure).savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buf.getvalue()


def render_png(figure: Figure, dpi: int = PNG_DPI) -> bytes:
    """The chart as PNG bytes at ``dpi`` (for the PDF)."""
    with _style(need_font=True):
        buf = io.BytesIO()
        _draw(figure).savefig(buf, format="png", dpi=dpi, bbox_inches="tight",
                              metadata={"Software": None})
    return buf.getvalue()


def _draw(figure: Figure) -> MplFigure:
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=SIZE_IN[figure.kind])
    ax = fig.add_subplot()
    {"stacked_bar": _stacked_bar, "bar": _bar, "heatmap": _heatmap,
     "sankey": _sankey}[figure.kind](fig, ax, figure)
    return fig


def _values(values: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _stacked_bar(fig: MplFigure, ax: Axes, figure: Figure) -> None:
    x = np.arange(len(figure.categories))
    bottom = np.zeros(len(x))
    for k, series in enumerate(figure.series):
        values = np.nan_to_num(_values(series.values))
        ax.bar(x, values, bottom=bottom, width=0.7, label=series.name, color=PALETTE[k])
        bottom += values
    ax.set_xticks(x, figure.categories)
    ax.set_ylabel(figure.unit)
    handles, names = ax.get_legend_handles_labels()
    if figure.share is not None:
        right = ax.twinx()
        right.plot(x, 100.0 * _values(figure.share.values), color=PALETTE[2], marker="o",
                   label=figure.share.name)
        right.set_ylim(0, 100)
        right.set_ylabel("%")
        right.spines["right"].set_visible(True)
        more, more_names = right.get_legend_handles_labels()
        handles, names = handles + more, names + more_names
    ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=3,
              frameon=False)


def _bar(fig: MplFigure, ax: Axes, figure: Figure) -> None:
    values = np.nan_to_num(_values(figure.series[0].values))
    y = np.arange(len(figure.categories))[::-1]
    ax.barh(y, values, color=PALETTE[0], height=0.6)
    total = values.sum()
    for yi, v in zip(y, values, strict=True):
        share = f" ({v / total:.1%})" if total else ""
        ax.text(v, yi, f" {v:,.1f}{share}", va="center", fontsize=8)
    ax.set_yticks(y, figure.categories)
    ax.set_xlabel(figure.unit)
    ax.set_xlim(0, values.max() * 1.3 if len(values) and values.max() > 0 else 1)


def _heatmap(fig: MplFigure, ax: Axes, figure: Figure) -> None:
    grid = 100.0 * np.array([_values(s.values) for s in figure.series])
    image = ax.imshow(np.ma.masked_invalid(grid), cmap="YlGn", vmin=0, vmax=100,
                      aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(figure.categories)), figure.categories, fontsize=7)
    ax.set_yticks(range(len(figure.series)), [s.name for s in figure.series], fontsize=7)
    ax.set_facecolor("#eeeeee")  # cells without load
    fig.colorbar(image, ax=ax, label="%", fraction=0.04, pad=0.02)


def _sankey(fig: MplFigure, ax: Axes, figure: Figure) -> None:
    from lingtan.reports import sankey

    sankey.draw(ax, figure.flows, figure.columns, figure.unit, PALETTE)
