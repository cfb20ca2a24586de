"""A process killed at any moment of an import leaves the store as it was or complete.

Three ways of killing, each followed by opening the workspace (which recovers a killed
import, :mod:`lingtan.store.batches`), checking its state, ``verify``, and re-running
the import, which must give exactly the uninterrupted import's data:

1. **Torn write-ahead log** (deterministic): the import's data commit is left in the WAL
   (no checkpoint) and the process killed; every prefix of that WAL, at many byte
   offsets, is what a kill while DuckDB writes the commit leaves on disk. With DuckDB
   1.5.6 a torn WAL keeps the commit's optimistically written row groups (the bulk of
   the readings) and drops the rest (the cause of issue 9's 4.1 M orphaned readings).
2. **Named points**: SIGKILL right before and after each of the import's statements that
   commit, and inside the data transaction.
3. **Timed SIGKILL from outside** at points spread over a real import, including right
   after its data commit starts writing the WAL and during the checkpoint after it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import lingtan
from lingtan.store.integrity import verify
from lingtan.store.workspace import verify_audit_chain

from .test_importer import MINIMAL

METERS = 20
#: Enough for DuckDB to write row groups optimistically (122,880 rows each) before commit.
READINGS = 400_000
CHILD = """
import os, signal, sys, lingtan

spec, checkpoint = sys.argv[3], sys.argv[4] == "no-checkpoint"


class KillAt:
    # Delegates to the connection; SIGKILLs itself before/after the n-th statement
    # that starts with a given word (e.g. 'after:COMMIT:2').
    def __init__(self, con, spec):
        self._con, self._seen = con, {}
        self._when, self._word, n = spec.split(":") if spec else ("", "", "0")
        self._n = int(n)

    def execute(self, sql, *args, **kwargs):
        word = " ".join(sql.split()[:3]).upper()
        hit = False
        if self._word and word.startswith(self._word):
            self._seen[self._word] = self._seen.get(self._word, 0) + 1
            hit = self._seen[self._word] == self._n
        if hit and self._when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = self._con.execute(sql, *args, **kwargs)
        if hit and self._when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    def __getattr__(self, name):
        return getattr(self._con, name)


ws = lingtan.open(sys.argv[1])
if checkpoint:
    ws.con.execute("SET checkpoint_threshold = '100GB'")
ws.con = KillAt(ws.con, spec)
print("ready", flush=True)
ws.import_package(sys.argv[2])
print("done", flush=True)
"""


def _big_package(root: Path, readings: int) -> Path:
    """The minimal package plus ``readings`` interval readings of 20 sub-meters."""
    pkg = Path(shutil.copytree(MINIMAL, root / f"big{readings}"))
    with (pkg / "meters.csv").open("a", encoding="utf-8") as fh:
        for i in range(METERS):
            fh.write(f"S{i},sub {i},electricity,kWh,interval,submeter,,15,,\n")
    con = duckdb.connect(":memory:")
    con.execute(
        "COPY (SELECT 'S' || (i % $m) AS meter_id,"
        " strftime(TIMESTAMP '2020-01-01' + to_minutes(15 * (i // $m)), '%Y-%m-%d %H:%M')"
        " AS timestamp, CAST(i % 97 AS VARCHAR) AS value FROM range($n) t(i))"
        " TO '" + str(pkg / "readings" / "big.csv") + "' (HEADER)",
        {"m": METERS, "n": readings},
    )
    con.close()
    return pkg


def _start(db: Path, pkg: Path, spec: str = "", *, no_checkpoint: bool = False
           ) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(pkg), spec,
         "no-checkpoint" if no_checkpoint else "checkpoint"],
        stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child


def _finish(child: subprocess.Popen[str]) -> int:
    try:
        return child.wait(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()


#: Data tables compared between states (batch ids left out: a re-run after a rollback
#: writes the same rows under the next batch id).
_CONTENT = {
    "readings": "meter_id, ts_utc, value, raw_value, flag, version",
    "reading_versions": "meter_id, ts_utc, value, raw_value, flag, version",
    "sites": "site_id, version, is_current, row_sha256",
    "meters": "meter_id, version, is_current, row_sha256",
    "activities": "activity_id, version, is_current, row_sha256",
    "production": "production_id, version, is_current, row_sha256",
    "instruments": "instrument_id, version, is_current, row_sha256",
    "quarantine": "file, row, field, reason",
    "import_files": "file, sha256, rows",
}


def _state(db: Path) -> dict[str, object]:
    """What a user sees: data content, complete batches and import audit records.

    Opening the workspace for writing recovers a killed import first.
    """
    with lingtan.open(db) as ws:
        con = ws.con
        assert verify_audit_chain(con) == []
        report = verify(con)
        assert report.ok, report.problems
        state: dict[str, object] = {
            t: con.execute(f"SELECT count(*), sum(hash({cols})) FROM {t}").fetchone()
            for t, cols in _CONTENT.items()}
        state["complete_batches"] = con.execute(
            "SELECT count(*) FROM import_batches WHERE state = 'complete'").fetchone()
        state["imports_audited"] = con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'import'").fetchone()
        pending = con.execute("SELECT count(*) FROM import_batches WHERE state = 'pending'"
                              ).fetchone()
        assert pending == (0,)
        return state


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A workspace holding the minimal package (``before``), a big package, and the
    state after importing it uninterrupted (``after``)."""
    root = tmp_path_factory.mktemp("kill")
    before_db = root / "before.duckdb"
    with lingtan.open(before_db) as ws:
        ws.import_package(MINIMAL)
    pkg = _big_package(root, READINGS)
    after_db = root / "after.duckdb"
    shutil.copy(before_db, after_db)
    with lingtan.open(after_db) as ws:
        assert ws.import_package(pkg).status == "imported"
    return {"root": root, "before_db": before_db, "pkg": pkg,
            "before": _state(before_db), "after": _state(after_db)}


def _rerun_completes(db: Path, pkg: Path, after: object) -> None:
    with lingtan.open(db) as ws:
        ws.import_package(pkg)
    assert _state(db) == after


def _fresh(scenario: dict[str, object], name: str) -> Path:
    db = Path(str(scenario["root"])) / f"{name}.duckdb"
    for old in db.parent.glob(f"{name}.duckdb*"):
        old.unlink()
    shutil.copy(Path(str(scenario["before_db"])), db)
    return db


@pytest.mark.slow
@pytest.mark.parametrize("commit", [2, 3])
def test_torn_wal_at_many_offsets(scenario: dict[str, object], commit: int) -> None:
    """Every prefix of the WAL that the data commit (2) or the completing commit (3)
    wrote: the store is as before (batch rolled back), or complete only with all of it."""
    pkg = Path(str(scenario["pkg"]))
    db = _fresh(scenario, f"torn{commit}")
    rc = _finish(_start(db, pkg, f"after:COMMIT:{commit}", no_checkpoint=True))
    assert rc == -signal.SIGKILL
    wal = Path(f"{db}.wal")
    full = wal.read_bytes()
    assert len(full) > 2_000  # the data commit's entries are in the WAL
    offsets = sorted({*range(0, len(full), max(1, len(full) // 40)), len(full) - 1,
                      len(full) - 2, len(full) - 16, 297, 298, 300, len(full)})
    tried, orphaned = 0, 0
    for offset in offsets:
        copy = db.with_name(f"torn{commit}-copy.duckdb")
        shutil.copy(db, copy)
        Path(f"{copy}.wal").write_bytes(full[:offset])
        orphaned += _orphans_seen_by_duckdb(copy)
        state = _state(copy)
        expected = scenario["after"] if (commit == 3 and offset == len(full)) \
            else scenario["before"]
        assert state == expected, f"WAL cut at byte {offset} of {len(full)}"
        tried += 1
        if offset in (offsets[len(offsets) // 2], len(full)):
            _rerun_completes(copy, pkg, scenario["after"])
        for f in copy.parent.glob(f"{copy.name}*"):
            f.unlink()
    assert tried >= 40
    if commit == 2:  # the engine behaviour the batch protocol guards against (1.5.6)
        assert orphaned > 0, "DuckDB no longer keeps a torn commit's row groups: update docs"


def _orphans_seen_by_duckdb(db: Path) -> int:
    """Readings of a pending batch that plain DuckDB shows after replaying the WAL."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM readings WHERE batch_id IN (SELECT batch_id"
                          " FROM import_batches WHERE state = 'pending')").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


#: (when, first words of the statement, occurrence): the import's three commits, the
#: data transaction's start and its readings insert, and the unchanged path's end.
KILL_POINTS = [
    ("before", "COMMIT", 1), ("after", "COMMIT", 1),
    ("after", "BEGIN TRANSACTION", 2), ("after", "INSERT INTO READINGS", 1),
    ("before", "COMMIT", 2), ("after", "COMMIT", 2),
    ("before", "COMMIT", 3), ("after", "COMMIT", 3),
]


@pytest.mark.slow
@pytest.mark.parametrize(("when", "word", "n"), KILL_POINTS)
def test_kill_at_named_points(scenario: dict[str, object], when: str, word: str, n: int
                              ) -> None:
    pkg = Path(str(scenario["pkg"]))
    db = _fresh(scenario, "named")
    rc = _finish(_start(db, pkg, f"{when}:{word}:{n}"))
    assert rc == -signal.SIGKILL, "the import finished before the kill point"
    state = _state(db)
    complete = (when, word, n) == ("after", "COMMIT", 3)
    assert state == scenario["after" if complete else "before"]
    _rerun_completes(db, pkg, scenario["after"])


@pytest.mark.slow
def test_timed_kills_from_outside(scenario: dict[str, object]) -> None:
    """SIGKILL at fractions of an uninterrupted import's duration and at a few
    milliseconds after the data commit starts writing the WAL."""
    pkg = Path(str(scenario["pkg"]))
    db = _fresh(scenario, "timed")
    t0 = time.monotonic()
    assert _finish(_start(db, pkg)) == 0
    duration_s = time.monotonic() - t0
    points: list[tuple[str, float]] = [("start", f * duration_s) for f in
                                       (0.1, 0.3, 0.5, 0.7, 0.85, 0.95)]
    points += [("wal", d) for d in (0.0, 0.001, 0.002, 0.004, 0.008, 0.02, 0.05)]
    outcomes = []
    for anchor, delay_s in points:
        db = _fresh(scenario, "timed")
        child = _start(db, pkg)
        if anchor == "wal":  # the data commit's WAL entries go beyond the batch row's
            wal = Path(f"{db}.wal")
            while child.poll() is None and (not wal.exists() or wal.stat().st_size < 1024):
                time.sleep(0.0002)
        time.sleep(delay_s)
        child.send_signal(signal.SIGKILL)
        rc = _finish(child)
        state = _state(db)
        assert state in (scenario["before"], scenario["after"]), (anchor, delay_s, rc)
        outcomes.append(state == scenario["after"])
        _rerun_completes(db, pkg, scenario["after"])
    assert len(outcomes) == 13
    assert not all(outcomes), "every kill came too late to test anything"
