"""Silence known, harmless warnings raised inside third-party code.

pvlib 0.16 calls pandas APIs that pandas 3.1 deprecates (``Pandas4Warning``,
a `DeprecationWarning`), and its trigonometry divides by zero at night
(`RuntimeWarning`). Both are filtered only while a pvlib call runs, so the
caller's warning filters are restored afterwards.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import numpy as np


@contextlib.contextmanager
def pvlib_warnings_silenced() -> Iterator[None]:
    """Context manager: ignore pandas deprecations and numpy float warnings."""
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
