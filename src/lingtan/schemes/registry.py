"""The packaged schemes and user scheme files.

Packaged schemes live in ``lingtan/schemes/data/<id>.yaml``, one file per scheme;
the file stem must equal the scheme's ``id``. A factory can evaluate against its
own scheme file (for example one that configures a threshold the issuer has not
published) with :func:`load_scheme_file`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from lingtan.schemes.model import Scheme, SchemeError, parse_scheme

__all__ = ["list_schemes", "load_scheme", "load_scheme_file", "parse_scheme_text"]

_DATA_PACKAGE = "lingtan.schemes"


def _data_dir() -> resources.abc.Traversable:
    return resources.files(_DATA_PACKAGE) / "data"


def list_schemes() -> list[str]:
    """Ids of the packaged schemes, sorted."""
    return sorted(
        p.name.removesuffix(".yaml") for p in _data_dir().iterdir() if p.name.endswith(".yaml")
    )


def parse_scheme_text(text: str, file: str) -> Scheme:
    """Parse and validate the YAML text of a scheme file named ``file``."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SchemeError(f"{file}: not valid YAML: {exc}") from None
    scheme = parse_scheme(raw, file)
    stem = Path(file).name.removesuffix(".yaml").removesuffix(".yml")
    if stem != scheme.id:
        raise SchemeError(f"{file}: scheme id '{scheme.id}' does not match the file name '{stem}'")
    return scheme


@cache
def load_scheme(scheme_id: str) -> Scheme:
    """The packaged scheme ``scheme_id``.

    Raises
    ------
    SchemeError
        If no packaged scheme has that id (the message lists the known ids).
    """
    known = list_schemes()
    if scheme_id not in known:
        raise SchemeError(f"unknown scheme '{scheme_id}'; known schemes: {', '.join(known)}")
    text = (_data_dir() / f"{scheme_id}.yaml").read_text(encoding="utf-8")
    return parse_scheme_text(text, f"lingtan/schemes/data/{scheme_id}.yaml")


def load_scheme_file(path: str | Path) -> Scheme:
    """A user's scheme file; its name must be ``<id>.yaml``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemeError(f"{path}: cannot read scheme file: {exc.strerror}") from None
    return parse_scheme_text(text, str(path))
