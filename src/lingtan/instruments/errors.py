"""Errors of the instrument ledger.

The tree::

    InputError (lingtan.errors; also ValueError)
    └── LedgerError                      an instrument event or ledger is invalid
        ├── LotError                     unknown lot, lot acquired twice, duplicate event id
        ├── InsufficientHoldingError     transferring or retiring more than is held
        ├── SerialConflictError          overlapping serial ranges, a serial not in its lot
        │   ├── DoubleRetirementError    a serial retired twice
        │   └── DoubleClaimError         the same serials claimed for two reporting years
        ├── ExpiredCertificateError      retiring or transferring a GEC after its validity
        └── NotTradableError             transferring a non-tradable GEC to another party
"""

from __future__ import annotations

from lingtan.errors import InputError


class LedgerError(InputError):
    """An instrument event, or the sequence of events, is invalid.

    Attributes
    ----------
    lot_id : str or None
        The lot whose event broke the rule (set by the replay).
    other_lot_id : str or None
        The other lot of a rule between two lots (overlapping serial ranges), else ``None``.
    """

    def __init__(self, message: str, *, lot_id: str | None = None,
                 other_lot_id: str | None = None) -> None:
        super().__init__(message)
        self.lot_id = lot_id
        self.other_lot_id = other_lot_id


class LotError(LedgerError):
    """An event names a lot that does not exist yet, or a lot or event id is reused."""


class InsufficientHoldingError(LedgerError):
    """More is transferred, retired, expired or cancelled than the lot holds."""


class SerialConflictError(LedgerError):
    """Serial ranges overlap across lots, or a serial is not (any longer) held in its lot."""


class DoubleRetirementError(SerialConflictError):
    """A serial is retired a second time."""


class DoubleClaimError(SerialConflictError):
    """The same serials are claimed for two different reporting years."""


class ExpiredCertificateError(LedgerError):
    """A GEC is retired or transferred after the last day of its validity."""


class NotTradableError(LedgerError):
    """A non-tradable certificate (e.g. for self-consumed generation) leaves its holder."""
