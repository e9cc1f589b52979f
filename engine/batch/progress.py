"""Progress on standard error: a rich bar (rate, ETA) on a terminal, a plain line every few seconds
otherwise, nothing with ``--quiet``. Never on standard output, never a patient's value."""

from __future__ import annotations

import sys
import time
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

PLAIN_EVERY_SECONDS = 10.0


class Reporter(Protocol):
    def start(self, total: int | None) -> None: ...

    def advance(self, count: int = 1) -> None: ...

    def finish(self) -> None: ...


class QuietReporter:
    def start(self, total: int | None) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


class PlainReporter:
    """One line every PLAIN_EVERY_SECONDS: done/total, rate, ETA (logs and CI keep them readable)."""

    def __init__(self) -> None:
        self.total: int | None = None
        self.done = 0
        self._started = self._last = time.monotonic()

    def start(self, total: int | None) -> None:
        self.total = total
        self._started = self._last = time.monotonic()

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._last >= PLAIN_EVERY_SECONDS:
            self._last = now
            sys.stderr.write(self._line(now) + "\n")
            sys.stderr.flush()

    def _line(self, now: float) -> str:
        rate = self.done / max(now - self._started, 1e-9)
        of = f"/{self.total}" if self.total is not None else ""
        line = f"careplan batch: {self.done}{of} records, {rate:.1f}/s"
        if self.total is not None and rate > 0:
            line += f", about {(self.total - self.done) / rate:.0f} s left"
        return line

    def finish(self) -> None:
        pass


class RichReporter:
    def __init__(self) -> None:
        self._progress = Progress(TextColumn("careplan batch"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[rate]}"),
                                  TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                  console=Console(stderr=True), transient=False)
        self._task: TaskID | None = None
        self._started = time.monotonic()
        self._done = 0

    def start(self, total: int | None) -> None:
        self._started = time.monotonic()
        self._task = self._progress.add_task("records", total=total, rate="")
        self._progress.start()

    def advance(self, count: int = 1) -> None:
        if self._task is None:
            return
        self._done += count
        rate = self._done / max(time.monotonic() - self._started, 1e-9)
        self._progress.update(self._task, advance=count, rate=f"{rate:.1f}/s")

    def finish(self) -> None:
        self._progress.stop()


def reporter(quiet: bool) -> Reporter:
    if quiet:
        return QuietReporter()
    return RichReporter() if sys.stderr.isatty() else PlainReporter()
