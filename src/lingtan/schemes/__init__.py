"""Zero-carbon factory evaluation schemes as versioned data files.

Load a packaged scheme with :func:`load_scheme` (ids from :func:`list_schemes`)
or a user's file with :func:`load_scheme_file`, then :func:`evaluate` an
:class:`AssessmentInputs` against it. See ``docs/schemes.md``.
"""

from lingtan.schemes.evaluate import (
    Assessment,
    AssessmentInputs,
    Declaration,
    Finding,
    Gap,
    Status,
    Verdict,
    declarations_from_mapping,
    evaluate,
    evaluate_rule,
)
from lingtan.schemes.model import Scheme, SchemeError
from lingtan.schemes.registry import list_schemes, load_scheme, load_scheme_file

__all__ = [
    "Assessment",
    "AssessmentInputs",
    "Declaration",
    "Finding",
    "Gap",
    "Scheme",
    "SchemeError",
    "Status",
    "Verdict",
    "declarations_from_mapping",
    "evaluate",
    "evaluate_rule",
    "list_schemes",
    "load_scheme",
    "load_scheme_file",
]
