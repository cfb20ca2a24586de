"""Published results: a result is stored with its hash in the audit chain; ``verify``
re-runs it from the stored inputs and names the figures that no longer match."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import TYPE_CHECKING, Any

import duckdb

from lingtan.store.workspace import append_audit, canonical_json, utc_now

if TYPE_CHECKING:
    from lingtan.accounting.result import Inventory
    from lingtan.store.integrity import VerifyReport


@dataclasses.dataclass(frozen=True)
class Publication:
    """What :func:`publish_inventory` stored, or found already stored.

    Attributes
    ----------
    kind, site_id, year, params
        What was published (``params``: the arguments a re-run needs, ``{"gwp": …}``).
    sha256 : str
        SHA-256 of the result's canonical JSON.
    seq : int
        Audit record (and ``published_results.seq``) of the stored result.
    stored : bool
        ``False`` when the latest publication of the same kind, site, year and params
        already holds this very result: nothing was stored, ``seq`` is that one's.
    result : dict
        The published document.
    """

    kind: str
    site_id: str
    year: int
    params: dict[str, Any]
    sha256: str
    seq: int
    stored: bool
    result: dict[str, Any] = dataclasses.field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The documented ``published`` JSON fields (docs/cli.md)."""
        return {"stored": self.stored, "seq": self.seq, "sha256": self.sha256,
                "kind": self.kind, "site": self.site_id, "year": self.year,
                "params": self.params}


def publish_inventory(con: duckdb.DuckDBPyConnection, year: int, *, site_id: str | None = None,
                      gwp: str | None = None, inventory: Inventory | None = None) -> Publication:
    """Store the inventory as published and chain its hash, once.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The workspace.
    year : int
        Reporting year.
    site_id, gwp : str | None
        As for :func:`~lingtan.accounting.inventory.compute_inventory`.
    inventory : Inventory | None
        The inventory already computed with these arguments (else computed here).

    Returns
    -------
    Publication
        With ``stored=False`` (and no new row, no new audit record) when the latest
        publication of the same kind, site, year and params has the same result hash.
    """
    from lingtan.accounting.inventory import compute_inventory

    if inventory is None:
        inventory = compute_inventory(con, year, site_id=site_id, gwp=gwp)
    result = inventory.to_dict()
    params: dict[str, Any] = {"gwp": gwp}
    text = canonical_json(result)
    digest = hashlib.sha256(text.encode()).hexdigest()
    con.execute("BEGIN TRANSACTION")
    try:
        seq = _latest_same(con, "inventory", result["site"], year, params, digest)
        stored = seq is None
        if seq is None:
            seq = _store(con, "inventory", result["site"], year, params, text, digest)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return Publication("inventory", result["site"], year, params, digest, seq, stored, result)


def _latest_same(con: duckdb.DuckDBPyConnection, kind: str, site_id: str, year: int,
                 params: dict[str, Any], digest: str) -> int | None:
    """Sequence number of the latest publication of (kind, site, year, params) if it has
    this result hash, else ``None``."""
    row = con.execute("SELECT seq, sha256 FROM published_results WHERE kind = ? AND site_id = ?"
                      " AND year = ? AND params_json = ? ORDER BY seq DESC LIMIT 1",
                      [kind, site_id, year, canonical_json(params)]).fetchone()
    return int(row[0]) if row is not None and row[1] == digest else None


def _store(con: duckdb.DuckDBPyConnection, kind: str, site_id: str, year: int,
           params: dict[str, Any], text: str, digest: str) -> int:
    """Append the audit record and the published row; return their sequence number."""
    append_audit(con, "publish", site_id, {"kind": kind, "year": year, "params": params,
                                           "sha256": digest})
    row = con.execute("SELECT max(seq) FROM audit_log").fetchone()
    seq = int(row[0]) if row and row[0] is not None else 0
    con.execute("INSERT INTO published_results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, kind, site_id, year, canonical_json(params), text, digest, utc_now()])
    return seq


def check_published(con: duckdb.DuckDBPyConnection, report: VerifyReport) -> None:
    """Re-run every published result; record each differing figure in ``report``."""
    from lingtan.accounting.inventory import compute_inventory

    rows = con.execute("SELECT seq, kind, site_id, year, params_json, result_json, sha256"
                       " FROM published_results ORDER BY seq").fetchall()
    audit = dict(con.execute("SELECT seq, detail_json FROM audit_log WHERE action = 'publish'"
                             ).fetchall())
    for seq, kind, site_id, year, params_json, result_json, sha in rows:
        if json.loads(audit.get(seq, "{}")).get("sha256") != sha or \
                hashlib.sha256(result_json.encode()).hexdigest() != sha:
            report.problems.append(f"published {kind} {site_id} {year} (audit record {seq}): "
                                   "the stored result was edited after publication")
        params = json.loads(params_json)
        now = compute_inventory(con, year, site_id=site_id, gwp=params.get("gwp")).to_dict()
        if canonical_json(now) != result_json:
            report.problems += [f"published {kind} {site_id} {year} (audit record {seq}): {d}"
                                for d in _differences(json.loads(result_json), now)]
    report.checked["published_results"] = len(rows)


def _differences(then: dict[str, Any], now: dict[str, Any]) -> list[str]:
    out = [f"{key} was {then.get(key)}, re-run gives {now.get(key)}"
           for key in ("energy_tce", "biogenic_co2_t", "electricity_mwh", "instruments_claimed")
           if then.get(key) != now.get(key)]
    for view, totals in then.get("views", {}).items():
        for key, value in totals.items():
            new = now.get("views", {}).get(view, {}).get(key)
            if new != value:
                out.append(f"{view} {key} was {value}, re-run gives {new}")
    old_lines = {(ln["view"], ln["category"], ln["source"]): ln for ln in then.get("lines", [])}
    new_lines = {(ln["view"], ln["category"], ln["source"]): ln for ln in now.get("lines", [])}
    for key in sorted(set(old_lines) | set(new_lines)):
        a, b = old_lines.get(key, {}), new_lines.get(key, {})
        for field in ("co2e_t", "activity_quantity", "input_hash"):
            if a.get(field) != b.get(field):
                out.append(f"line {'/'.join(key)} {field} was {a.get(field)}, "
                           f"re-run gives {b.get(field)}")
    return out or ["the result differs from a re-run (fields outside views and lines)"]
