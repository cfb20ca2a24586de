"""Green-instrument ledger: GECs (绿证), green-power trades (绿电), CCER and other credits.

A pure library: append-only events go in, derived balances come out (see
``docs/instruments.md``).
"""

from lingtan.instruments.balances import Balance, Balances
from lingtan.instruments.errors import (
    DoubleClaimError,
    DoubleRetirementError,
    ExpiredCertificateError,
    InsufficientHoldingError,
    LedgerError,
    LotError,
    NotTradableError,
    SerialConflictError,
)
from lingtan.instruments.events import (
    KINDS,
    Acquire,
    Cancel,
    Event,
    Expire,
    Retire,
    SerialRange,
    Transfer,
    serial_range,
)
from lingtan.instruments.from_rows import events_from_rows
from lingtan.instruments.gec import is_valid_on, issue_monthly, valid_until
from lingtan.instruments.green_power import DeliveryProfile
from lingtan.instruments.ledger import Ledger, LedgerState, replay

__all__ = [
    "KINDS",
    "Acquire",
    "Balance",
    "Balances",
    "Cancel",
    "DeliveryProfile",
    "DoubleClaimError",
    "DoubleRetirementError",
    "Event",
    "Expire",
    "ExpiredCertificateError",
    "InsufficientHoldingError",
    "Ledger",
    "LedgerError",
    "LedgerState",
    "LotError",
    "NotTradableError",
    "Retire",
    "SerialConflictError",
    "SerialRange",
    "Transfer",
    "events_from_rows",
    "is_valid_on",
    "issue_monthly",
    "replay",
    "serial_range",
    "valid_until",
]
