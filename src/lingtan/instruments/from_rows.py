"""Build ledger events from ``instruments.csv`` rows (docs/data-package.md).

Each row becomes an :class:`~lingtan.instruments.events.Acquire` dated the first day of
its ``generation_month`` (GEC, green power) or 1 January of its ``vintage`` (credits),
and, when ``retired_on`` is set, a :class:`~lingtan.instruments.events.Retire` of the
whole row claimed for ``claimed_year`` (default: the year of ``retired_on``). Event ids
are ``<instrument_id>/acquire`` and ``<instrument_id>/retire``; the lot id is the
``instrument_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import cast

from lingtan.errors import PackageError, Problem
from lingtan.instruments.errors import LedgerError
from lingtan.instruments.events import KINDS, Acquire, Event, Kind, Retire
from lingtan.instruments.gec import first_day
from lingtan.instruments.serials import SerialRange, serial_range

#: Columns of ``instruments.csv``.
COLUMNS = (
    "instrument_id", "kind", "quantity", "unit", "generation_month", "vintage", "technology",
    "province", "tradable", "serial_start", "serial_end", "registry", "project_id",
    "retired_on", "claimed_year",
)
REQUIRED = ("instrument_id", "kind", "quantity", "unit")
_TRUE = {"true", "1", "yes", "是"}
_FALSE = {"false", "0", "no", "否"}


class _RowError(Exception):
    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _text(row: Mapping[str, object], column: str) -> str | None:
    value = row.get(column)
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return None
    text = str(value).strip()
    return text or None


def _number(row: Mapping[str, object], column: str, cast_to: type = float) -> float | None:
    text = _text(row, column)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        raise _RowError(column, f"{text!r} is not a number") from None
    if cast_to is int and number != int(number):
        raise _RowError(column, f"{text!r} is not a whole year")
    return cast_to(number)


def _tradable(row: Mapping[str, object]) -> bool:
    text = _text(row, "tradable")
    if text is None or text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise _RowError("tradable", f"{text!r} is not true or false")


def _serials(row: Mapping[str, object]) -> SerialRange | None:
    first, last = _text(row, "serial_start"), _text(row, "serial_end")
    if first is None and last is None:
        return None
    try:
        return serial_range(first or cast(str, last), last)
    except LedgerError as exc:
        raise _RowError("serial_start", str(exc)) from None


def _date(row: Mapping[str, object], column: str) -> date | None:
    text = _text(row, column)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _RowError(column, f"{text!r} is not a YYYY-MM-DD date") from None


def row_events(row: Mapping[str, object]) -> list[Event]:
    """The events of one row; raise ``_RowError`` or :class:`LedgerError` if invalid."""
    unknown = sorted(set(row) - set(COLUMNS))
    if unknown:
        raise _RowError(unknown[0], "unknown column")
    for column in REQUIRED:
        if _text(row, column) is None:
            raise _RowError(column, "required")
    lot_id, kind = cast(str, _text(row, "instrument_id")), cast(str, _text(row, "kind"))
    if kind not in KINDS:
        raise _RowError("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    month, vintage = _text(row, "generation_month"), _number(row, "vintage", int)
    if month is not None:
        acquired_on = first_day(month)
    elif vintage is not None:
        acquired_on = date(int(vintage), 1, 1)
    else:
        raise _RowError("generation_month", "generation_month or vintage is required")
    acquire = Acquire(
        event_id=f"{lot_id}/acquire", lot_id=lot_id, on=acquired_on, kind=cast(Kind, kind),
        quantity=cast(float, _number(row, "quantity")), unit=cast(str, _text(row, "unit")),
        serials=_serials(row), generation_month=month,
        vintage=None if vintage is None else int(vintage), tradable=_tradable(row),
        technology=_text(row, "technology"), province=_text(row, "province"),
        registry=_text(row, "registry"), project_id=_text(row, "project_id"),
    )
    retired_on, claimed = _date(row, "retired_on"), _number(row, "claimed_year", int)
    if retired_on is None:
        if claimed is not None:
            raise _RowError("claimed_year", "set, but retired_on is empty")
        return [acquire]
    retire = Retire(event_id=f"{lot_id}/retire", lot_id=lot_id, on=retired_on,
                    quantity=acquire.quantity,
                    claimed_year=int(claimed) if claimed is not None else retired_on.year)
    return [acquire, retire]


def events_from_rows(rows: Iterable[Mapping[str, object]],
                     file: str = "instruments.csv") -> list[Event]:
    """Events of every row of ``instruments.csv``.

    Parameters
    ----------
    rows : iterable of mapping
        One mapping per data row, keyed by column name; values are strings as read from
        CSV (or numbers, booleans, ``None``).
    file : str
        File name used in problem reports.

    Raises
    ------
    lingtan.errors.PackageError
        Listing every invalid row (row 2 is the first data row); nothing is returned.
    """
    events: list[Event] = []
    problems: list[Problem] = []
    for index, row in enumerate(rows, start=2):
        try:
            events.extend(row_events(row))
        except _RowError as exc:
            problems.append(Problem(file, index, exc.field, exc.reason))
        except LedgerError as exc:
            problems.append(Problem(file, index, None, str(exc)))
    if problems:
        raise PackageError(problems)
    return events
