"""Run careplan commands, each in a process of its own forked from one warm interpreter.

``python -m tests.fuzz.forkserver`` reads one JSON request per line on stdin
(``{"argv": [...], "timeout": s, "memory": bytes, "stdout": path, "stderr": path}``) and
answers one JSON line per request (``{"status": wait status, "timed_out": bool, ...}``).

Each request forks: the child sets its memory limit (RLIMIT_AS), points its standard streams at
the two files and runs ``engine.cli.app.main()`` exactly as the ``careplan`` entry point does,
ending like the interpreter would (an uncaught exception goes to ``sys.excepthook``, exit 1).
The parent kills a child that outlives its timeout. A segfault, a signal, a hang or a memory
blow-up ends one child, never the fuzzing run. Forking a warm interpreter costs milliseconds
where a fresh ``careplan`` costs seconds; the harness checks on a sample that both give the
same outcome.

The default pack's ``Generator`` is built once in the parent (durable-rules' Host starts no
threads in careplan, so a fork copies it whole): a child's ``generate`` gets the generator as
the CLI would have built it, without the two seconds of loading and registering rulesets.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any, TextIO

POLL = 0.002


def _warm(app: Any) -> None:
    """Build the default pack's generator once; the CLI's ``_generator(None)`` returns it."""
    original = getattr(app, "_generator", None)
    if original is None:  # the CLI changed shape: children build their own (slower, same result)
        return
    default = original(None)

    def generator(pack: Path | None) -> Any:
        return default if pack is None else original(pack)

    app._generator = generator


def _exit_code(exc: SystemExit) -> int:
    """What the interpreter does with a SystemExit's code."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _child(request: dict[str, Any], app: Any, protocol: tuple[int, ...]) -> None:
    """In the forked child: never returns."""
    code = 1
    try:
        for fd in protocol:
            os.close(fd)
        memory = int(request["memory"])
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        for target, path in ((1, request["stdout"]), (2, request["stderr"])):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, target)
            os.close(fd)
        os.environ.update(request.get("env", {}))
        sys.argv = ["careplan", *request["argv"]]
        try:
            app.main()
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc)
        except BaseException:
            sys.excepthook(*sys.exc_info())
            code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)


def _wait(pid: int, timeout: float) -> dict[str, Any]:
    started = time.monotonic()
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - started > timeout:
            os.kill(pid, signal.SIGKILL)
            done, status, usage = os.wait4(pid, 0)
            timed_out = True
            break
        time.sleep(POLL)
    return {"status": status, "timed_out": timed_out, "seconds": round(time.monotonic() - started, 3),
            "maxrss_kb": usage.ru_maxrss}


def serve(requests: TextIO, answers: TextIO, protocol: tuple[int, ...]) -> None:
    from engine.cli import app

    _warm(app)
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in requests:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request, app, protocol)
        answers.write(json.dumps(_wait(pid, float(request["timeout"]))) + "\n")
        answers.flush()


def main() -> None:
    # the protocol moves to fds of its own, so nothing a command prints can corrupt it
    requests_fd, answers_fd = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    with os.fdopen(requests_fd, "r", encoding="utf-8") as requests, \
            os.fdopen(answers_fd, "w", encoding="utf-8") as answers:
        serve(requests, answers, (requests_fd, answers_fd))


if __name__ == "__main__":
    main()
