"""Verifier bundle: ``lingtan export --bundle FILE.zip`` and ``lingtan verify --bundle``.

A bundle holds the site's data as a data package (``package/``: factory.yaml and every
table as stored, readings as Parquet with UTC timestamps and the values and flags as
given, so a declared counter reset re-imports as one), the published results with the
factor rows they used (``results/``), the audit chain head and a manifest of SHA-256 per
file. ``verify_bundle`` checks the manifest, imports the package into a fresh workspace,
re-runs every published result and compares it with the bundle's, byte for byte except
``input_hash`` (which carries the original workspace's batch numbers, so it legitimately
differs in a fresh workspace).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import yaml

from lingtan.store.workspace import canonical_json

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
        {"kind": kind, "year": year, "params": json.loads(params),
         "result": json.loads(result)}, ensure_ascii=False, indent=1).encode()
        for seq, kind, year, params, result in rows}


def verify_bundle(path: Path) -> list[str]:
    """Problems found in the bundle at ``path`` (empty = it verifies)."""
    import lingtan
    from lingtan.accounting.inventory import compute_inventory

    problems: list[str] = []
    with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory() as tmp:
        meta = json.loads(zf.read("manifest.json"))
        for name, sha in meta["files"].items():
            if name not in zf.namelist():
                problems.append(f"{name}: listed in the manifest but missing")
            elif hashlib.sha256(zf.read(name)).hexdigest() != sha:
                problems.append(f"{name}: content differs from the manifest (edited)")
        if problems:
            return problems
        zf.extractall(tmp)
        with lingtan.open(Path(tmp) / "ws.duckdb") as ws:
            ws.import_package(Path(tmp) / "package")
            for name in sorted(n for n in zf.namelist() if n.startswith("results/")):
                doc = json.loads(zf.read(name))
                now = compute_inventory(ws.con, doc["year"], site_id=meta["site"],
                                        gwp=doc["params"].get("gwp")).to_dict()
                if _comparable(now) != _comparable(doc["result"]):
                    diff = _first_difference(doc["result"], now)
                    problems.append(f"{name}: re-run differs — {diff}")
    return problems


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
