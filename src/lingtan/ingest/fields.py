"""Parsers for single fields of a data package; each raises ``ValueError`` with a reason."""

from __future__ import annotations

import datetime as dt
import math
import re

_DATE_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def text(value: object) -> str:
    """A non-empty, stripped string."""
    s = "" if value is None else str(value).strip()
    if not s:
        raise ValueError("missing value")
    return s


def optional_text(value: object) -> str | None:
    s = "" if value is None else str(value).strip()
    return s or None


#: A plain number (ASCII digits, optional sign, decimals and exponent: ``-12.5``, ``1e5``).
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
#: Thousands grouping, the only comma accepted: ``1,500``, ``12,345.6`` (never ``1,5``).
#: A number with thousands grouping: ``1,500``, ``-12,345.6`` (never a decimal comma);
#: the readings' SQL uses the same pattern.
GROUPED_NUMBER = r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?"
_GROUPED_NUMBER = re.compile(GROUPED_NUMBER, re.ASCII)
_INTEGER = re.compile(r"[+-]?[0-9]+(\.0+)?", re.ASCII)


def _number_text(value: object) -> str:
    """The text of a number as written, without thousands separators; refuses the rest."""
    if isinstance(value, bool):
        raise ValueError(f"a boolean is not a number: {value!r}")
    s = text(value)
    if _GROUPED_NUMBER.fullmatch(s):
        return s.replace(",", "")
    if _PLAIN_NUMBER.fullmatch(s):
        return s
    if s.lower() in {"true", "false"}:
        raise ValueError(f"a boolean is not a number: {s!r}")
    if "_" in s:
        raise ValueError(f"digit separators (_) are not accepted: {s!r}")
    if "," in s:
        raise ValueError(f"ambiguous number {s!r}: a comma is accepted only as a thousands"
                         " separator (1,500 or 12,345.6); write decimals with a point")
    if s.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
        raise ValueError(f"not a finite number: {s!r}")
    raise ValueError(f"not a number: {s!r}")


#: Magnitude from which a 64-bit float no longer holds every integer (2^53).
MAX_EXACT = 2.0**53


def number(value: object, *, minimum: float | None = 0.0, positive: bool = False) -> float:
    """A finite float, ≥ ``minimum`` (default 0) and > 0 if ``positive``.

    Accepted: ASCII digits with an optional sign, decimal point and exponent, and
    thousands grouped by commas (``1,500``, ``12,345.6``). Refused: any other comma
    (``1,5``, ``1,50``, ``1.500,5``: a decimal comma or a typo, never guessed), ``_``,
    booleans, ``nan``/``inf``, and magnitudes of 2^53 or more (where a stored 64-bit
    float stops being exact; IEEE 754 binary64). ``-0`` is 0.
    """
    s = _number_text(value)
    x = float(s) + 0.0
    if not math.isfinite(x):
        raise ValueError(f"not a finite number: {_short(s)!r}")
    if abs(x) >= MAX_EXACT:
        raise ValueError(f"{_short(s)} is beyond ±2^53 ({MAX_EXACT:.0f}), where a stored"
                         " number (64-bit float) stops being exact")
    if minimum is not None and x < minimum:
        raise ValueError(f"must be ≥ {minimum:g}, got {x:g}")
    if positive and x <= 0:
        raise ValueError(f"must be > 0, got {x:g}")
    return x


def integer(value: object, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number (``2025``, ``2025.0``); booleans, ``_`` and grouping are refused."""
    s = "" if isinstance(value, bool) else text(value)
    if not _INTEGER.fullmatch(s):
        raise ValueError(f"not an integer: {text(value)!r}")
    whole = s.split(".")[0].strip().lstrip("+-").lstrip("0")
    if len(whole) > 18:  # no field of the format needs more; int() would refuse 4,300+
        raise ValueError(f"not a whole number lingtan stores: {_short(whole)}")
    x = int(s.split(".")[0])
    if minimum is not None and x < minimum:
        raise ValueError(f"must be ≥ {minimum}, got {x}")
    if maximum is not None and x > maximum:
        raise ValueError(f"must be ≤ {maximum}, got {_short(str(x))}")
    return x


def _short(digits: str) -> str:
    """A long number shown by its first digits and length (never 5,000 digits echoed)."""
    return digits if len(digits) <= 24 else f"{digits[:12]}… ({len(digits)} digits)"


def date(value: object) -> dt.date:
    """``YYYY-MM-DD`` or ``YYYY/M/D`` (a datetime at midnight is accepted too)."""
    s = text(value)
    s = re.sub(r"[ T]00:00(:00)?$", "", s)
    m = _DATE_RE.match(s)
    if not m:
        raise ValueError(f"not a date (YYYY-MM-DD): {s!r}")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError(f"impossible date {s!r}: {exc}") from None


def month(value: object) -> str:
    """``YYYY-MM`` normalised with a two-digit month."""
    s = text(value)
    m = _MONTH_RE.match(s)
    if not m or not 1 <= int(m[2]) <= 12:
        raise ValueError(f"not a month (YYYY-MM): {s!r}")
    return f"{int(m[1]):04d}-{int(m[2]):02d}"


def boolean(value: object) -> bool:
    s = text(value).lower()
    if s in {"true", "yes", "1", "y", "是"}:
        return True
    if s in {"false", "no", "0", "n", "否"}:
        return False
    raise ValueError(f"not a boolean (true/false): {s!r}")


def choice(value: object, allowed: tuple[str, ...]) -> str:
    s = text(value)
    if s not in allowed:
        raise ValueError(f"{s!r} is not one of {', '.join(allowed)}")
    return s
