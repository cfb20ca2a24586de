"""Published results: a result is stored with its hash in the audit chain; ``verify``
re-runs it from the stored inputs and names the figures that no longer match."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import duckdb

from lingtan.store.workspace import append_audit, canonical_json, utc_now

if TYPE_CHECKING:
    from lingtan.store.integrity import VerifyReport


def publish_inventory(con: duckdb.DuckDBPyConnection, year: int, *, site_id: str | None = None,
                      gwp: str | None = None) -> dict[str, Any]:
    """Compute the inventory, store it as published and chain its hash; return it."""
    from lingtan.accounting.inventory import compute_inventory

    result = compute_inventory(con, year, site_id=site_id, gwp=gwp).to_dict()
    params = {"gwp": gwp}
    text = canonical_json(result)
    digest = hashlib.sha256(text.encode()).hexdigest()
    con.execute("BEGIN TRANSACTION")
    try:
        append_audit(con, "publish", result["site"], {"kind": "inventory", "year": year,
                                                       "params": params, "sha256": digest})
        seq = con.execute("SELECT max(seq) FROM audit_log").fetchone()
        con.execute("INSERT INTO published_results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [seq[0] if seq else 0, "inventory", result["site"], year,
                     canonical_json(params), text, digest, utc_now()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return result


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
