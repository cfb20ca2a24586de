"""Edit a copied data package in a test: replace text in a file, or append lines."""

from __future__ import annotations

from pathlib import Path


def edit(pkg: Path, rel: str, old: str, new: str) -> None:
    """Replace the first ``old`` in ``pkg/rel`` by ``new`` (``old`` must be there)."""
    path = pkg / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(pkg: Path, rel: str, *lines: str) -> None:
    """Append ``lines`` to ``pkg/rel``, each ending in a newline."""
    with (pkg / rel).open("a", encoding="utf-8") as fh:
        fh.write("".join(f"{ln}\n" for ln in lines))
