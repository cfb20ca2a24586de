"""Tamper evidence: what each import wrote, as digests in the audit log, and ``verify``.

At import, lingtan records in the hash-chained audit log (a) for every meter and local
UTC month the readings the batch wrote — count and exact sums of value, raw value and
timestamp, the XOR of every reading's MD5 (so a value moved between two timestamps
shows; :data:`DIGEST_VERSION` 2), and the sum of the timestamps of declared counter
resets when there are any — and (b) the content hash of every reference row it wrote.
``verify`` then

1. recomputes the audit chain (an edited or removed record breaks it);
2. recomputes each batch's reading digests from the store (current rows of the batch
   plus its superseded versions) and names the meter and month that no longer match;
3. recomputes each stored reference row's content hash (sites, meters, activities,
   production, instruments, user factors, equipment, reference files) and compares it
   with the hash recorded at import;
4. re-runs every published result from the stored inputs and compares it byte for byte,
   naming the figures that differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from lingtan.store.schema import BATCH_TABLES, VERSIONED_TABLES
from lingtan.store.versioned import row_sha256
from lingtan.store.workspace import verify_audit_chain

#: Per meter and UTC month (interval-end convention) of a batch's rows. The month is
#: grouped as the integer ``year * 100 + month`` and written ``YYYY-MM`` once per group:
#: the same digests as formatting every reading's month, in about three quarters of the
#: time (bench/RESULTS.md).
_DIGEST_SQL = """
SELECT meter_id, printf('%04d-%02d', month_key // 100, month_key % 100) AS month,
       * EXCLUDE (meter_id, month_key)
FROM (
  SELECT meter_id, year(ts_utc - INTERVAL 1 MICROSECOND) * 100
                   + month(ts_utc - INTERVAL 1 MICROSECOND) AS month_key, count(*),
         CAST(sum(CAST(coalesce(value, 0) AS DECIMAL(38, 9))) AS VARCHAR),
         CAST(sum(CAST(raw_value AS DECIMAL(38, 9))) AS VARCHAR),
         CAST(sum(epoch_ms(ts_utc)) AS VARCHAR),
         CAST(sum(epoch_ms(ts_utc)) FILTER (WHERE flag = 'reset') AS VARCHAR),
         CAST(bit_xor(md5_number(concat_ws('|', epoch_us(ts_utc),
              coalesce(CAST(CAST(value AS DECIMAL(38, 9)) AS VARCHAR), ''),
              CAST(CAST(raw_value AS DECIMAL(38, 9)) AS VARCHAR), coalesce(flag, ''))))
              AS VARCHAR) AS rows_md5
  FROM ({rows}) GROUP BY ALL
) ORDER BY ALL
"""


#: Digest format of new imports (recorded as ``digest_version`` in the audit record).
#: 1: [count, Σvalue, Σraw, Σts(, Σts of resets)] — sums, blind to a value moved between
#: two timestamps of one meter-month; 2 adds, before the resets, the XOR of the MD5 of
#: every reading's (timestamp µs, value, raw value, flag), which is not.
DIGEST_VERSION = 2


def readings_digest(con: duckdb.DuckDBPyConnection, site_id: str, batch_id: int,
                    version: int = DIGEST_VERSION) -> dict[str, list[Any]]:
    """``meter|month`` → [count, Σvalue, Σraw, Σts, rows MD5] of the readings batch
    ``batch_id`` wrote (``version`` 1: without the rows MD5).

    A meter-month with declared counter resets gets one more item, Σts of the resets;
    one without (every digest recorded before resets were stored) does not.
    """
    rows = (f"SELECT meter_id, ts_utc, value, raw_value, flag FROM readings WHERE site_id = "
            f"'{_q(site_id)}' AND batch_id = {int(batch_id)} UNION ALL SELECT meter_id, ts_utc,"
            f" value, raw_value, flag FROM reading_versions WHERE site_id = '{_q(site_id)}'"
            f" AND batch_id = {int(batch_id)}")
    found = con.execute(_DIGEST_SQL.format(rows=rows)).fetchall()
    return {f"{meter}|{month}": [int(n), s_value, s_raw, s_ts,
                                 *([rows_md5] if version >= 2 else []), *filter(None, [resets])]
            for meter, month, n, s_value, s_raw, s_ts, resets, rows_md5 in found}


def reference_hashes(con: duckdb.DuckDBPyConnection, site_id: str, batch_id: int
                     ) -> dict[str, str]:
    """``table|key`` → row hash of every reference row the batch wrote."""
    out = {}
    for table, key in VERSIONED_TABLES.items():
        for k, sha in con.execute(f"SELECT {key}, row_sha256 FROM {table} WHERE site_id = ?"
                                  " AND batch_id = ?", [site_id, batch_id]).fetchall():
            out[f"{table}|{k}"] = sha
    return out


@dataclass
class VerifyReport:
    """Outcome of :func:`verify`: ``ok`` when nothing differs."""

    checked: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "problems": self.problems}


def verify(con: duckdb.DuckDBPyConnection) -> VerifyReport:
    """Check the audit chain, the stored data against it, and every published result."""
    report = VerifyReport()
    bad = verify_audit_chain(con)
    report.problems += [f"audit record {seq}: hash chain broken (edited or removed)" for seq in bad]
    records = con.execute("SELECT seq, action, subject, detail_json FROM audit_log ORDER BY seq"
                          ).fetchall()
    report.checked["audit_records"] = len(records)
    for seq, action, subject, detail_json in records:
        detail = json.loads(detail_json)
        if action == "import":
            _check_import(con, report, seq, subject, detail)
    _check_row_hashes(con, report)
    _check_batches(con, report, records)
    from lingtan.store.published import check_published

    check_published(con, report)
    return report


def _check_import(con: duckdb.DuckDBPyConnection, report: VerifyReport, seq: int,
                  site_id: str, detail: dict[str, Any]) -> None:
    batch = int(detail["batch_id"])
    recorded = detail.get("readings_digest", {})
    now = readings_digest(con, site_id, batch, int(detail.get("digest_version", 1)))
    for key in sorted(set(recorded) | set(now)):
        if recorded.get(key) != now.get(key):
            meter, month = key.split("|")
            report.problems.append(
                f"readings of meter {meter} in {month} (UTC) imported by batch {batch} (audit "
                f"record {seq}) no longer match: recorded {recorded.get(key)}, now {now.get(key)}")
    report.checked["reading_digests"] = report.checked.get("reading_digests", 0) + len(recorded)
    hashes = reference_hashes(con, site_id, batch)
    for key, sha in detail.get("reference_hashes", {}).items():
        if hashes.get(key) != sha:
            report.problems.append(f"{key.replace('|', ' row ')} written by batch {batch} is "
                                   "missing or its hash changed")


def _check_batches(con: duckdb.DuckDBPyConnection, report: VerifyReport,
                   records: list[tuple[Any, ...]]) -> None:
    """Every stored row must belong to a complete batch that has its ``import`` audit record.

    Rows of a batch that is pending, rolled back, unknown or without its audit record are
    named per table and batch (a killed import is rolled back at the next writable open,
    :mod:`lingtan.store.batches`, so such rows mean the store was altered).
    """
    audited = {int(json.loads(d)["batch_id"]) for _, action, _, d in records if action == "import"}
    states = dict(con.execute("SELECT batch_id, state FROM import_batches").fetchall())
    for table in BATCH_TABLES:
        for column in ("batch_id", "superseded_by_batch") if table == "reading_versions" \
                else ("batch_id",):
            for batch, n in con.execute(f"SELECT {column}, count(*) FROM {table}"
                                        " GROUP BY ALL ORDER BY 1").fetchall():
                why = _batch_fault(states.get(batch), batch in audited)
                if why:
                    report.problems.append(f"{table}: {n} row(s) of batch {batch} ({column}),"
                                           f" which {why}")
    report.checked["batches"] = sum(1 for s in states.values() if s == "complete")
    report.checked["rolled_back_batches"] = sum(1 for s in states.values() if s == "rolled_back")


def _batch_fault(state: str | None, audited: bool) -> str | None:
    if state is None:
        return "is not in import_batches"
    if state != "complete":
        return f"never completed (state {state})"
    return None if audited else "has no import audit record"


def _check_row_hashes(con: duckdb.DuckDBPyConnection, report: VerifyReport) -> None:
    """Every stored reference row's content must still hash to its recorded hash."""
    n = 0
    for table, key in VERSIONED_TABLES.items():
        cur = con.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cur.description]
        for values in cur.fetchall():
            row = dict(zip(names, values, strict=True))
            content = {c: _jsonable(v) for c, v in row.items()
                       if c not in _BOOKKEEPING and c not in ("file", "row")}
            n += 1
            if row_sha256(content) != row["row_sha256"]:
                report.problems.append(f"{table} row {row[key]} (version {row['version']}) was "
                                       "changed after import: its content no longer matches "
                                       "its hash")
    report.checked["reference_rows"] = n


_BOOKKEEPING = {"site_id", "version", "is_current", "batch_id", "row_sha256"}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _q(text: str) -> str:
    return text.replace("'", "''")
