"""Green-power trades (绿电交易): delivery profiles and consumption vouchers.

A green-power trade delivers renewable electricity under a contract; the GECs for it are
issued before the trade and transferred to the buyer on settlement, and the buyer receives
a green-electricity consumption voucher (绿色电力消费凭证) [1]_. The ledger records a
trade as an ``Acquire`` of kind ``green_power`` whose quantity [MWh] is the settled
delivery; the profile keeps the hourly or monthly shape needed for time-matched claims.

References
----------
.. [1] 国家能源局《可再生能源绿色电力证书核发和交易规则》(2024-09-05) and the
   tanpaifang Q&A (2025) on GEC transfer in green-power trading, domain.md §6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from lingtan.instruments.errors import LedgerError
from lingtan.instruments.gec import parse_month

Resolution = Literal["hourly", "monthly"]


def _period_key(resolution: Resolution, period: str) -> str:
    if resolution == "monthly":
        year, month = parse_month(period)
        return f"{year:04d}-{month:02d}"
    try:
        start = datetime.fromisoformat(period)
    except ValueError:
        raise LedgerError(f"hourly period {period!r} is not an ISO date-time") from None
    if (start.minute, start.second, start.microsecond) != (0, 0, 0) or start.tzinfo:
        raise LedgerError(f"hourly period {period!r} must start on the hour, local time")
    return start.strftime("%Y-%m-%dT%H:00")


@dataclass(frozen=True)
class DeliveryProfile:
    """Delivered green power per hour or per month.

    Parameters
    ----------
    resolution : {"hourly", "monthly"}
        ``hourly`` periods are ISO hour starts in site time (``2025-03-01T13:00``);
        ``monthly`` periods are ``YYYY-MM``.
    quantities_mwh : tuple[tuple[str, float], ...]
        ``(period, energy_mwh)`` pairs, each energy ≥ 0 and each period once.
    """

    resolution: Resolution
    quantities_mwh: tuple[tuple[str, float], ...]

    def __post_init__(self) -> None:
        if self.resolution not in ("hourly", "monthly"):
            raise LedgerError(f"resolution must be hourly or monthly, not {self.resolution!r}")
        keys = [_period_key(self.resolution, p) for p, _ in self.quantities_mwh]
        if len(set(keys)) != len(keys):
            raise LedgerError("a delivery profile lists a period twice")
        for period, energy_mwh in self.quantities_mwh:
            if not math.isfinite(energy_mwh) or energy_mwh < 0:
                raise LedgerError(f"delivery in {period} must be ≥ 0 MWh, got {energy_mwh}")
        ordered = tuple(sorted(zip(keys, (q for _, q in self.quantities_mwh), strict=True)))
        object.__setattr__(self, "quantities_mwh", ordered)

    @property
    def total_mwh(self) -> float:
        """Total delivered energy [MWh]."""
        return math.fsum(q for _, q in self.quantities_mwh)

    def monthly_mwh(self) -> dict[str, float]:
        """Delivered energy per ``YYYY-MM`` month [MWh]."""
        totals: dict[str, list[float]] = {}
        for period, energy_mwh in self.quantities_mwh:
            totals.setdefault(period[:7], []).append(energy_mwh)
        return {month: math.fsum(values) for month, values in totals.items()}
