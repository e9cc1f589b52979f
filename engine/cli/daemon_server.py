"""The resident process behind ``careplan daemon start``: packs kept compiled, forwarded commands run here.

``careplan generate`` spends most of a cold run importing the engine and loading the compiled pack
(about 0.85 s and 0.6 s on the 2-core machine, bench/README.md); this process pays that once and
then runs each forwarded command (``engine.daemon.client``) with the caller's working directory,
environment, umask and terminal flags, capturing what the command writes in the order it writes
it. It runs one command at a time: the working directory and environment are the process's own.

Nothing here decides anything about a plan: the command is the same typer command the caller
would have run (``engine.cli.app``), given its Generator by ``HeldPacks``, which loads a pack again
whenever ``source_key`` says a pack file changed. When the engine's own files change (an upgrade,
an edit of a checkout), the process declines the command, so the caller runs it itself, and exits.
It exits too after ``idle`` seconds without a request. It logs nothing about a request.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import io
import os
import signal
import socket
import struct
import sys
import time
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engine.cli import app as commands
from engine.compile.cache import source_key
from engine.daemon.place import ENGINE_DIR, installation
from engine.daemon.protocol import VERSION, ProtocolError, recv_frame, send_frame
from engine.generator import Generator

KEEP_PACKS = 4  # packs held at once (the default, a site pack, an import being tried), about 60 MB each
REQUEST_TIMEOUT = 10.0  # seconds for a caller to send its request once connected


class HeldPacks:
    """Compiled packs by directory, each loaded again when its ``source_key`` changes.

    A pack is held by its path as the command named it and by the directory that path leads to from
    the caller's working directory: a Generator keeps the path it was given (messages name files by
    it), so it serves only commands that name its pack the same way from the same place.
    """

    def __init__(self, keep: int = KEEP_PACKS) -> None:
        self._keep = keep
        self._held: OrderedDict[tuple[str, Path], tuple[str, Generator]] = OrderedDict()

    def __call__(self, root: Path) -> Generator:
        key = source_key(root)
        where = (str(root), root.resolve())
        held = self._held.get(where)
        if held is not None and held[0] == key:
            self._held.move_to_end(where)
            return held[1]
        if held is not None:
            del self._held[where]
        generator = _frozen(root, released=held is not None)
        self._held[where] = (key, generator)
        while len(self._held) > self._keep:
            self._held.popitem(last=False)
        return generator

    def roots(self) -> list[str]:
        return [str(resolved) for _named, resolved in self._held]


def _frozen(root: Path, *, released: bool) -> Generator:
    """A Generator built with the collector paused and then frozen out of its scans (as
    ``engine.generator.resident_generator``); a pack just let go is collected first."""
    if released:
        gc.unfreeze()
    gc.collect()
    gc.disable()
    try:
        return Generator(root)
    finally:
        gc.freeze()
        gc.enable()


def engine_signature() -> list[tuple[str, int, int]]:
    """Every engine source file's path, modification time and size: unequal signatures, other code."""
    signature = []
    for path in sorted(ENGINE_DIR.rglob("*.py")):
        with contextlib.suppress(OSError):
            status = path.stat()
            signature.append((str(path), status.st_mtime_ns, status.st_size))
    return signature


class _Chunks(io.BufferedIOBase):
    """A standard stream that keeps every write, tagged with the stream, in the order of all writes."""

    def __init__(self, chunks: list[tuple[int, bytes]], stream: int, tty: bool) -> None:
        super().__init__()
        self._chunks, self._stream, self._tty = chunks, stream, tty

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        block = bytes(data)
        if block:
            self._chunks.append((self._stream, block))
        return len(block)

    def isatty(self) -> bool:
        return self._tty

    @property
    def name(self) -> str:
        return "<stdout>" if self._stream == 1 else "<stderr>"


def _stream(chunks: list[tuple[int, bytes]], stream: int, request: dict[str, Any]) -> io.TextIOWrapper:
    tty = bool(request["tty"][stream - 1])
    encoding, errors = request["encoding"][stream - 1]
    return io.TextIOWrapper(_Chunks(chunks, stream, tty), encoding=encoding, errors=errors, write_through=True)


@contextlib.contextmanager
def _as_caller(request: dict[str, Any], chunks: list[tuple[int, bytes]]) -> Iterator[None]:
    """The caller's working directory, environment, umask and standard streams, for one command."""
    saved_env = dict(os.environ)
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_umask = os.umask(int(request["umask"]))
    try:
        os.chdir(str(request["cwd"]))
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in dict(request["env"]).items()})
        sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
        sys.stdout, sys.stderr = _stream(chunks, 1, request), _stream(chunks, 2, request)
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):
            sys.stdout.flush()
            sys.stderr.flush()
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.environ.clear()
        os.environ.update(saved_env)
        os.umask(saved_umask)
        os.chdir("/")


def run_command(request: dict[str, Any]) -> tuple[int, list[tuple[int, bytes]]]:
    """The command's exit code and what it wrote, run as the caller would have run it."""
    chunks: list[tuple[int, bytes]] = []
    with _as_caller(request, chunks):
        try:
            commands.app(args=[str(a) for a in request["argv"]], prog_name=str(request["prog"]), standalone_mode=True)
            code = 0
        except SystemExit as exc:  # click's standalone mode ends every command this way
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                sys.stderr.write(f"{exc.code}\n")
                code = 1
    return code, _merged(chunks)


def _merged(chunks: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
    merged: list[tuple[int, bytes]] = []
    for stream, block in chunks:
        if merged and merged[-1][0] == stream:
            merged[-1] = (stream, merged[-1][1] + block)
        else:
            merged.append((stream, block))
    return merged


def _same_user(conn: socket.socket) -> bool:
    """Whether the caller runs as this process's user (Linux's SO_PEERCRED; elsewhere the socket's
    private directory is the only guard)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None or not hasattr(os, "getuid"):
        return True
    credentials = conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return bool(uid == os.getuid())


def bind(path: Path) -> socket.socket:
    """A listening socket at ``path``; a socket file left by a process that is gone is replaced.
    Raises OSError (EADDRINUSE) when a live process listens there."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(path))
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE or _answers(path):
            listener.close()
            raise
        path.unlink()  # nothing listens: a killed process's socket file
        listener.bind(str(path))
    os.chmod(path, 0o600)
    listener.listen(16)
    return listener


def _answers(path: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(str(path))
    except OSError:
        return False
    finally:
        probe.close()
    return True


class Server:
    """Accepts one caller at a time until stopped, idle for ``idle`` seconds, or out of date."""

    def __init__(self, listener: socket.socket, path: Path, held: HeldPacks, idle: float) -> None:
        self.listener, self.path, self.held, self.idle = listener, path, held, idle
        self.served = 0
        self.started = time.time()
        self.signature = engine_signature()
        self._inode = path.stat().st_ino

    def serve(self) -> None:
        self.listener.settimeout(self.idle)
        try:
            while True:
                try:
                    conn, _ = self.listener.accept()
                except TimeoutError:
                    return  # idle: the memory goes back to the machine
                with conn:
                    if _same_user(conn) and not self._handle(conn):
                        return
        finally:
            self.close()

    def close(self) -> None:
        self.listener.close()
        with contextlib.suppress(OSError):
            if self.path.stat().st_ino == self._inode:  # still ours, not a newer process's socket
                self.path.unlink()

    def _handle(self, conn: socket.socket) -> bool:
        """Answer one request; False when the process should stop."""
        conn.settimeout(REQUEST_TIMEOUT)
        try:
            request, _ = recv_frame(conn)
        except (OSError, ProtocolError, ValueError):
            return True
        conn.settimeout(None)
        keep_going = True
        with contextlib.suppress(OSError):  # a caller gone (Ctrl-C) leaves nothing to answer
            if request.get("version") != VERSION or request.get("installation") != installation():
                send_frame(conn, {"status": "declined", "reason": "another version or installation of careplan"})
            elif request.get("op") == "status":
                send_frame(conn, self.status())
            elif request.get("op") == "stop":
                send_frame(conn, {"status": "ok", "pid": os.getpid()})
                keep_going = False
            elif request.get("op") == "run":
                keep_going = self._run(conn, request)
            else:
                send_frame(conn, {"status": "declined", "reason": "unknown request"})
        return keep_going

    def status(self) -> dict[str, Any]:
        return {"status": "ok", "pid": os.getpid(), "served": self.served, "since": int(self.started),
                "packs": self.held.roots(), "idle_seconds": self.idle}

    def _run(self, conn: socket.socket, request: dict[str, Any]) -> bool:
        if engine_signature() != self.signature:
            send_frame(conn, {"status": "declined", "reason": "the engine changed since this process started"})
            return False
        try:
            code, chunks = run_command(request)
        except (OSError, KeyError, TypeError, ValueError):  # e.g. the caller's directory is gone
            send_frame(conn, {"status": "declined", "reason": "the request could not be run here"})
            return True
        self.served += 1
        send_frame(conn, {"status": "done", "exit": code, "streams": [s for s, _ in chunks]},
                   [block for _, block in chunks])
        return True


class Terminated(BaseException):
    """SIGTERM: leave the accept loop (and a command under way) so the socket file is removed."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def serve(path: Path, idle: float, preload: Path | None) -> None:
    """Bind, load the pack a first command will want, then answer callers until done."""
    signal.signal(signal.SIGTERM, _terminate)
    listener = bind(path)
    held = HeldPacks()
    commands.hold_generators(held)
    server = Server(listener, path, held, idle)
    try:
        if preload is not None:
            held(preload)
    except BaseException:
        server.close()
        raise
    os.chdir("/")  # hold no directory a user may want to remove
    with contextlib.suppress(Terminated):
        server.serve()
