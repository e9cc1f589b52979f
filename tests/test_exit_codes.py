"""Fail closed with the right code (docs/contract.md, section 1), as a script calling careplan sees it.

0 a plan; 1 a plan with urgent warnings, and nothing else; 2 bad input, arguments or an
output path that cannot be; 3 no plan because something failed unexpectedly, in one line
that names the exception's type and never its message (which may quote patient data);
130 interrupted.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from engine.cli import app as app_module
from engine.generator import Generator
from engine.run.runtime import EngineError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "patient-a.yaml"
SECRET = "patient-secret-0731"  # stands for patient data inside an exception's message
runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the patient fails with a bug whose message holds patient data."""
    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError(f"unexpected value {SECRET}")

    monkeypatch.setattr(app_module, "load_patient", boom)


def test_an_unexpected_error_is_exit_3_in_one_line_without_its_message(broken: None) -> None:
    code, out, err = run("generate", str(EXAMPLE))
    assert code == 3
    assert out == ""
    assert err == "careplan: internal error: ValueError; run with --debug for the traceback\n"


@pytest.mark.parametrize("args", [("--debug", "generate", str(EXAMPLE)), ("generate", str(EXAMPLE), "--debug")])
def test_debug_prints_the_traceback_before_or_after_the_command(broken: None, args: tuple[str, ...]) -> None:
    code, _, err = run(*args)
    assert code == 3
    assert "Traceback (most recent call last)" in err and f"ValueError: unexpected value {SECRET}" in err
    assert err.endswith("careplan: internal error: ValueError; run with --debug for the traceback\n")


def test_debug_from_the_environment(broken: None) -> None:
    code, _, err = run("explain", str(EXAMPLE), env={"CAREPLAN_DEBUG": "1"})
    assert code == 3 and "Traceback" in err


def test_a_file_named_debug_after_a_double_dash_is_an_argument(tmp_path: Path) -> None:
    code, _, err = run("generate", "--", "--debug")
    assert code == 2 and "--debug: error[source.not-found]" in err


def test_an_engine_failure_is_exit_3_and_no_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise EngineError("durable-rules failed on ruleset pgx-0: error code 204")

    monkeypatch.setattr(Generator, "run", failing)
    code, out, err = run("generate", str(EXAMPLE), "--format", "json")
    assert (code, out) == (3, "")
    assert err.startswith("error: the engine failed and no plan was produced") and "Traceback" not in err


def test_ctrl_c_is_exit_130_with_a_short_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(app_module, "load_patient", interrupted)
    code, out, err = run("generate", str(EXAMPLE))
    assert (code, out, err) == (130, "", "careplan: interrupted\n")


def test_a_real_sigint_is_exit_130(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    # the child gets Ctrl-C as a terminal's process does: deliverable, with Python's own handler.
    # Started from this test process it inherits the signal mask the suite left there: in runs of
    # the whole suite it got SIGINT undeliverable, its sleep ran out and the command went on
    script = (
        "import signal, sys, time\n"
        "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "import engine.cli.app as app\n"
        "def slow(*args, **kwargs):\n"
        f"    open({str(ready)!r}, 'w').close()\n"
        "    time.sleep(60)\n"
        "app.load_patient = slow\n"
        "sys.argv = ['careplan', 'generate', 'p.yaml']\n"
        "app.main()\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):  # the child is importing the engine
            if ready.exists() or process.poll() is not None:
                break
            time.sleep(0.1)
        assert ready.exists(), process.stderr.read() if process.stderr else ""
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err  # the one line says what ended it otherwise
    assert err == "careplan: interrupted\n" and out == ""


def test_exit_1_only_for_urgent_warnings(tmp_path: Path) -> None:
    crisis = tmp_path / "crisis.yaml"
    crisis.write_text("id: crisis\nvitals: {blood_pressure: [{systolic: 196, diastolic: 124}]}\n")
    assert run("generate", str(crisis), "--format", "json")[0] == 1
    assert run("generate", str(EXAMPLE), "--format", "json")[0] == 0


def test_an_output_path_in_a_missing_directory_is_exit_2_naming_it(tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "plan.md"
    code, out, err = run("generate", str(EXAMPLE), "-o", str(target))
    assert (code, out) == (2, "")
    assert err.startswith(f"{target}: error[usage.bad-output] --out: the directory to write into does not exist")
    assert "hint: " in err and not target.parent.exists()


def test_an_output_path_that_is_a_directory_is_exit_2(tmp_path: Path) -> None:
    code, _, err = run("generate", str(EXAMPLE), "--out", str(tmp_path))
    assert code == 2 and f"{tmp_path}: error[usage.bad-output] --out: this is a directory" in err


def test_the_output_directory_is_checked_before_any_work(tmp_path: Path, broken: None) -> None:
    code, _, err = run("generate", str(EXAMPLE), "-o", str(tmp_path / "missing" / "p.md"))
    assert code == 2 and "internal error" not in err


def test_an_io_error_writing_the_output_file_is_exit_3_in_one_line() -> None:
    code, out, err = run("generate", str(EXAMPLE), "-o", "/dev/full")
    assert (code, out) == (3, "")
    assert err == "careplan: cannot write /dev/full: No space left on device\n"


def test_an_io_error_writing_stdout_is_exit_3_not_1() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "generate", str(EXAMPLE), "--format", "json"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300, check=False)
    assert done.returncode == 3
    assert done.stderr == "careplan: cannot write standard output: No space left on device\n"


def test_a_closed_pipe_is_exit_3_quietly() -> None:
    script = "import sys; sys.stdin.close()"
    reader = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE)
    reader.wait(timeout=60)
    assert reader.stdin is not None
    command = [sys.executable, str(ROOT / "cli.py"), "generate", str(ROOT / "examples/complex-patient.yaml"),
               "--format", "html"]
    done = subprocess.run(command, stdout=reader.stdin, stderr=subprocess.PIPE, text=True, timeout=300, check=False)
    reader.stdin.close()
    assert done.returncode == 3
    assert done.stderr == "careplan: cannot write standard output: Broken pipe\n"


@pytest.mark.parametrize("args", [("generate",), ("generate", str(EXAMPLE), "--no-such-option"), ("no-such-command",)])
def test_usage_errors_are_exit_2(args: tuple[str, ...]) -> None:
    code, out, _ = run(*args)
    assert code == 2 and out == ""


def test_a_segfault_class_input_does_not_crash_the_process(tmp_path: Path) -> None:
    patient = tmp_path / "p.yaml"
    patient.write_text("id: p\nlifestyle: {alcohol_drinks_per_week: 0.00001}\n"
                       "genotypes: [{gene: CYP2D6, diplotype: '*1x3/*4'}]\n"
                       "medications: [{name: codeine, status: planned}]\n")
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "generate", str(patient), "--format", "json"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr[-2000:]  # a plan; never -11 (SIGSEGV) or 3
    assert '"patient_id": "p"' in done.stdout
