"""lingtan (零碳): the energy-and-carbon management centre for zero-carbon factories.

>>> import lingtan
>>> ws = lingtan.open("lingtan.duckdb")      # doctest: +SKIP
>>> ws.inventory(year=2025).views["location"].total_tco2e   # doctest: +SKIP
"""

from lingtan.api import Workspace, open

__version__ = "0.1.0"
__all__ = ["Workspace", "__version__", "open"]
