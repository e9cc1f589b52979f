"""The client's half: hand ``careplan generate`` (or ``explain``) to a running resident process.

``forward(argv)`` returns the command's exit code once the resident process has run it and its
output has been written here, or None when this process must run the command itself: no resident
process, another installation's, one that declines (its engine changed since it started), a
connection that fails, or a command that is not forwarded. Falling back is always safe, because
the resident process runs the very same command code with this process's working directory,
environment and umask; forwarding only saves the start-up (imports and loading the pack).

Not forwarded, so that nothing can differ or be lost: ``--format pdf`` (it drives a browser),
``--audit-db`` or ``$CAREPLAN_AUDIT_DB`` (an audit entry must record a plan that reached its
reader), a patient read from standard input, and every command other than ``generate`` and
``explain``. ``CAREPLAN_NO_DAEMON=1`` turns forwarding off.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

from engine.daemon.place import installation, private_dir, socket_path
from engine.daemon.protocol import VERSION, ProtocolError, recv_frame, send_frame

FORWARDED = frozenset({"generate", "explain"})
_GLOBAL_FLAGS = frozenset({"--debug", "--verbose"})
_STANDARD_INPUT = ("/dev/stdin", "/dev/fd/", "/proc/self/fd/", "/dev/tty")
CONNECT_TIMEOUT = 2.0  # seconds: a resident process accepts at once, or it is not there
STREAMS = {1: "stdout", 2: "stderr"}


def forwardable(argv: list[str]) -> bool:
    """Whether this command line may be run by the resident process (see the module's docstring)."""
    if os.environ.get("CAREPLAN_NO_DAEMON", "") not in ("", "0") or os.environ.get("CAREPLAN_AUDIT_DB"):
        return False
    rest = list(argv)
    while rest and rest[0] in _GLOBAL_FLAGS:
        rest.pop(0)
    if not rest or rest[0] not in FORWARDED:
        return False
    return not any(_kept_here(arg) for arg in rest[1:])


def _kept_here(arg: str) -> bool:
    return (arg in ("-", "pdf", "-fpdf", "--audit-db") or arg.endswith("=pdf") or arg.startswith("--audit-db=")
            or arg.startswith(_STANDARD_INPUT))


def connect() -> socket.socket | None:
    """A connection to this installation's resident process, or None when there is none to reach."""
    path = socket_path()
    if not hasattr(socket, "AF_UNIX") or private_dir(path.parent, create=False) is not None:
        return None  # no Unix sockets here, or no private place for one: run here
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(CONNECT_TIMEOUT)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        return None
    return sock


def ask(op: str, timeout: float | None = CONNECT_TIMEOUT) -> dict[str, Any] | None:
    """The resident process's answer to ``status`` or ``stop``; None when none answers."""
    sock = connect()
    if sock is None:
        return None
    with sock:
        try:
            send_frame(sock, {"op": op, "version": VERSION, "installation": installation()})
            sock.settimeout(timeout)
            header, _ = recv_frame(sock)
        except (OSError, ProtocolError):
            return None
    return header


def run_request(argv: list[str]) -> dict[str, Any]:
    umask = os.umask(0o077)
    os.umask(umask)
    return {
        "op": "run", "version": VERSION, "installation": installation(), "argv": argv,
        "prog": program_name(), "cwd": os.getcwd(), "env": dict(os.environ),
        "umask": umask,
        "tty": [_isatty(sys.stdout), _isatty(sys.stderr)],
        "encoding": [[getattr(s, "encoding", None) or "utf-8", getattr(s, "errors", None) or "strict"]
                     for s in (sys.stdout, sys.stderr)],
    }


def program_name() -> str:
    """The name usage messages give this program, as click works it out in the process itself: the
    script's file name, or ``python -m package.module`` when run as a module."""
    main = sys.modules.get("__main__")
    package = getattr(main, "__package__", None)
    path = sys.argv[0] if sys.argv and sys.argv[0] else "careplan"
    if not package:
        return os.path.basename(path)
    name = os.path.splitext(os.path.basename(path))[0]
    module = package if name == "__main__" else f"{package}.{name}"
    return f"python -m {module.lstrip('.')}"


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def forward(argv: list[str]) -> int | None:
    """Run the command in the resident process; its exit code, or None to run it here (see above)."""
    if not forwardable(argv):
        return None
    try:
        return _forward(argv)
    except KeyboardInterrupt:  # as the command itself ends on Ctrl-C
        sys.stderr.write("careplan: interrupted\n")
        return 130


def _forward(argv: list[str]) -> int | None:
    sock = connect()
    if sock is None:
        return None
    with sock:
        try:
            send_frame(sock, run_request(argv))
            sock.settimeout(None)  # a plan takes as long as it takes; the server never leaves one unanswered
            header, blobs = recv_frame(sock)
        except (OSError, ProtocolError):
            return None  # it went away: run here (nothing forwarded writes anything but the plan's own file)
    code = header.get("exit")
    streams = header.get("streams")
    if header.get("status") != "done" or not isinstance(code, int) or not isinstance(streams, list):
        return None
    return _replay(streams, blobs, code)


def _replay(streams: list[Any], blobs: list[bytes], code: int) -> int:
    """Write what the command wrote, in its order; a standard output that cannot be written is exit 3,
    as for the command itself."""
    for stream, blob in zip(streams, blobs, strict=False):
        target = sys.stdout if stream == 1 else sys.stderr
        try:
            target.buffer.write(blob)
            target.flush()
        except OSError as exc:
            if stream != 1:
                continue
            silence_stdout()
            sys.stderr.write(f"careplan: cannot write standard output: {exc.strerror or type(exc).__name__}\n")
            return 3
    return code


def silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's last flush is quiet (here and
    in ``engine.cli.app``, which writes the plan when it runs the command itself)."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test runner's buffer): nothing will flush to a closed pipe
