"""Energy-efficiency grade and limit tables, as sourced data (domain.md §5).

=============================== ===================================================
:func:`pue_grade`               data-centre PUE grade, GB 40879-2021
:func:`motor_grade`             motor grade from IE class, GB 18613-2020
:func:`transformer_grade`       transformer grade from losses, GB 20052-2024
                                (loss table supplied by the user)
:func:`pv_norm_check`           光伏制造行业规范条件（2024年本） energy norms
:func:`energy_limit_status`     any 能耗限额 standard, rows supplied by the user
=============================== ===================================================

Every packaged row carries ``source`` and ``confidence`` (V/R/U). See
``docs/efficiency-grades.md``.
"""

from lingtan.efficiency.grades._table import (
    CONFIDENCE_MARKS,
    GradeResult,
    GradeTableError,
    UnknownGradeKeyError,
)
from lingtan.efficiency.grades.energy_limits import (
    LEVELS,
    LIMIT_COLUMNS,
    EnergyLimit,
    EnergyLimitStatus,
    EnergyLimitTable,
    energy_limit_status,
    load_energy_limits,
)
from lingtan.efficiency.grades.motor import IE_CLASSES, motor_grade, packaged_motor_grades
from lingtan.efficiency.grades.pue import packaged_pue_grades, pue_grade
from lingtan.efficiency.grades.pv import PvNormCheck, packaged_pv_norms, pv_norm_check
from lingtan.efficiency.grades.transformer import (
    LOSS_COLUMNS,
    packaged_transformer_scopes,
    read_transformer_losses,
    transformer_grade,
)

__all__ = [
    "CONFIDENCE_MARKS",
    "IE_CLASSES",
    "LEVELS",
    "LIMIT_COLUMNS",
    "LOSS_COLUMNS",
    "EnergyLimit",
    "EnergyLimitStatus",
    "EnergyLimitTable",
    "GradeResult",
    "GradeTableError",
    "PvNormCheck",
    "UnknownGradeKeyError",
    "energy_limit_status",
    "load_energy_limits",
    "motor_grade",
    "packaged_motor_grades",
    "packaged_pue_grades",
    "packaged_pv_norms",
    "packaged_transformer_scopes",
    "pue_grade",
    "pv_norm_check",
    "read_transformer_losses",
    "transformer_grade",
]
