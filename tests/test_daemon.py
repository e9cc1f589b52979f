"""The resident process (``careplan daemon``): a forwarded command prints, writes and exits exactly as
the same command run in its own process, a changed pack or engine is never served stale, and only
its user reaches it.

Every comparison runs the command twice, once forwarded and once with ``CAREPLAN_NO_DAEMON=1``, and
the process's count of commands run shows that the first really was forwarded.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.cli import daemon_server
from engine.daemon import client, place
from engine.daemon.protocol import VERSION, recv_frame, send_frame
from tests.packs import rule_doc, write_pack

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CAREPLAN = [sys.executable, "-m", "engine.cli.entry"]


def _env(runtime: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CAREPLAN_NO_DAEMON"}
    # every command of a test, and the resident process, import this checkout's engine whatever the working
    # directory (beside an installed copy, another directory would import that other installation)
    env.update({"XDG_RUNTIME_DIR": str(runtime), "SOURCE_DATE_EPOCH": "1767225600", "PYTHONPATH": str(ROOT)},
               **extra)
    return env


def _run(runtime: Path, *args: str, cwd: Path = ROOT, **extra: str) -> tuple[int, str, str]:
    done = subprocess.run([*CAREPLAN, *args], cwd=cwd, env=_env(runtime, **extra), capture_output=True,
                          text=True, timeout=600, check=False)
    return done.returncode, done.stdout, done.stderr


def _served(runtime: Path) -> int:
    code, out, err = _run(runtime, "daemon", "status")
    assert code == 0, err
    assert "the resident process is running" in out, out
    return int(out.split(" s, ")[1].split(" commands")[0])


@pytest.fixture(scope="module")
def runtime() -> Iterator[Path]:
    # a short path of its own: a Unix socket's path may not exceed 107 bytes
    directory = Path(tempfile.mkdtemp(prefix="cpd-"))
    code, out, err = _run(directory, "daemon", "start", "--idle-minutes", "30")
    assert code == 0, err
    assert "the resident process is running (pid" in out
    try:
        yield directory
    finally:
        _run(directory, "daemon", "stop")
        shutil.rmtree(directory, ignore_errors=True)


def _both_ways(runtime: Path, *args: str, cwd: Path = ROOT) -> tuple[int, str, str]:
    before = _served(runtime)
    forwarded = _run(runtime, *args, cwd=cwd)
    assert _served(runtime) == before + 1, f"not forwarded: {args}"
    here = _run(runtime, *args, cwd=cwd, CAREPLAN_NO_DAEMON="1")
    assert forwarded == here, args
    return forwarded


@pytest.mark.parametrize("args", [
    ("generate", "examples/complex-patient.yaml"),
    ("generate", "examples/complex-patient.yaml", "--format", "json"),
    ("generate", "examples/pgx-panel.yaml", "--format", "html"),
    ("generate", "examples/bp-2025-pregnancy.yaml", "--format", "fhir"),
    ("generate", "examples/patient-b.yaml", "--audience", "patient", "--format", "html"),
    ("generate", "examples/patient-a.yaml", "--pack", "packs/acc-aha-2017"),
    ("--verbose", "generate", "examples/patient-a.yaml", "--debug"),
    ("explain", "examples/pgx-clopidogrel.yaml"),
    ("explain", "examples/pgx-clopidogrel.yaml", "--why-not", "no.such-rule"),
    ("generate", "examples/no-such-patient.yaml"),
    ("generate", "examples/patient-a.yaml", "--format", "docx"),
    ("generate", "examples/patient-a.yaml", "--format", "fhir", "--audience", "patient"),
    ("generate", "--help"),
])
def test_a_forwarded_command_prints_and_exits_as_one_run_here(runtime: Path, args: tuple[str, ...]) -> None:
    _code, out, err = _both_ways(runtime, *args)
    assert out or err  # something to compare: a plan, a report or a message


def test_bad_input_and_urgent_warnings_keep_their_exit_codes(runtime: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: p\nage: [not, a, number]\n")
    code, _out, err = _both_ways(runtime, "generate", str(bad))
    assert code == 2 and f"{bad}:2:" in err
    crisis = tmp_path / "crisis.yaml"
    crisis.write_text("id: crisis\nvitals: {blood_pressure: [{systolic: 196, diastolic: 124}]}\n")
    code, out, err = _both_ways(runtime, "generate", str(crisis), "--format", "json")
    assert code == 1 and "URGENT:" in err and json.loads(out)["warnings"]


def test_relative_paths_and_the_output_file_are_the_callers(runtime: Path, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "patient-a.yaml", tmp_path / "p.yaml")
    before = _served(runtime)
    code, out, err = _run(runtime, "generate", "p.yaml", "-o", "plan.md", cwd=tmp_path)
    assert (code, out) == (0, ""), err
    assert _served(runtime) == before + 1
    forwarded = (tmp_path / "plan.md").read_bytes()
    mode = (tmp_path / "plan.md").stat().st_mode & 0o777
    (tmp_path / "plan.md").unlink()
    assert _run(runtime, "generate", "p.yaml", "-o", "plan.md", cwd=tmp_path, CAREPLAN_NO_DAEMON="1")[0] == 0
    assert forwarded == (tmp_path / "plan.md").read_bytes() and forwarded.startswith(b"# Care plan for patient-a")
    assert mode == (tmp_path / "plan.md").stat().st_mode & 0o777  # the caller's umask


def test_an_edited_pack_is_loaded_again(runtime: Path, tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "pack", {"r": rule_doc("t.r", {"all": [{"lab": {"name": "egfr"}}]})})
    patient = tmp_path / "p.yaml"
    patient.write_text("id: p1\nlabs: {egfr: 55}\n")
    first = _both_ways(runtime, "generate", str(patient), "--pack", str(pack), "--format", "json")
    assert [r["text"] for r in json.loads(first[1])["recommendations"]] == ["t.r fired"]
    rule = pack / "rules" / "r.yaml"
    rule.write_text(rule.read_text().replace("t.r fired", "the edited text"))
    second = _both_ways(runtime, "generate", str(patient), "--pack", str(pack), "--format", "json")
    assert [r["text"] for r in json.loads(second[1])["recommendations"]] == ["the edited text"]


def test_a_pack_named_from_another_directory_is_named_as_given(runtime: Path, tmp_path: Path) -> None:
    write_pack(tmp_path / "pack", {"r": rule_doc("t.r", {"all": [{"lab": {"name": "egfr"}}]})})
    (tmp_path / "sub").mkdir()
    (tmp_path / "p.yaml").write_text("id: p1\nlabs: {egfr: 55}\n")
    _code, _out, err = _both_ways(runtime, "--verbose", "generate", "p.yaml", "--pack", "pack", cwd=tmp_path)
    assert f"at {tmp_path / 'pack'}" in err
    _code, _out, err = _both_ways(runtime, "--verbose", "generate", "../p.yaml", "--pack", "../pack",
                                  cwd=tmp_path / "sub")
    assert f"at {tmp_path / 'pack'}" in err


@pytest.mark.parametrize("args", [
    ("generate", "examples/patient-a.yaml", "--format", "pdf", "-o", "{tmp}/a.pdf"),
    ("generate", "examples/patient-a.yaml", "--audit-db", "{tmp}/audit.db"),
    ("validate", "examples/patient-a.yaml"),
])
def test_what_is_not_forwarded_runs_here(runtime: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    before = _served(runtime)
    _run(runtime, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert _served(runtime) == before


@pytest.mark.parametrize(("argv", "forwarded"), [
    (["generate", "p.yaml"], True),
    (["--debug", "generate", "p.yaml", "--format", "html"], True),
    (["explain", "p.yaml", "--why-not", "r"], True),
    (["generate", "p.yaml", "--format", "pdf", "-o", "x.pdf"], False),
    (["generate", "p.yaml", "--format=pdf", "-o", "x.pdf"], False),
    (["generate", "p.yaml", "-fpdf", "-o", "x.pdf"], False),
    (["generate", "p.yaml", "--audit-db", "a.db"], False),
    (["generate", "p.yaml", "--audit-db=a.db"], False),
    (["generate", "-"], False),
    (["generate", "/dev/stdin"], False),
    (["batch", "in.ndjson", "--out", "o"], False),
    (["daemon", "stop"], False),
    ([], False),
])
def test_which_command_lines_are_forwarded(argv: list[str], forwarded: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREPLAN_NO_DAEMON", raising=False)
    monkeypatch.delenv("CAREPLAN_AUDIT_DB", raising=False)
    assert client.forwardable(argv) is forwarded
    monkeypatch.setenv("CAREPLAN_AUDIT_DB", "audit.db")
    assert client.forwardable(argv) is False
    monkeypatch.delenv("CAREPLAN_AUDIT_DB")
    monkeypatch.setenv("CAREPLAN_NO_DAEMON", "1")
    assert client.forwardable(argv) is False


def test_a_socket_directory_open_to_others_is_not_used(runtime: Path) -> None:
    before = _served(runtime)
    directory = runtime / "careplan"
    directory.chmod(0o755)
    try:
        code, out, _err = _run(runtime, "generate", "examples/patient-a.yaml")
        assert code == 0 and out.startswith("# Care plan for patient-a")  # run here instead
        code, _out, err = _run(runtime, "daemon", "start")
        assert code == 2 and "is open to other users" in err and str(directory) in err
    finally:
        directory.chmod(0o700)
    assert _served(runtime) == before


def test_another_installation_is_declined(runtime: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    for installation, expected in ((place.installation(), "ok"), ("/other/python\0/other/engine", "declined")):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(30)
            sock.connect(str(place.socket_path()))
            send_frame(sock, {"op": "status", "version": VERSION, "installation": installation})
            header, _ = recv_frame(sock)
        assert header["status"] == expected


def test_a_changed_engine_is_declined_and_the_command_runs_here(tmp_path: Path) -> None:
    runtime = Path(tempfile.mkdtemp(prefix="cpd-"))
    try:
        assert _run(runtime, "daemon", "start")[0] == 0
        assert _served(runtime) == 0
        engine_file = place.ENGINE_DIR / "daemon" / "__init__.py"
        status = engine_file.stat()
        os.utime(engine_file, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
        try:
            code, out, err = _run(runtime, "generate", "examples/patient-a.yaml")
        finally:
            os.utime(engine_file, ns=(status.st_atime_ns, status.st_mtime_ns))
        assert code == 0 and out.startswith("# Care plan for patient-a"), err
        for _ in range(100):  # it exits once it has declined, removing its socket
            if not list((runtime / "careplan").glob("*.sock")):
                break
            time.sleep(0.1)
        assert not list((runtime / "careplan").glob("*.sock"))
        assert _run(runtime, "daemon", "status")[1] == "careplan: no resident process is running\n"
    finally:
        _run(runtime, "daemon", "stop")
        shutil.rmtree(runtime, ignore_errors=True)


def test_a_killed_process_leaves_a_socket_the_next_one_replaces(tmp_path: Path) -> None:
    runtime = Path(tempfile.mkdtemp(prefix="cpd-"))
    try:
        _code, out, _err = _run(runtime, "daemon", "start")
        pid = int(out.split("(pid ")[1].split(")")[0])
        os.kill(pid, 9)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        assert list((runtime / "careplan").glob("*.sock"))  # left behind
        code, out, _err = _run(runtime, "generate", "examples/patient-a.yaml")
        assert code == 0 and out.startswith("# Care plan for patient-a")  # nobody answers: run here
        assert _run(runtime, "daemon", "start")[0] == 0
        assert _served(runtime) == 0
    finally:
        _run(runtime, "daemon", "stop")
        shutil.rmtree(runtime, ignore_errors=True)


def test_an_idle_process_exits_and_removes_its_socket(tmp_path: Path) -> None:
    path = tmp_path / "d.sock"
    server = daemon_server.Server(daemon_server.bind(path), path, daemon_server.HeldPacks(), idle=0.3)
    worker = threading.Thread(target=server.serve)
    worker.start()
    assert path.exists()
    worker.join(timeout=30)
    assert not worker.is_alive() and not path.exists()
