"""Green electricity certificates (绿证, GEC): issuance and validity.

One GEC stands for 1 MWh (1 000 kWh) of renewable electricity [1]_ [2]_. Certificates are
issued monthly; a remainder below 1 MWh is carried forward to the next month [2]_. A GEC is
valid for two years counted from the natural month of generation, that month included;
for electricity generated before 2024-01-01 the validity runs to 2025-12-31 [2]_.

References
----------
.. [1] 国家发展改革委 财政部 国家能源局《关于做好可再生能源绿色电力证书全覆盖工作
   促进可再生能源电力消费的通知》发改能源〔2023〕1044号 (2023-08-03), domain.md §6.
.. [2] 国家能源局《可再生能源绿色电力证书核发和交易规则》(2024-09-05), domain.md §6.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date

from lingtan.instruments.errors import LedgerError

#: Energy of one certificate, kWh [1]_.
KWH_PER_CERTIFICATE = 1000.0
#: Validity in months, the generation month counting as the first [2]_.
VALIDITY_MONTHS = 24
#: Generation before this month is valid to :data:`LEGACY_VALID_UNTIL` [2]_.
LEGACY_BEFORE = (2024, 1)
#: Validity end of certificates for electricity generated before 2024-01-01 [2]_.
LEGACY_VALID_UNTIL = date(2025, 12, 31)

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_EPS_KWH = 1e-6


def parse_month(month: str) -> tuple[int, int]:
    """Parse a ``YYYY-MM`` month into ``(year, month)``; raise :class:`LedgerError` if bad."""
    match = _MONTH.match(month.strip()) if isinstance(month, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise LedgerError(f"month {month!r} is not of the form YYYY-MM")
    return int(match.group(1)), int(match.group(2))


def add_months(month: str, n: int) -> str:
    """The ``YYYY-MM`` month ``n`` months after ``month``."""
    year, mon = parse_month(month)
    index = year * 12 + (mon - 1) + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def first_day(month: str) -> date:
    """First day of a ``YYYY-MM`` month."""
    year, mon = parse_month(month)
    return date(year, mon, 1)


def last_day(month: str) -> date:
    """Last day of a ``YYYY-MM`` month."""
    year, mon = parse_month(month)
    return date(year, mon, calendar.monthrange(year, mon)[1])


def issue_monthly(generation_kwh_by_month: dict[str, float]) -> list[tuple[str, int, float]]:
    """Whole certificates issued each month, the remainder under 1 MWh carried forward [2]_.

    Parameters
    ----------
    generation_kwh_by_month : dict[str, float]
        Eligible generation per ``YYYY-MM`` month [kWh], ≥ 0. Months may be given in any
        order and may have gaps; a missing month issues nothing and keeps the carry.

    Returns
    -------
    list[tuple[str, int, float]]
        ``(month, certificates, carried_kwh)`` in month order, where ``certificates`` is
        ``floor((carry_in + generation) / 1000)`` and ``carried_kwh`` the remainder passed
        to the next month [kWh].

    Examples
    --------
    >>> issue_monthly({"2025-01": 1400, "2025-02": 800, "2025-03": 2900})
    [('2025-01', 1, 400.0), ('2025-02', 1, 200.0), ('2025-03', 3, 100.0)]
    """
    carried_kwh = 0.0
    issued: list[tuple[str, int, float]] = []
    for month in sorted(generation_kwh_by_month, key=parse_month):
        energy_kwh = float(generation_kwh_by_month[month])
        if not math.isfinite(energy_kwh) or energy_kwh < 0:
            raise LedgerError(f"generation in {month} must be a number ≥ 0 kWh, got {energy_kwh}")
        available_kwh = carried_kwh + energy_kwh
        certificates = math.floor(available_kwh / KWH_PER_CERTIFICATE + _EPS_KWH / 1000)
        carried_kwh = max(0.0, available_kwh - certificates * KWH_PER_CERTIFICATE)
        if carried_kwh < _EPS_KWH:
            carried_kwh = 0.0
        issued.append((month, certificates, round(carried_kwh, 6)))
    return issued


def valid_until(generation_month: str) -> date:
    """Last day on which a GEC for ``generation_month`` may be used [2]_.

    The last day of the 24th month counting the generation month as month 1; for
    generation before 2024-01, 2025-12-31.

    Examples
    --------
    >>> valid_until("2024-03")
    datetime.date(2026, 2, 28)
    >>> valid_until("2023-06")
    datetime.date(2025, 12, 31)
    """
    if parse_month(generation_month) < LEGACY_BEFORE:
        return LEGACY_VALID_UNTIL
    return last_day(add_months(generation_month, VALIDITY_MONTHS - 1))


def is_valid_on(generation_month: str, on: date) -> bool:
    """Whether a GEC for ``generation_month`` is still valid on day ``on`` (inclusive) [2]_.

    Days before the generation month count as valid: validity is about expiry only.
    """
    return on <= valid_until(generation_month)
