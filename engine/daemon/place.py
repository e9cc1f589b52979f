"""Where the resident process listens: one Unix socket per installation, in a directory private to the user.

A plan is patient data, so the socket lives in a directory that only its owner may enter
(``$XDG_RUNTIME_DIR/careplan``, else ``<tmp>/careplan-<uid>``, created 0700 and refused when it is a
link, someone else's, or open to others), and the server also checks each caller's user id
(``engine.cli.daemon_server``). The socket's name is a digest of the Python executable and the engine
package's path, so two virtual environments, or a checkout and an installed copy, never share one
process: a command is only ever answered by the code it would have run itself.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parent.parent  # the engine package this process imported
# sockaddr_un holds 108 bytes with the terminating zero (Linux); a longer path cannot be bound
MAX_SOCKET_PATH = 107


def installation() -> str:
    """What identifies the code a command runs: the interpreter and the engine package's directory."""
    return f"{os.path.realpath(sys.executable)}\0{ENGINE_DIR}"


def runtime_dir() -> Path:
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base:
        return Path(base) / "careplan"
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"careplan-{uid}"


def socket_path() -> Path:
    name = hashlib.sha256(installation().encode()).hexdigest()[:12]
    return runtime_dir() / f"daemon-{name}.sock"


def private_dir(directory: Path, *, create: bool) -> str | None:
    """None when ``directory`` is a private directory of this user (made 0700 first if ``create``);
    otherwise why it may not hold the socket."""
    try:
        if create:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = os.lstat(directory)
    except FileNotFoundError:
        return f"{directory} does not exist"
    except OSError as exc:
        return f"{directory}: {exc.strerror or type(exc).__name__}"
    if not stat.S_ISDIR(status.st_mode):
        return f"{directory} is not a directory"
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        return f"{directory} belongs to another user"
    if status.st_mode & 0o077:
        return f"{directory} is open to other users (it must be mode 0700)"
    return None
