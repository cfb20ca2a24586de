"""Progress of an import, reported to whoever shows it (the CLI draws it with rich).

The importer calls a :class:`ImportProgress`: once per file it reads (its name, then its
rows) and once per later phase. :class:`Silent` ignores everything (the library's
default, ``--json`` and output that is not a terminal); the CLI's :class:`RichProgress`
draws one bar per file with its rows and rows/s.
"""

from __future__ import annotations

import time
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class ImportProgress(Protocol):
    """What an import reports while it runs."""

    def file_started(self, name: str) -> None: ...

    def file_done(self, name: str, rows: int) -> None: ...

    def phase(self, name: str) -> None: ...

    def close(self) -> None: ...


class Silent:
    """Reports nothing."""

    def file_started(self, name: str) -> None:
        pass

    def file_done(self, name: str, rows: int) -> None:
        pass

    def phase(self, name: str) -> None:
        pass

    def close(self) -> None:
        pass


class RichProgress:
    """A bar per file (rows, rows/s) and a line per phase, on ``console`` (stderr)."""

    def __init__(self, console: Console) -> None:
        self._bars = Progress(
            TextColumn("{task.description}", markup=False), BarColumn(),
            TextColumn("{task.fields[rows]:>12} rows"), TextColumn("{task.fields[rate]:>14}"),
            TimeElapsedColumn(), console=console, transient=False)
        self._tasks: dict[str, tuple[TaskID, float]] = {}
        self._phase: TaskID | None = None
        self._bars.start()

    def file_started(self, name: str) -> None:
        task = self._bars.add_task(name, total=1, rows="…", rate="")
        self._tasks[name] = (task, time.monotonic())

    def file_done(self, name: str, rows: int) -> None:
        task, t0 = self._tasks[name]
        rate = rows / max(time.monotonic() - t0, 1e-6)
        self._bars.update(task, completed=1, rows=f"{rows:,}", rate=f"{rate:,.0f} rows/s")

    def phase(self, name: str) -> None:
        self._end_phase()
        self._phase = self._bars.add_task(name, total=None, rows="", rate="")

    def close(self) -> None:
        self._end_phase()
        self._bars.stop()

    def _end_phase(self) -> None:
        if self._phase is not None:
            self._bars.update(self._phase, total=1, completed=1)
