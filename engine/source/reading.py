"""Read a source file's text without trusting the path: regular files only, size bounded.

A path may name a directory, a device (``/dev/zero`` never ends), a FIFO (opening one
blocks until a writer comes) or a file far too large. The file is opened non-blocking,
checked with ``fstat`` on the open descriptor (no race between the check and the read),
and read up to its limit; anything else is a located diagnostic, never a hang or a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

MIB = 1024 * 1024
_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def _refuse(shown: str, code: str, message: str, hint: str | None = None) -> DiagnosticError:
    return DiagnosticError([Diagnostic(Location(shown), code, message, hint=hint)])


def _open(path: Path, shown: str) -> int:
    try:
        return os.open(path, _FLAGS)
    except FileNotFoundError:
        raise _refuse(shown, "source.not-found", "no such file") from None
    except OSError as exc:
        raise _refuse(shown, "source.unreadable", exc.strerror or "cannot be read") from None


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _too_large(shown: str, what: str, max_bytes: int) -> DiagnosticError:
    return _refuse(shown, "source.too-large",
                   f"the file is larger than {describe_size(max_bytes)}, the limit for {what}",
                   "check that this is the file you meant")


def describe_size(size: int) -> str:
    """``5242880`` -> ``5 MiB``."""
    if size % MIB == 0:
        return f"{size // MIB} MiB"
    return f"{size} bytes"


def read_text(path: Path, shown: str, *, max_bytes: int, what: str) -> str:
    """The UTF-8 text of a regular file of at most ``max_bytes``; DiagnosticError otherwise."""
    fd = _open(path, shown)
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind is not None:
            raise _refuse(shown, "source.not-a-file", f"this is {kind}, not a file" if kind.startswith("a ") else kind,
                          f"give the path of {what}")
        if info.st_size > max_bytes:
            raise _too_large(shown, what, max_bytes)
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(MIB, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:  # the file grew while it was read
            raise _too_large(shown, what, max_bytes)
    except OSError as exc:
        raise _refuse(shown, "source.unreadable", exc.strerror or "cannot be read") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # point at the first byte that is not UTF-8 (never show it: it may be a patient's text)
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise DiagnosticError([Diagnostic(Location(shown, line, col), "source.encoding",
                                          "the file is not UTF-8 text from here on",
                                          hint="save the file as UTF-8")]) from None
