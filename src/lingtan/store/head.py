"""The audit chain's head, and ``verify --expect-head``: a truncated chain is caught.

A hash chain proves that no record was edited or removed *inside* it; removing whole
records from its end (a last import and everything after it) leaves a shorter chain
that is still intact. Only a head kept outside the store catches that: a verifier notes
the head ``verify`` shows, and later passes it as ``--expect-head``. The check passes
when a record of the chain still carries that hash (the chain may have grown since), and
fails when none does: records were removed from the end, or the chain was rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from lingtan.errors import InputError
from lingtan.store.audit import SHA256_HEX


@dataclass(frozen=True)
class HeadCheck:
    """The chain head found and, when one was expected, where it is in the chain.

    Attributes
    ----------
    head : str | None
        SHA-256 of the chain's last record (``None`` for an empty chain).
    records : int
        Number of records in the chain.
    expected : str | None
        The head the verifier kept (``--expect-head``), if any.
    expected_seq : int | None
        Sequence number of the record carrying ``expected`` (``None``: not in the chain).
    records_after : int | None
        Records appended after that one (0: ``expected`` is still the head).
    """

    head: str | None
    records: int
    expected: str | None = None
    expected_seq: int | None = None
    records_after: int | None = None

    @property
    def problems(self) -> list[str]:
        if self.expected is None or self.expected_seq is not None:
            return []
        return [f"audit chain: no record carries the head {self.expected} you expected; "
                "records were removed from its end or the chain was rewritten (its head is "
                f"now {self.head}, {self.records} record(s))"]

    def to_dict(self) -> dict[str, Any]:
        return {"head": self.head, "records": self.records, "expected_head": self.expected,
                "expected_head_seq": self.expected_seq,
                "records_after_expected": self.records_after}


def normalise_head(expected: str | None) -> str | None:
    """``expected`` in lower case without surrounding blanks.

    Raises
    ------
    InputError
        If it is not a SHA-256 (64 hex digits).
    """
    if expected is None:
        return None
    if not SHA256_HEX.fullmatch(text := expected.strip().lower()):
        raise InputError(f"--expect-head {expected!r} is not a SHA-256 (64 hex digits)")
    return text


def check_head(con: duckdb.DuckDBPyConnection, expected: str | None = None) -> HeadCheck:
    """The head of the ``audit_log`` chain in ``con``, and where ``expected`` is in it.

    Raises
    ------
    InputError
        If ``expected`` is not a SHA-256 (64 hex digits).
    """
    expected = normalise_head(expected)
    row = con.execute("SELECT count(*), arg_max(sha256, seq) FROM audit_log").fetchone()
    records, head = (int(row[0]), row[1]) if row else (0, None)
    if expected is None:
        return HeadCheck(head, records)
    found = con.execute("SELECT min(seq), (SELECT count(*) FROM audit_log WHERE seq > min(a.seq))"
                        " FROM audit_log a WHERE sha256 = ?", [expected]).fetchone()
    if not found or found[0] is None:
        return HeadCheck(head, records, expected)
    return HeadCheck(head, records, expected, int(found[0]), int(found[1]))
