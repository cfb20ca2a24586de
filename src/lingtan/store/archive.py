"""Reading an untrusted verifier bundle (a zip archive): refuse first, then extract.

A bundle comes from outside, so nothing in it is used before its zip central directory
has been checked, and nothing is extracted that the manifest does not list:

1. :func:`open_zip` opens the archive (a missing path, a directory or a file that is not
   a zip is refused).
2. :func:`check_directory` reads only the central directory and refuses unsafe names
   (absolute, ``..``, ``.`` or empty components, backslashes, drive letters, control
   characters), duplicates (also differing only in case), symbolic links and other
   special files, encrypted entries, unsupported compression, too many entries, an
   entry or a total over the size caps, and an entry whose declared compression ratio
   is that of a zip bomb.
3. :func:`read_manifest` reads ``manifest.json`` (capped, duplicate keys refused) and
   checks its shape.
4. :func:`check_listing` refuses every file entry the manifest does not list, every
   listed file that is missing, and every directory entry (``zip -r`` writes them) that
   is not a parent folder of a listed file; such parent directory entries are accepted.
5. :func:`extract_listed` streams each listed entry to disk in chunks, hashing as it
   goes (a large entry is never held in memory), and names each whose SHA-256 differs
   from the manifest. zipfile stops every entry at its declared size, so the caps
   checked in step 2 also bound what is written.

Every refusal raises :class:`~lingtan.errors.BundleError` naming the entry and the reason.

Caps (module constants; the size checks read them at call time):

=========================  ===========  =================================================
constant                   value        bounds
=========================  ===========  =================================================
``MAX_ENTRIES``            10,000       entries in the central directory
``MAX_ENTRY_BYTES``        4 GiB        one entry, uncompressed
``MAX_TOTAL_BYTES``        8 GiB        all entries together, uncompressed
``MAX_JSON_BYTES``         64 MiB       ``manifest.json`` and each ``results/*.json``
                                        (read whole); each line of ``audit/chain.jsonl``
``MAX_COMPRESSION_RATIO``  100          uncompressed / compressed size of an entry over
                                        ``RATIO_FLOOR_BYTES`` (1 MiB); deflate reaches
                                        about 1,000 at most, which zip bombs use
=========================  ===========  =================================================
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

from lingtan.errors import BundleError, Problem
from lingtan.store.audit import SHA256_HEX

MAX_ENTRIES = 10_000
MAX_ENTRY_BYTES = 4 * 2**30
MAX_TOTAL_BYTES = 8 * 2**30
MAX_JSON_BYTES = 64 * 2**20
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 2**20
CHUNK_BYTES = 2**20

MANIFEST = "manifest.json"
CHAIN = "audit/chain.jsonl"
_LISTED_PREFIXES = ("package/", "results/")
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_DRIVE = re.compile(r"[A-Za-z]:")
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


@dataclass(frozen=True)
class Manifest:
    """What ``manifest.json`` declares: the site, the audit chain head, file → SHA-256."""

    site: str
    chain_head: str | None
    files: dict[str, str]


def open_zip(path: Path) -> zipfile.ZipFile:
    """Open ``path`` as a zip archive, or refuse it with the reason."""
    if not path.exists():
        _refuse(path, "", "no such file")
    if path.is_dir():
        _refuse(path, "", "is a directory, not a zip file")
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        _refuse(path, "", "not a zip file (or a damaged one)")
    except OSError as exc:
        _refuse(path, "", f"cannot read it: {exc.strerror or exc}")
    except (ValueError, EOFError, NotImplementedError) as exc:
        _refuse(path, "", f"damaged zip file: {exc}")


def check_directory(zf: zipfile.ZipFile, path: Path) -> None:
    """Refuse unsafe names, duplicates, links, encryption and sizes over the caps."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        _refuse(path, "", f"{len(infos)} entries, more than the cap of {MAX_ENTRIES} "
                          "(lingtan.store.archive.MAX_ENTRIES)")
    problems: list[Problem] = []
    seen: set[str] = set()
    for info in infos:
        reason = _unsafe_name(info.filename) or _duplicate(info.filename, seen) \
            or _unsafe_kind(info) or _over_cap(info)
        if reason:
            problems.append(Problem(info.filename, None, None, reason))
    total_bytes = sum(info.file_size for info in infos)
    if total_bytes > MAX_TOTAL_BYTES:
        problems.append(Problem("", None, None, f"{total_bytes} bytes uncompressed in all, "
                                f"more than the cap of {MAX_TOTAL_BYTES} "
                                "(lingtan.store.archive.MAX_TOTAL_BYTES)"))
    if problems:
        raise BundleError(str(path), problems)


def _unsafe_name(name: str) -> str | None:
    if not name:
        return "an empty name"
    if any(not ch.isprintable() for ch in name):
        return "a control character in the name"
    if "\\" in name:
        return "a backslash in the name (not a portable zip path)"
    if name.startswith("/"):
        return "an absolute path"
    if _DRIVE.match(name):
        return "a drive letter in the name"
    parts = name.removesuffix("/").split("/")
    if ".." in parts:
        return "a '..' component: the path leaves the bundle"
    if "." in parts or "" in parts:
        return "a '.' or empty path component"
    return None


def _duplicate(name: str, seen: set[str]) -> str | None:
    key = name.casefold()
    if key in seen:
        return "appears twice in the bundle (names compared ignoring case)"
    seen.add(key)
    return None


def _unsafe_kind(info: zipfile.ZipInfo) -> str | None:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "not a regular file or directory"
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.compress_type not in _METHODS:
        return f"compression method {info.compress_type} is not supported"
    return None


def _over_cap(info: zipfile.ZipInfo) -> str | None:
    whole = info.filename == MANIFEST or info.filename.startswith("results/")
    cap, cap_name = (MAX_JSON_BYTES, "MAX_JSON_BYTES") if whole else \
        (MAX_ENTRY_BYTES, "MAX_ENTRY_BYTES")
    if info.file_size > cap:
        return (f"{info.file_size} bytes uncompressed, more than the cap of {cap} "
                f"(lingtan.store.archive.{cap_name})")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
        return (f"compressed {ratio:.0f} to 1, more than the cap of {MAX_COMPRESSION_RATIO} "
                "(lingtan.store.archive.MAX_COMPRESSION_RATIO): a zip bomb?")
    return None


def read_manifest(zf: zipfile.ZipFile, path: Path) -> Manifest:
    """Parse and check ``manifest.json`` (after :func:`check_directory`)."""
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        _refuse(path, MANIFEST, "missing: a bundle has its manifest at the top of the zip")
    try:
        doc = json.loads(read_small(zf, info, path), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError:
        _refuse(path, MANIFEST, "not UTF-8 text")
    except json.JSONDecodeError as exc:
        raise BundleError(str(path), [Problem(MANIFEST, exc.lineno, None,
                                              f"not JSON: {exc.msg}")]) from exc
    except _DuplicateKeyError as exc:
        _refuse(path, MANIFEST, f"the key {exc.args[0]!r} appears twice")
    problems = _manifest_problems(doc)
    if problems:
        raise BundleError(str(path), problems)
    return Manifest(doc["site"], doc["chain_head"], dict(doc["files"]))


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _manifest_problems(doc: Any) -> list[Problem]:
    if not isinstance(doc, dict):
        return [Problem(MANIFEST, None, None, "not a JSON object")]
    bad = [Problem(MANIFEST, None, key, "unknown key")
           for key in doc if key not in ("site", "chain_head", "files")]
    if not isinstance(doc.get("site"), str) or not doc["site"]:
        bad.append(Problem(MANIFEST, None, "site", "missing or not a site id"))
    head = doc.get("chain_head")
    if head is not None and not (isinstance(head, str) and SHA256_HEX.fullmatch(head)):
        bad.append(Problem(MANIFEST, None, "chain_head", "not null or a SHA-256 (64 hex digits)"))
    files = doc.get("files")
    if not isinstance(files, dict):
        return [*bad, Problem(MANIFEST, None, "files", "missing or not an object")]
    if CHAIN not in files:
        bad.append(Problem(MANIFEST, None, "files", f"{CHAIN!r} is not listed: a bundle holds "
                           "the audit chain (bundles exported before it did lack it: export "
                           "again)"))
    for name, sha in files.items():
        reason = _unsafe_name(name) or _unlistable(name)
        if reason is None and not (isinstance(sha, str) and SHA256_HEX.fullmatch(sha)):
            reason = "its SHA-256 is not 64 lower-case hex digits"
        if reason:
            bad.append(Problem(MANIFEST, None, "files", f"{name!r}: {reason}"))
    return bad


def _unlistable(name: str) -> str | None:
    if name == CHAIN or (name.startswith(_LISTED_PREFIXES) and not name.endswith("/")):
        return None
    return f"a bundle lists only files under {', '.join(_LISTED_PREFIXES)} and {CHAIN}"


def check_listing(zf: zipfile.ZipFile, manifest: Manifest, path: Path) -> None:
    """Refuse entries the manifest does not list, and listed files that are missing."""
    folders = {str(parent) + "/" for name in manifest.files
               for parent in PurePosixPath(name).parents if str(parent) != "."}
    problems = []
    present = set()
    for info in zf.infolist():
        name = info.filename
        present.add(name)
        if info.is_dir():
            if name not in folders:
                problems.append(Problem(name, None, None, "a directory entry that holds no "
                                        "file of the manifest"))
            elif info.file_size:
                problems.append(Problem(name, None, None, "a directory entry with content"))
        elif name != MANIFEST and name not in manifest.files:
            problems.append(Problem(name, None, None, "not listed in the manifest"))
    problems += [Problem(name, None, None, "listed in the manifest but missing")
                 for name in manifest.files if name not in present]
    if problems:
        raise BundleError(str(path), problems)


def extract_listed(zf: zipfile.ZipFile, manifest: Manifest, target: Path,
                   path: Path) -> list[str]:
    """Stream every listed entry to ``target``; name each whose SHA-256 differs."""
    problems = []
    for name, sha in sorted(manifest.files.items()):
        dest = target.joinpath(*name.split("/"))
        if not dest.resolve().is_relative_to(target.resolve()):  # checked before; belt
            _refuse(path, name, "the path leaves the bundle")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if _copy_hashing(zf, zf.getinfo(name), dest, path) != sha:
            problems.append(f"{name}: content differs from the manifest (edited)")
    return problems


def _copy_hashing(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, path: Path) -> str:
    digest = hashlib.sha256()
    written = 0
    try:
        with zf.open(info) as src, dest.open("wb") as sink:
            while chunk := src.read(CHUNK_BYTES):
                written += len(chunk)
                if written > info.file_size:  # zipfile stops at it; never trust blindly
                    _refuse(path, info.filename, "longer than its declared size")
                digest.update(chunk)
                sink.write(chunk)
    except _READ_ERRORS as exc:
        raise BundleError(str(path), [Problem(info.filename, None, None,
                                              f"damaged: {exc}")]) from exc
    except OSError as exc:
        raise BundleError(str(path), [Problem(info.filename, None, None, "cannot extract it: "
                                              f"{exc.strerror or exc}")]) from exc
    return digest.hexdigest()


def read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """The whole content of an entry capped at ``MAX_JSON_BYTES`` (manifest, results)."""
    if info.file_size > MAX_JSON_BYTES:
        _refuse(path, info.filename, f"{info.file_size} bytes, more than the cap of "
                                     f"{MAX_JSON_BYTES} (lingtan.store.archive.MAX_JSON_BYTES)")
    try:
        with zf.open(info) as src:
            return src.read()  # zipfile stops at the declared size, checked above
    except _READ_ERRORS as exc:
        raise BundleError(str(path), [Problem(info.filename, None, None,
                                              f"damaged: {exc}")]) from exc


def _refuse(path: Path, entry: str, reason: str) -> NoReturn:
    raise BundleError(str(path), [Problem(entry, None, None, reason)])
