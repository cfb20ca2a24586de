"""Layout of a layered energy-flow (Sankey) diagram, and its drawing with matplotlib.

Nodes stand in columns, left to right; a node is as tall as the larger of what flows in
and what flows out; bands leave a node's right side and enter the target's left side in
node order, so bands never cross inside a node. :func:`layout` is pure geometry (tested
for conservation); :func:`draw` turns it into matplotlib patches.

matplotlib's own ``matplotlib.sankey`` draws one node with arrows and overlaps its labels
beyond a handful of flows, hence this small layered layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from lingtan.reports.figures import Flow

#: Vertical gap between nodes of a column, as a share of the tallest column's flow.
GAP_SHARE = 0.04
NODE_WIDTH = 0.04


@dataclass(frozen=True)
class Node:
    name: str
    column: int
    y0: float  # bottom
    height: float
    value_in: float
    value_out: float


@dataclass(frozen=True)
class Band:
    flow: Flow
    x0: float
    y0: float  # bottom of the band at the source
    x1: float
    y1: float  # bottom of the band at the target
    height: float


def layout(flows: Sequence[Flow],
           columns: Sequence[Sequence[str]]) -> tuple[list[Node], list[Band]]:
    """Nodes and bands on a unit-width canvas, heights in the flows' unit.

    Raises
    ------
    ValueError
        If a flow names a node that is in no column, or goes right to left.
    """
    where = {name: i for i, names in enumerate(columns) for name in names}
    for f in flows:
        if f.source not in where or f.target not in where or where[f.source] >= where[f.target]:
            raise ValueError(f"flow {f.source!r} → {f.target!r} does not go left to right "
                             "between the figure's columns")
    value_in = {n: sum(f.value for f in flows if f.target == n) for n in where}
    value_out = {n: sum(f.value for f in flows if f.source == n) for n in where}
    size = {n: max(value_in[n], value_out[n]) for n in where}
    tallest = max(sum(size[n] for n in names) for names in columns)
    gap = GAP_SHARE * tallest
    nodes: dict[str, Node] = {}
    span = max(len(columns) - 1, 1)
    for i, names in enumerate(columns):
        height = sum(size[n] for n in names) + gap * (len(names) - 1)
        y = (tallest + gap * (max(len(c) for c in columns) - 1) + height) / 2  # centred, top
        for name in names:
            y -= size[name]
            nodes[name] = Node(name, i, y, size[name], value_in[name], value_out[name])
            y -= gap
    return list(nodes.values()), _bands(flows, nodes, span)


def _bands(flows: Sequence[Flow], nodes: dict[str, Node], span: int) -> list[Band]:
    """Stack each node's outgoing bands top-down in target order, incoming in source order."""
    order = {name: k for k, name in enumerate(nodes)}
    top = {n: node.y0 + node.height for n, node in nodes.items()}
    out_top, in_top = dict(top), dict(top)
    y_out: dict[int, float] = {}
    y_in: dict[int, float] = {}
    indexed = list(enumerate(flows))
    for i, f in sorted(indexed, key=lambda p: (order[p[1].source], order[p[1].target])):
        out_top[f.source] -= f.value
        y_out[i] = out_top[f.source]
    for i, f in sorted(indexed, key=lambda p: (order[p[1].target], order[p[1].source])):
        in_top[f.target] -= f.value
        y_in[i] = in_top[f.target]
    return [Band(f, nodes[f.source].column / span + NODE_WIDTH / 2, y_out[i],
                 nodes[f.target].column / span - NODE_WIDTH / 2, y_in[i], f.value)
            for i, f in indexed]


def draw(ax: Axes, flows: Sequence[Flow], columns: Sequence[Sequence[str]], unit: str,
         colors: Sequence[str]) -> None:
    """Draw the diagram on ``ax``: nodes as bars, bands as cubic Bézier ribbons, labels with
    values (``unit``) beside the outer columns and above inner nodes."""
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path

    nodes, bands = layout(flows, columns)
    span = max(len(columns) - 1, 1)
    colour = {n.name: colors[k % len(colors)] for k, n in enumerate(nodes)}
    by_name = {n.name: n for n in nodes}
    for b in bands:
        mid = (b.x0 + b.x1) / 2
        verts = [(b.x0, b.y0 + b.height), (mid, b.y0 + b.height), (mid, b.y1 + b.height),
                 (b.x1, b.y1 + b.height), (b.x1, b.y1), (mid, b.y1), (mid, b.y0), (b.x0, b.y0),
                 (b.x0, b.y0 + b.height)]
        codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.LINETO, Path.CURVE4,
                 Path.CURVE4, Path.CURVE4, Path.CLOSEPOLY]
        tint = b.flow.source if by_name[b.flow.source].column == 0 else b.flow.target
        ax.add_patch(PathPatch(Path(verts, codes), facecolor=colour[tint], alpha=0.45,
                               edgecolor="none"))
    last = len(columns) - 1
    for n in nodes:
        x = n.column / span
        ax.add_patch(Rectangle((x - NODE_WIDTH / 2, n.y0), NODE_WIDTH, n.height,
                               facecolor=colour[n.name], edgecolor="none"))
        text = f"{n.name}  {max(n.value_in, n.value_out):,.1f} {unit}"
        if n.column == 0:
            ax.text(x - NODE_WIDTH, n.y0 + n.height / 2, text, ha="right", va="center", fontsize=8)
        elif n.column == last:
            ax.text(x + NODE_WIDTH, n.y0 + n.height / 2, text, ha="left", va="center", fontsize=8)
        else:
            ax.text(x, n.y0 + n.height, text, ha="center", va="bottom", fontsize=8)
    top = max(n.y0 + n.height for n in nodes)
    ax.set_xlim(-0.45, 1.45)
    ax.set_ylim(min(n.y0 for n in nodes) - 0.02 * top, top * 1.06)
    ax.axis("off")
