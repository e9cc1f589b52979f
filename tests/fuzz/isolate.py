"""Run a function in a forked child, so a segfault in durable-rules ends the child, not pytest.

The child inherits everything the parent built (compiled packs, the durable Host, which
careplan runs without threads), runs the function, and sends its pickled result back
through a pipe. A child that dies by a signal, or outlives the timeout, gives ``Crashed``.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tests.fuzz.sizing import TIMEOUT

T = TypeVar("T")


@dataclass(frozen=True)
class Crashed:
    """The child did not return: a signal (``SIGSEGV``), a hang (``timeout``) or an exception."""

    how: str


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, or None if it has not finished by the deadline."""
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _child(function: Callable[[], T], write_fd: int) -> None:
    status = 0
    faulthandler.disable()  # the parent counts a crash; pytest's dump of this child's stack is noise
    try:
        try:
            payload = pickle.dumps(("ok", function()))
        except BaseException as exc:  # reported to the parent, which re-raises nothing: it compares
            payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"[:500]))
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
    except BaseException:
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def isolated(function: Callable[[], T], timeout: float = TIMEOUT) -> T | Crashed:
    """``function()`` run in a forked child; its result, or how the child failed."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(function, write_fd)
    os.close(write_fd)
    try:
        data = _read_until(read_fd, time.monotonic() + timeout)
    finally:
        os.close(read_fd)
    if data is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return Crashed("timeout")
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return Crashed(signal.Signals(os.WTERMSIG(status)).name)
    if not data:
        return Crashed(f"exit {os.waitstatus_to_exitcode(status)} without a result")
    kind, value = pickle.loads(data)
    return value if kind == "ok" else Crashed(str(value))
