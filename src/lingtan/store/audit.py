"""The append-only, hash-chained audit log of a workspace (tamper evidence).

Each record's SHA-256 covers its sequence number, time, action, subject, detail and the
previous record's hash, so editing or removing any record breaks the chain
(:func:`verify_audit_chain`); removing whole records from the end is caught against a
chain head the verifier kept (``lingtan verify --expect-head``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

import duckdb

GENESIS_SHA256 = "0" * 64
#: A SHA-256 as lingtan writes it: 64 lower-case hex digits.
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def utc_now() -> dt.datetime:
    """Current time in UTC as a naive datetime (the store's convention)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no whitespace: the form that is hashed."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def append_audit(
    con: duckdb.DuckDBPyConnection, action: str, subject: str, detail: dict[str, Any]
) -> str:
    """Append one record to the hash-chained audit log and return its SHA-256.

    Each record's hash covers its sequence number, time, action, subject, detail and
    the previous record's hash, so editing or removing any record breaks the chain.
    """
    last = con.execute("SELECT seq, sha256 FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS_SHA256)
    at = utc_now()
    detail_json = canonical_json(detail)
    payload = canonical_json([seq, at.isoformat(), action, subject, detail_json, prev])
    digest = hashlib.sha256(payload.encode()).hexdigest()
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?)",
        [seq, at, action, subject, detail_json, prev, digest],
    )
    return digest


def verify_audit_chain(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Sequence numbers of audit records whose hash or link does not match (empty = intact)."""
    bad: list[int] = []
    prev = GENESIS_SHA256
    rows = con.execute(
        "SELECT seq, at_utc, action, subject, detail_json, prev_sha256, sha256"
        " FROM audit_log ORDER BY seq"
    ).fetchall()
    for seq, at, action, subject, detail_json, prev_sha, sha in rows:
        payload = canonical_json([seq, at.isoformat(), action, subject, detail_json, prev])
        if prev_sha != prev or hashlib.sha256(payload.encode()).hexdigest() != sha:
            bad.append(int(seq))
        prev = sha
    return bad
