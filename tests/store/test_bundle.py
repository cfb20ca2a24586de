"""Verifier bundle: verified in a fresh workspace; an edited bundle fails and names it;
a hostile zip is refused, naming the entry, before anything is extracted."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import subprocess
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import lingtan
from lingtan.cli import app
from lingtan.errors import BundleError
from lingtan.store import archive
from lingtan.store.bundle import export_bundle, verify_bundle
from lingtan.store.head import check_head
from lingtan.store.published import publish_inventory

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(MINIMAL)
        publish_inventory(ws.con, 2025)
        publish_inventory(ws.con, 2025, gwp="AR6")
        export_bundle(ws.con, "minimal", tmp_path / "b.zip")
    return tmp_path / "b.zip"


def _rewrite(path: Path, name: str, data: bytes, *, fix_manifest: bool) -> None:
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files[name] = data
    if fix_manifest:
        meta = json.loads(files["manifest.json"])
        meta["files"][name] = hashlib.sha256(data).hexdigest()
        files["manifest.json"] = json.dumps(meta).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in files.items():
            zf.writestr(n, d)


def test_bundle_verifies_in_a_fresh_workspace(bundle: Path) -> None:
    assert verify_bundle(bundle).problems == []
    names = zipfile.ZipFile(bundle).namelist()
    assert "package/readings/readings.parquet" in names and "manifest.json" in names
    assert sum(n.startswith("results/") for n in names) == 2


def test_bundle_with_a_declared_counter_reset_verifies(tmp_path: Path, minimal_pkg: Path) -> None:
    # GRID-IMP 1000 … 1400, then restarted from zero: 30 at 04:00 (30 MWh), 90 at 05:00.
    # Before readings kept their flag the bundle re-imported 1400 → 30 as a counter going
    # backwards and did not verify.
    (minimal_pkg / "readings" / "reset.csv").write_text(
        "meter_id,timestamp,value,flag\nGRID-IMP,2025-01-01 04:00,30,reset\n"
        "GRID-IMP,2025-01-01 05:00,90,\n", encoding="utf-8")
    with lingtan.open(tmp_path / "ws.duckdb") as ws:
        ws.import_package(minimal_pkg)
        publish_inventory(ws.con, 2025)
        export_bundle(ws.con, "minimal", tmp_path / "b.zip")
    assert verify_bundle(tmp_path / "b.zip").problems == []
    parquet = tmp_path / "readings.parquet"
    parquet.write_bytes(zipfile.ZipFile(tmp_path / "b.zip").read(
        "package/readings/readings.parquet"))
    flagged = duckdb.connect().execute(
        f"SELECT meter_id, value, flag FROM read_parquet('{parquet}') WHERE flag IS NOT NULL"
    ).fetchall()
    assert flagged == [("GRID-IMP", 30.0, "reset")]


def test_edited_file_is_named(bundle: Path) -> None:
    text = zipfile.ZipFile(bundle).read("package/activities.csv").replace(b",10.0,", b",11.0,")
    _rewrite(bundle, "package/activities.csv", text, fix_manifest=False)
    assert verify_bundle(bundle).problems == ["package/activities.csv: content differs from "
                                              "the manifest (edited)"]


def test_edited_data_with_a_consistent_manifest_fails_the_rerun(bundle: Path) -> None:
    text = zipfile.ZipFile(bundle).read("package/activities.csv").replace(b",10.0,", b",11.0,")
    _rewrite(bundle, "package/activities.csv", text, fix_manifest=True)
    problems = verify_bundle(bundle).problems
    assert problems and all("re-run differs — views" in p for p in problems)


def test_cli_export_and_verify(tmp_path: Path) -> None:
    db = tmp_path / "ws.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(MINIMAL)
    runner = CliRunner()
    assert runner.invoke(app, ["inventory", "--year", "2025", "--db", str(db), "--publish",
                               "--json"]).exit_code == 0
    assert runner.invoke(app, ["export", "--bundle", str(tmp_path / "x.zip"),
                               "--db", str(db)]).exit_code == 0
    assert runner.invoke(app, ["verify", "--bundle", str(tmp_path / "x.zip")]).exit_code == 0
    bad = runner.invoke(app, ["export", "--bundle", str(tmp_path / "no" / "x.zip"),
                              "--db", str(db)])
    assert bad.exit_code == 1 and "cannot write" in bad.output


# --- hostile bundles: each class refused with the entry and the reason, exit 1, no traceback


def _files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _write(path: Path, files: dict[str, bytes],
           extra: tuple[tuple[zipfile.ZipInfo | str, bytes], ...] = ()) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns on a duplicate name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                zf.writestr(name, data)
            for info, data in extra:
                zf.writestr(info, data)
    return path


def _manifest(entries: dict[str, bytes], **changes: object) -> None:
    """Rewrite the manifest: ``changes`` at the top, every file listed with its true SHA-256
    (a consistent forger)."""
    meta = json.loads(entries["manifest.json"])
    meta["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in sorted(entries.items())
                     if n != "manifest.json"}
    meta.update(changes)
    entries["manifest.json"] = json.dumps(meta).encode()


def _refused(bundle: Path, *args: str) -> str:
    """``verify --bundle`` through the CLI: exit 1 with a message, never a traceback."""
    result = CliRunner().invoke(app, ["verify", "--bundle", str(bundle), *args])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return " ".join(result.output.split())


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Names of the zip entries read (to show that nothing was extracted)."""
    names: list[str] = []
    real = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: str | zipfile.ZipInfo, *a: object, **k: object
            ) -> object:
        names.append(name if isinstance(name, str) else name.filename)
        return real(self, name, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    yield names


def test_not_a_zip(tmp_path: Path) -> None:
    (tmp_path / "b.zip").write_text("factory data, not a zip", encoding="utf-8")
    assert "not a zip file" in _refused(tmp_path / "b.zip")


def test_missing_path(tmp_path: Path) -> None:
    assert f"bundle {tmp_path / 'no.zip'} refused" in _refused(tmp_path / "no.zip")
    assert "no such file" in _refused(tmp_path / "no.zip")


def test_directory_instead_of_a_zip(tmp_path: Path) -> None:
    assert "is a directory, not a zip file" in _refused(tmp_path)


def test_missing_manifest(bundle: Path) -> None:
    files = _files(bundle)
    del files["manifest.json"]
    assert "entry 'manifest.json': missing" in _refused(_write(bundle, files))


def test_manifest_not_json(bundle: Path) -> None:
    files = _files(bundle)
    files["manifest.json"] = b'{"site": "minimal",\n "files": {'
    assert "entry 'manifest.json', line 2: not JSON" in _refused(_write(bundle, files))


def test_manifest_with_a_duplicate_key(bundle: Path) -> None:
    files = _files(bundle)
    files["manifest.json"] = files["manifest.json"].replace(b'"site":', b'"site": "x", "site":')
    assert "the key 'site' appears twice" in _refused(_write(bundle, files))


def test_manifest_of_the_wrong_shape(bundle: Path) -> None:
    files = _files(bundle)
    _manifest(files, files=[], chain_head="abc", extra=1)
    text = _refused(_write(bundle, files))
    assert "field 'files': missing or not an object" in text
    assert "field 'chain_head': not null or a SHA-256" in text
    assert "field 'extra': unknown key" in text


def test_manifest_listing_a_path_outside_the_bundle(bundle: Path) -> None:
    files = _files(bundle)
    files["package/../../evil.csv"] = b"x"
    _manifest(files)
    text = _refused(_write(bundle, files))
    assert "'package/../../evil.csv': a '..' component: the path leaves the bundle" in text


def test_unlisted_entry_is_refused_before_extracting(bundle: Path, opened: list[str]) -> None:
    # Before: imported unchecked (a reading changing the numbers) and "verified".
    extra = b"meter_id,timestamp,value\nGRID-EXP,2025-06-01 12:00,5\n"
    _write(bundle, _files(bundle), (("package/readings/extra.csv", extra),))
    opened.clear()
    text = _refused(bundle)
    assert "entry 'package/readings/extra.csv': not listed in the manifest" in text
    assert opened == ["manifest.json"]


def test_dotdot_entry(bundle: Path, tmp_path: Path) -> None:
    _write(bundle, _files(bundle), (("package/../../evil.csv", b"x"),))
    text = _refused(bundle)
    assert "entry 'package/../../evil.csv': a '..' component: the path leaves the bundle" in text
    assert not (tmp_path.parent / "evil.csv").exists()
    with pytest.raises(BundleError) as caught:  # the library names the entry too
        verify_bundle(bundle)
    assert [(p.file, p.row) for p in caught.value.problems] == [("package/../../evil.csv", None)]
    assert isinstance(caught.value, ValueError)


def test_absolute_path_entry(bundle: Path) -> None:
    _write(bundle, _files(bundle), (("/tmp/lingtan-evil.csv", b"x"),))
    assert "entry '/tmp/lingtan-evil.csv': an absolute path" in _refused(bundle)


@pytest.mark.parametrize(("name", "reason"), [
    ("package\\evil.csv", "a backslash in the name"),
    ("C:/evil.csv", "a drive letter in the name"),
    ("package//evil.csv", "a '.' or empty path component"),
    ("./package/evil.csv", "a '.' or empty path component"),
])
def test_unportable_path_entry(bundle: Path, name: str, reason: str) -> None:
    _write(bundle, _files(bundle), ((name, b"x"),))
    assert f"entry {name!r}: {reason}" in _refused(bundle)


def test_control_characters_in_an_entry_name_never_reach_the_terminal(bundle: Path) -> None:
    _write(bundle, _files(bundle), (("package/\x1b[2Jevil.csv", b"x"),))
    text = _refused(bundle)
    assert "entry 'package/\\x1b[2Jevil.csv': a control character in the name" in text
    assert "\x1b" not in text


def test_symlink_entry(bundle: Path) -> None:
    link = zipfile.ZipInfo("package/readings/link.csv")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    _write(bundle, _files(bundle), ((link, b"/etc/passwd"),))
    assert "entry 'package/readings/link.csv': a symbolic link" in _refused(bundle)


@pytest.mark.parametrize("second", ["package/activities.csv", "PACKAGE/Activities.csv"])
def test_duplicate_entry(bundle: Path, second: str) -> None:
    # zipfile reads the last of two same-named entries: the manifest would hash one and
    # the import would read the other.
    _write(bundle, _files(bundle), ((second, b"forged"),))
    assert f"entry {second!r}: appears twice in the bundle" in _refused(bundle)


def _dir_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10  # as zip -r writes them
    return info


def test_directory_entries_zip_r_style(bundle: Path) -> None:
    # Before: a bundle re-zipped with directory entries crashed.
    files = _files(bundle)
    dirs = tuple((_dir_entry(d), b"") for d in ("audit/", "package/", "package/readings/",
                                               "results/"))
    _write(bundle, {}, (*dirs, *files.items()))
    assert verify_bundle(bundle).problems == []
    _write(bundle, {}, (*dirs, (_dir_entry("notes/"), b""), *files.items()))
    assert "entry 'notes/': a directory entry that holds no file of the manifest" \
        in _refused(bundle)


@pytest.mark.skipif(shutil.which("zip") is None, reason="Info-ZIP zip not installed")
def test_bundle_re_zipped_with_zip_r_verifies(bundle: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(unpacked)  # our own bundle, trusted here
    subprocess.run(["zip", "-qr", str(tmp_path / "re.zip"), "."], cwd=unpacked, check=True)
    assert any(n.endswith("/") for n in zipfile.ZipFile(tmp_path / "re.zip").namelist())
    assert verify_bundle(tmp_path / "re.zip").problems == []


def test_oversize_entry(bundle: Path, monkeypatch: pytest.MonkeyPatch,
                        opened: list[str]) -> None:
    # Before: an unlisted 1 GiB entry was extracted (2.3 GB peak); a cap of 1,000 bytes
    # stands in for the 4 GiB one.
    size = zipfile.ZipFile(bundle).getinfo("package/readings/readings.parquet").file_size
    monkeypatch.setattr(archive, "MAX_ENTRY_BYTES", 500)
    opened.clear()
    text = _refused(bundle)
    assert (f"entry 'package/readings/readings.parquet': {size} bytes uncompressed, more than "
            "the cap of 500 (lingtan.store.archive.MAX_ENTRY_BYTES)") in text
    assert opened == []


def test_oversize_total(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    total = sum(i.file_size for i in zipfile.ZipFile(bundle).infolist())
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", total - 1)
    assert f"{total} bytes uncompressed in all, more than the cap of {total - 1}" \
        in _refused(bundle)


def test_oversize_json_entry(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_JSON_BYTES", 500)
    assert "entry 'manifest.json': " in _refused(bundle)
    assert "(lingtan.store.archive.MAX_JSON_BYTES)" in _refused(bundle)


def test_zip_bomb_ratio(bundle: Path) -> None:
    files = _files(bundle)
    files["package/bomb.csv"] = b"0" * (2 * 2**20)  # deflates about 1,000 to 1
    _manifest(files)
    assert "entry 'package/bomb.csv': compressed" in _refused(_write(bundle, files))
    assert "more than the cap of 100" in _refused(bundle)


def test_too_many_entries(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    n = len(zipfile.ZipFile(bundle).infolist())
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)
    assert f"{n} entries, more than the cap of 3" in _refused(bundle)


def test_listed_file_missing(bundle: Path) -> None:
    files = _files(bundle)
    del files["package/activities.csv"]
    assert "entry 'package/activities.csv': listed in the manifest but missing" \
        in _refused(_write(bundle, files))


def test_bundle_without_its_audit_chain(bundle: Path) -> None:
    files = _files(bundle)
    del files["audit/chain.jsonl"]
    _manifest(files)
    assert "'audit/chain.jsonl' is not listed" in _refused(_write(bundle, files))


def test_result_not_json(bundle: Path) -> None:
    files = _files(bundle)
    name = next(n for n in files if n.startswith("results/"))
    files[name] = b"{"
    _manifest(files)
    assert f"entry {name!r}: not JSON" in _refused(_write(bundle, files))


def test_audit_chain_not_json_lines(bundle: Path) -> None:
    files = _files(bundle)
    files["audit/chain.jsonl"] = b"not json\n"
    _manifest(files)
    assert "entry 'audit/chain.jsonl': not an audit chain" in _refused(_write(bundle, files))


def test_package_that_does_not_import_names_the_bundle_entry(bundle: Path) -> None:
    files = _files(bundle)
    files["package/meters.csv"] = files["package/meters.csv"].replace(b",m3,", b",furlong,")
    _manifest(files)
    text = _refused(_write(bundle, files))
    assert "entry 'package/meters.csv', line 2, field 'unit'" in text


def test_damaged_entry(bundle: Path) -> None:
    data = bytearray(bundle.read_bytes())
    at = data.index(b"package/readings/readings.parquet") + 60  # inside its compressed data
    data[at:at + 8] = b"\xff" * 8
    bundle.write_bytes(bytes(data))
    assert "entry 'package/readings/readings.parquet': damaged" in _refused(bundle)


# --- the results and the chain head


def _result_name(files: dict[str, bytes]) -> str:
    return sorted(n for n in files if n.startswith("results/"))[0]


def test_result_edited_where_the_rerun_does_not_look(bundle: Path) -> None:
    # input_hash is not compared with the re-run (it carries batch numbers); the chain's
    # publish record still catches an edit of it.
    files = _files(bundle)
    name = _result_name(files)
    doc = json.loads(files[name])
    doc["result"]["lines"][0]["input_hash"] = "0" * 64
    files[name] = json.dumps(doc).encode()
    _manifest(files)
    seq = doc["seq"]
    assert verify_bundle(_write(bundle, files)).problems == [
        f"{name}: differs from what audit record {seq} published (edited after publication)"]


def test_results_that_do_not_match_the_chain_head(bundle: Path) -> None:
    files = _files(bundle)
    _manifest(files, chain_head="a" * 64)
    report = verify_bundle(_write(bundle, files))
    assert report.problems == [f"manifest.json: chain_head {'a' * 64} is not the head of "
                               f"audit/chain.jsonl ({report.chain.head})"]


def test_published_result_removed_from_the_bundle(bundle: Path) -> None:
    files = _files(bundle)
    name = _result_name(files)
    seq = json.loads(files.pop(name))["seq"]
    _manifest(files)
    assert verify_bundle(_write(bundle, files)).problems == [
        f"audit record {seq} publishes a result the bundle does not hold"]


def test_edited_audit_chain_record(bundle: Path) -> None:
    files = _files(bundle)
    lines = files["audit/chain.jsonl"].decode().splitlines()
    record = json.loads(lines[0])
    record["subject"] = "other"
    lines[0] = json.dumps(record)
    files["audit/chain.jsonl"] = ("\n".join(lines) + "\n").encode()
    _manifest(files)
    problems = verify_bundle(_write(bundle, files)).problems
    assert problems == ["audit/chain.jsonl: audit record 1: hash chain broken (edited or "
                        "removed)"]


@pytest.fixture
def two_states(tmp_path: Path, minimal_pkg: Path) -> tuple[Path, Path, str, str]:
    """(workspace before the last import, after it, head before, head after)."""
    db = tmp_path / "ws.duckdb"
    with lingtan.open(db) as ws:
        ws.import_package(minimal_pkg)
        publish_inventory(ws.con, 2025)
        head_before = check_head(ws.con).head
    shutil.copy(db, tmp_path / "before.duckdb")
    # The last import adds a 2024 activity: the published 2025 result stays true.
    with (minimal_pkg / "activities.csv").open("a", encoding="utf-8") as f:
        f.write(",2024-03-01,2024-03-31,mobile_combustion,diesel,1,t,invoice 2024\n")
    with lingtan.open(db) as ws:
        ws.import_package(minimal_pkg)
        head_after = check_head(ws.con).head
    assert head_before and head_after and head_before != head_after
    return tmp_path / "before.duckdb", db, head_before, head_after


def test_truncated_chain_in_a_bundle_with_expect_head(two_states: tuple[Path, Path, str, str],
                                                      tmp_path: Path) -> None:
    # A bundle exported as if the last import had never happened: intact, it verifies —
    # only the head the verifier kept shows that a whole import is missing.
    before, after, head_before, head_after = two_states
    with lingtan.open(before) as ws:
        export_bundle(ws.con, "minimal", tmp_path / "old.zip")
    assert verify_bundle(tmp_path / "old.zip").ok
    text = _refused(tmp_path / "old.zip", "--expect-head", head_after)
    assert f"no record carries the head {head_after} you expected" in text
    with lingtan.open(after) as ws:
        export_bundle(ws.con, "minimal", tmp_path / "new.zip")
    report = verify_bundle(tmp_path / "new.zip", head_before.upper())
    assert report.ok and report.chain.to_dict() == {
        "head": head_after, "records": 3, "expected_head": head_before,
        "expected_head_seq": 2, "records_after_expected": 1}


def test_truncated_chain_in_a_workspace_with_expect_head(
        two_states: tuple[Path, Path, str, str]) -> None:
    before, _after, _head_before, head_after = two_states
    runner = CliRunner()
    assert runner.invoke(app, ["verify", "--db", str(before)]).exit_code == 0
    result = runner.invoke(app, ["verify", "--db", str(before), "--expect-head", head_after,
                                 "--json"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    doc = json.loads(result.output)
    assert doc["ok"] is False and doc["chain"]["expected_head_seq"] is None
    assert doc["chain"]["records"] == 2 and len(doc["chain"]["head"]) == 64
    assert any(f"no record carries the head {head_after}" in p for p in doc["problems"])


def test_verify_shows_the_chain_head_to_keep(two_states: tuple[Path, Path, str, str]) -> None:
    _before, after, head_before, head_after = two_states
    result = CliRunner().invoke(app, ["verify", "--db", str(after), "--expect-head",
                                      head_before])
    assert result.exit_code == 0, result.output
    assert f"chain head: {head_after} (3 audit records)" in result.output
    assert "expected head found: audit record 2, 1 record(s) after it" in result.output


def test_expect_head_not_a_hash(bundle: Path) -> None:
    assert "--expect-head 'abc' is not a SHA-256" in _refused(bundle, "--expect-head", "abc")


def test_audit_record_whose_detail_is_not_json(bundle: Path) -> None:
    files = _files(bundle)
    lines = [json.loads(line) for line in files["audit/chain.jsonl"].decode().splitlines()]
    publish = next(r for r in lines if r["action"] == "publish")
    publish["detail_json"] = "not json"
    files["audit/chain.jsonl"] = "".join(json.dumps(r) + "\n" for r in lines).encode()
    _manifest(files)
    problems = verify_bundle(_write(bundle, files)).problems
    assert f"audit/chain.jsonl: audit record {publish['seq']}: hash chain broken (edited or " \
           "removed)" in problems
    assert any(p.endswith(f"differs from what audit record {publish['seq']} published (edited "
                          "after publication)") for p in problems)


def test_two_results_claiming_one_audit_record() -> None:
    from lingtan.store.bundle import _published_problems

    doc = {"kind": "inventory", "seq": 2, "year": 2025, "params": {}, "result": {}}
    sha = hashlib.sha256(b"{}").hexdigest()
    detail = json.dumps({"kind": "inventory", "year": 2025, "params": {}, "sha256": sha})
    problems = _published_problems({2: detail}, {"results/a.json": doc,
                                                 "results/b.json": {**doc, "year": 2024}})
    assert problems == ["results/b.json: audit record 2 is claimed by results/a.json too"]
