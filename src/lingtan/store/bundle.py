"""Verifier bundle: ``lingtan export --bundle FILE.zip`` and ``lingtan verify --bundle``.

A bundle holds the site's data as a data package (``package/``: factory.yaml and every
table as stored, readings as Parquet with UTC timestamps and the values and flags as
given, so a declared counter reset re-imports as one), the published results with the
factor rows they used (``results/``), the workspace's whole audit chain as JSON lines
(``audit/chain.jsonl``) and ``manifest.json``: the site, the chain head and the SHA-256
of every file. ``verify_bundle``

1. refuses, before extracting anything, a bundle whose zip holds anything outside the
   manifest or anything unsafe or oversized (:mod:`lingtan.store.archive`);
2. streams each listed file out, hashing it, and names each that differs from the
   manifest;
3. recomputes the audit chain, checks that it ends at the manifest's head (and, with
   ``expect_head``, that it still holds the head a verifier kept: :mod:`lingtan.store.head`),
   and that every result hashes to what its ``publish`` record chained and every
   ``publish`` record of the site has its result in the bundle;
4. imports the package into a fresh workspace, re-runs every published result and
   compares it with the bundle's, byte for byte except ``input_hash`` (which carries the
   original workspace's batch numbers, so it legitimately differs in a fresh workspace).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

from lingtan.errors import BundleError, PackageError, Problem
from lingtan.store import archive
from lingtan.store.archive import Manifest
from lingtan.store.head import HeadCheck, check_head, normalise_head
from lingtan.store.integrity import VerifyReport
from lingtan.store.workspace import canonical_json, verify_audit_chain

_TABLES = {
    "meters": ("meter_id", "name", "carrier", "unit", "reading", "role", "parent_id",
               "interval_minutes", "timestamp_marks", "rollover"),
    "activities": ("activity_id", "period_start", "period_end", "category", "source",
                   "quantity", "unit", "evidence"),
    "production": ("period_start", "period_end", "product", "quantity", "unit"),
    "instruments": ("instrument_id", "kind", "quantity", "unit", "generation_month", "vintage",
                    "technology", "province", "tradable", "serial_start", "serial_end",
                    "registry", "project_id", "retired_on", "claimed_year"),
    "factors": ("factor_id", "family", "subject", "geography", "data_year", "scheme", "value",
                "unit", "source", "confidence", "note"),
}


def export_bundle(con: duckdb.DuckDBPyConnection, site_id: str, path: Path) -> dict[str, str]:
    """Write the bundle of ``site_id`` to ``path``; return the manifest (file → SHA-256)."""
    files: dict[str, bytes] = {"package/factory.yaml": _factory_yaml(con, site_id)}
    for table, columns in _TABLES.items():
        text = _csv(con, table, site_id, columns)
        if text:
            files[f"package/{table}.csv"] = text.encode()
    files.update(_reference_files(con, site_id))
    files["package/readings/readings.parquet"] = _readings_parquet(con, site_id)
    files.update(_results(con, site_id))
    files[archive.CHAIN] = _chain(con)
    head = con.execute("SELECT sha256 FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    manifest = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    meta = {"site": site_id, "chain_head": head[0] if head else None, "files": manifest}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(files.items()):
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(meta, indent=2, ensure_ascii=False))
    return manifest


def _factory_yaml(con: duckdb.DuckDBPyConnection, site_id: str) -> bytes:
    row = con.execute("SELECT config_json FROM sites WHERE site_id = ? AND is_current",
                      [site_id]).fetchone()
    config = json.loads(row[0]) if row else {}
    return yaml.safe_dump(_drop_none(config), allow_unicode=True, sort_keys=False).encode()


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value


def _csv(con: duckdb.DuckDBPyConnection, table: str, site_id: str,
         columns: tuple[str, ...]) -> str:
    rows = con.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE site_id = ?"
                       " AND is_current ORDER BY ALL", [site_id]).fetchall()
    if not rows:
        return ""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if v is None else _text(v) for v in r] for r in rows])
    return buf.getvalue()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _reference_files(con: duckdb.DuckDBPyConnection, site_id: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    equipment = con.execute("SELECT row_json FROM equipment WHERE site_id = ? AND is_current"
                            " ORDER BY row_key", [site_id]).fetchall()
    if equipment:
        rows = [json.loads(r[0]) for r in equipment]
        columns = list(dict.fromkeys(k for r in rows for k in r))
        buf = io.StringIO()
        writer = csv.DictWriter(buf, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        out["package/equipment.csv"] = buf.getvalue().encode()
    refs = con.execute("SELECT row_key, content FROM reference_files WHERE site_id = ? AND"
                       " is_current ORDER BY row_key", [site_id]).fetchall()
    weather = [c for k, c in refs if k.startswith("weather:")]
    if weather:  # several files merge into one: header once
        lines = [weather[0].splitlines()[0]] + [ln for c in weather for ln in c.splitlines()[1:]]
        out["package/weather.csv"] = ("\n".join(lines) + "\n").encode()
    for key, content in refs:
        if key == "energy_limits.csv":
            out["package/energy_limits.csv"] = content.encode()
    return out


def _readings_parquet(con: duckdb.DuckDBPyConnection, site_id: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "r.parquet"
        con.execute(
            "COPY (SELECT meter_id, timezone('UTC', ts_utc) AS timestamp, raw_value AS value,"
            f" flag FROM readings WHERE site_id = '{site_id.replace(chr(39), '')}'"
            f" ORDER BY meter_id, ts_utc) TO '{target}' (FORMAT parquet)")
        return target.read_bytes()


def _results(con: duckdb.DuckDBPyConnection, site_id: str) -> dict[str, bytes]:
    rows = con.execute("SELECT seq, kind, year, params_json, result_json FROM published_results"
                       " WHERE site_id = ? ORDER BY seq", [site_id]).fetchall()
    return {f"results/{seq:06d}-{kind}-{year}.json": json.dumps(
        {"kind": kind, "seq": seq, "year": year, "params": json.loads(params),
         "result": json.loads(result)}, ensure_ascii=False, indent=1).encode()
        for seq, kind, year, params, result in rows}


def _chain(con: duckdb.DuckDBPyConnection) -> bytes:
    """The workspace's whole audit chain as JSON lines (every site's records: each hash
    covers the record before it)."""
    rows = con.execute("SELECT seq, at_utc, action, subject, detail_json, prev_sha256, sha256"
                       " FROM audit_log ORDER BY seq").fetchall()
    keys = ("seq", "at_utc", "action", "subject", "detail_json", "prev_sha256", "sha256")
    return "".join(json.dumps(dict(zip(keys, (r[0], r[1].isoformat(), *r[2:]), strict=True)),
                              ensure_ascii=False) + "\n" for r in rows).encode()


@dataclass(kw_only=True)
class BundleReport(VerifyReport):
    """Outcome of :func:`verify_bundle`: a :class:`VerifyReport` of the bundle's site and
    audit chain."""

    site: str
    chain: HeadCheck

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "site": self.site, "chain": self.chain.to_dict(),
                "checked": self.checked, "problems": self.problems}


def verify_bundle(path: Path, expect_head: str | None = None) -> BundleReport:
    """Check the bundle at ``path`` in a fresh workspace; see the module docstring.

    Raises
    ------
    BundleError
        If the bundle is refused before anything in it is used (not a zip, a missing or
        malformed manifest, an entry outside it, an unsafe path, over a size cap).
    """
    expect_head = normalise_head(expect_head)
    with archive.open_zip(path) as zf, tempfile.TemporaryDirectory() as tmp:
        archive.check_directory(zf, path)
        manifest = archive.read_manifest(zf, path)
        archive.check_listing(zf, manifest, path)
        problems = archive.extract_listed(zf, manifest, Path(tmp), path)
        report = BundleReport(site=manifest.site, chain=HeadCheck(None, 0, expect_head),
                              problems=problems, checked={"files": len(manifest.files)})
        if problems:
            return report
        results = _load_results(Path(tmp), manifest, path)
        _check_chain(Path(tmp), manifest, results, report, path)
        _rerun(Path(tmp), manifest, results, report, path)
    return report


def _load_results(root: Path, manifest: Manifest, path: Path) -> dict[str, dict[str, Any]]:
    """Every ``results/*.json`` of the bundle, its shape checked."""
    out = {}
    for name in sorted(n for n in manifest.files if n.startswith("results/")):
        try:
            doc = json.loads(root.joinpath(*name.split("/")).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BundleError(str(path), [Problem(name, None, None, f"not JSON: {exc}")]
                              ) from exc
        if not (isinstance(doc, dict) and doc.get("kind") == "inventory"
                and isinstance(doc.get("seq"), int) and isinstance(doc.get("year"), int)
                and isinstance(doc.get("params"), dict) and isinstance(doc.get("result"), dict)
                and name == f"results/{doc['seq']:06d}-inventory-{doc['year']}.json"):
            raise BundleError(str(path), [Problem(name, None, None, "not a published result "
                                                  "(kind inventory, seq, year, params, result "
                                                  "matching its name)")])
        out[name] = doc
    return out


def _check_chain(root: Path, manifest: Manifest, results: dict[str, dict[str, Any]],
                 report: BundleReport, path: Path) -> None:
    """The chain is intact, ends at the manifest's head, and publishes exactly the results."""
    with duckdb.connect() as con:
        _load_chain(con, root / "audit" / "chain.jsonl", path)
        report.problems += [f"{archive.CHAIN}: audit record {seq}: hash chain broken (edited "
                            "or removed)" for seq in verify_audit_chain(con)]
        report.chain = check_head(con, report.chain.expected)
        report.checked["audit_records"] = report.chain.records
        if report.chain.head != manifest.chain_head:
            report.problems.append(f"manifest.json: chain_head {manifest.chain_head} is not the "
                                   f"head of {archive.CHAIN} ({report.chain.head})")
        report.problems += report.chain.problems
        published = dict(con.execute("SELECT seq, detail_json FROM audit_log WHERE action ="
                                     " 'publish' AND subject = ?", [manifest.site]).fetchall())
    report.problems += _published_problems(published, results)


def _load_chain(con: duckdb.DuckDBPyConnection, chain: Path, path: Path) -> None:
    try:
        source = str(chain).replace("'", "''")
        con.execute(f"CREATE TABLE audit_log AS SELECT * FROM read_json('{source}', "
                    f"format = 'newline_delimited', columns = {_CHAIN_COLUMNS}, "
                    f"maximum_object_size = {archive.MAX_JSON_BYTES})")
        missing = con.execute("SELECT count(*) FROM audit_log WHERE COLUMNS(*) IS NULL"
                              ).fetchone()
    except duckdb.Error as exc:
        raise BundleError(str(path), [Problem(archive.CHAIN, None, None,
                                              f"not an audit chain: {exc}")]) from exc
    if missing and missing[0]:
        raise BundleError(str(path), [Problem(archive.CHAIN, None, None, f"{missing[0]} "
                                              "record(s) lack a field")])


_CHAIN_COLUMNS = ("{seq: 'BIGINT', at_utc: 'TIMESTAMP', action: 'VARCHAR', subject: 'VARCHAR',"
                  " detail_json: 'VARCHAR', prev_sha256: 'VARCHAR', sha256: 'VARCHAR'}")


def _published_problems(published: dict[int, str], results: dict[str, dict[str, Any]]
                        ) -> list[str]:
    """Each result hashes to what its audit record published; each publication is here."""
    problems = []
    by_seq: dict[int, tuple[str, dict[str, Any]]] = {}
    for name, doc in results.items():
        if doc["seq"] in by_seq:
            problems.append(f"{name}: audit record {doc['seq']} is claimed by "
                            f"{by_seq[doc['seq']][0]} too")
        by_seq.setdefault(doc["seq"], (name, doc))
    for seq in sorted(set(published) - set(by_seq)):
        problems.append(f"audit record {seq} publishes a result the bundle does not hold")
    for seq, (name, doc) in sorted(by_seq.items()):
        sha = hashlib.sha256(canonical_json(doc["result"]).encode()).hexdigest()
        if seq not in published:
            problems.append(f"{name}: no audit record {seq} publishes it")
        elif [_detail(published[seq]).get(k) for k in ("kind", "year", "params", "sha256")] \
                != [doc["kind"], doc["year"], doc["params"], sha]:
            problems.append(f"{name}: differs from what audit record {seq} published (edited "
                            "after publication)")
    return problems


def _detail(detail_json: str) -> dict[str, Any]:
    """An audit record's detail, ``{}`` when it is not a JSON object (a broken chain)."""
    try:
        detail = json.loads(detail_json)
    except json.JSONDecodeError:
        return {}
    return detail if isinstance(detail, dict) else {}


def _rerun(root: Path, manifest: Manifest, results: dict[str, dict[str, Any]],
           report: BundleReport, path: Path) -> None:
    """Import the package into a fresh workspace and re-run every result."""
    import lingtan
    from lingtan.accounting.inventory import compute_inventory

    with lingtan.open(root / "ws.duckdb") as ws:
        try:
            ws.import_package(root / "package")
        except PackageError as exc:
            raise BundleError(str(path), [Problem(f"package/{p.file}", p.row, p.field, p.reason)
                                          for p in exc.problems]) from exc
        for name, doc in results.items():
            now = compute_inventory(ws.con, doc["year"], site_id=manifest.site,
                                    gwp=doc["params"].get("gwp")).to_dict()
            if _comparable(now) != _comparable(doc["result"]):
                diff = _first_difference(doc["result"], now)
                report.problems.append(f"{name}: re-run differs — {diff}")
    report.checked["published_results"] = len(results)


def _comparable(result: dict[str, Any]) -> str:
    stripped = dict(result)
    stripped["lines"] = [{k: v for k, v in ln.items() if k != "input_hash"}
                         for ln in result.get("lines", [])]
    return canonical_json(stripped)


def _first_difference(then: dict[str, Any], now: dict[str, Any]) -> str:
    for key in ("views", "energy_tce", "electricity_mwh", "instruments_claimed", "factors"):
        if then.get(key) != now.get(key):
            return f"{key}: bundle {json.dumps(then.get(key), ensure_ascii=False)[:200]}, " \
                   f"re-run {json.dumps(now.get(key), ensure_ascii=False)[:200]}"
    return "lines differ"
