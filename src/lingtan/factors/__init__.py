"""Factor library: emission factors, GWP sets and standard-coal coefficients, as data.

>>> from lingtan.factors import FactorLibrary
>>> lib = FactorLibrary.packaged()
>>> lib.get("grid_average", "electricity", geography="CN-JS", data_year=2023).value
0.5827

See ``docs/factors.md`` for the families, schemes and how to override them.
"""

from lingtan.factors.library import (
    CONFIDENCE_MARKS,
    FACTOR_COLUMNS,
    Factor,
    FactorKey,
    FactorLibrary,
    Family,
    packaged_families,
    read_factor_rows,
)
from lingtan.factors.refrigerants import BlendComponent, blend_gwp, refrigerant_blends

__all__ = [
    "CONFIDENCE_MARKS",
    "FACTOR_COLUMNS",
    "BlendComponent",
    "Factor",
    "FactorKey",
    "FactorLibrary",
    "Family",
    "blend_gwp",
    "packaged_families",
    "read_factor_rows",
    "refrigerant_blends",
]
