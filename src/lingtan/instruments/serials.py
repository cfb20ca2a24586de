"""Certificate serial numbers: a common prefix and an inclusive range of integers.

A GEC carries a unique number and each certificate may be sold and used only once [1]_;
CCER and other credits are serialised the same way by their registries. A serial such as
``GEC2025-000101`` is split into the prefix ``GEC2025-`` and the number ``101``; two
ranges can only overlap when their prefixes are equal.

References
----------
.. [1] 国家能源局《可再生能源绿色电力证书核发和交易规则》(2024-09-05), domain.md §6.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lingtan.instruments.errors import LedgerError

#: Disjoint, non-adjacent, ascending ``(start, end)`` integer intervals, ends inclusive.
Intervals = tuple[tuple[int, int], ...]

_SERIAL = re.compile(r"^(?P<prefix>.*?)(?P<digits>\d+)$")


@dataclass(frozen=True, order=True)
class SerialRange:
    """Serials ``prefix + start`` … ``prefix + end`` (inclusive).

    Parameters
    ----------
    prefix : str
        Text before the number (``"GEC2025-"``); may be empty.
    start, end : int
        First and last number, ``0 ≤ start ≤ end``.
    width : int
        Zero-padded width of the number when written (``6`` for ``000101``); 0 = none.
    """

    prefix: str
    start: int
    end: int
    width: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise LedgerError(f"serial range {self.start}…{self.end} must have 0 ≤ start ≤ end")

    @property
    def count(self) -> int:
        """Number of serials in the range."""
        return self.end - self.start + 1

    def label(self, number: int) -> str:
        """The serial string for ``number`` (``label(101) == "GEC2025-000101"``)."""
        return f"{self.prefix}{number:0{self.width}d}"

    def overlaps(self, other: SerialRange) -> bool:
        """Whether the two ranges share a serial."""
        return (self.prefix == other.prefix and self.start <= other.end
                and other.start <= self.end)

    def contains(self, other: SerialRange) -> bool:
        """Whether every serial of ``other`` is in this range."""
        return (self.prefix == other.prefix and self.start <= other.start
                and other.end <= self.end)

    def intervals(self) -> Intervals:
        """The range as :data:`Intervals`."""
        return ((self.start, self.end),)

    def __str__(self) -> str:
        if self.start == self.end:
            return self.label(self.start)
        return f"{self.label(self.start)}…{self.label(self.end)}"


def serial_range(first: str, last: str | None = None) -> SerialRange:
    """Parse the first and last serial of a range (``last=None``: a single serial).

    Examples
    --------
    >>> r = serial_range("GEC2025-000101", "GEC2025-000200")
    >>> (r.prefix, r.start, r.end, r.count)
    ('GEC2025-', 101, 200, 100)
    """
    last = first if last is None else last
    head = _SERIAL.match(first.strip())
    tail = _SERIAL.match(last.strip())
    if head is None or tail is None:
        raise LedgerError(f"serials {first!r}…{last!r} must end in a number")
    if head.group("prefix") != tail.group("prefix"):
        raise LedgerError(f"serials {first!r} and {last!r} do not share a prefix")
    digits, last_digits = head.group("digits"), tail.group("digits")
    width = len(digits) if len(digits) == len(last_digits) else 0
    return SerialRange(head.group("prefix"), int(digits), int(last_digits), width)


def first_overlap(a: Intervals, start: int, end: int) -> int | None:
    """The lowest number in both ``a`` and ``start…end``, or ``None``."""
    for lo, hi in a:
        if lo <= end and start <= hi:
            return max(lo, start)
    return None


def remove(free: Intervals, start: int, end: int) -> Intervals | None:
    """``free`` without ``start…end``, or ``None`` if any of those numbers is not free."""
    for i, (lo, hi) in enumerate(free):
        if lo <= start and end <= hi:
            pieces = tuple(p for p in ((lo, start - 1), (end + 1, hi)) if p[0] <= p[1])
            return free[:i] + pieces + free[i + 1:]
    return None


def take_lowest(free: Intervals, n: int) -> tuple[Intervals, Intervals]:
    """Split the ``n`` lowest numbers off ``free``: ``(taken, rest)``; needs ``n ≤ len``."""
    taken: list[tuple[int, int]] = []
    rest = list(free)
    while n > 0:
        lo, hi = rest[0]
        k = min(n, hi - lo + 1)
        taken.append((lo, lo + k - 1))
        if k == hi - lo + 1:
            rest.pop(0)
        else:
            rest[0] = (lo + k, hi)
        n -= k
    return tuple(taken), tuple(rest)


def size(intervals: Intervals) -> int:
    """Number of integers in ``intervals``."""
    return sum(hi - lo + 1 for lo, hi in intervals)
