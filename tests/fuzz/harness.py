"""Run the real CLI on one input in a process of its own and check the outcome against the contract.

CONTRACT.md exit codes: 0 a plan; 1 a plan with urgent warnings; 2 bad input, reported as
``path:line[:col]: error[code] ...``; 3 an unexpected failure. Every fuzzed input must end in
0 or 1 with one JSON plan on stdout, or in 2 with located messages on stderr and nothing on
stdout: never a traceback, a signal, a hang, or exit 3 (for bad input it should be 2; for good
input there should be a plan).

Two runners: ``ForkServer`` (a fork of a warm interpreter per input: fast, isolated) and
``run_exec`` (a fresh ``careplan`` process: slow, exactly what a user runs). ``Tally`` keeps
the counts and a few reproducers per kind of failure, and writes them to ``.fuzz-report.json``.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tests.fuzz.sizing import MEMORY_LIMIT, TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
REPORT = Path(os.environ.get("CAREPLAN_FUZZ_REPORT", ROOT / ".fuzz-report.json"))
FAILURES = ROOT / ".fuzz-failures"
ENV = {"SOURCE_DATE_EPOCH": "1767225600", "COLUMNS": "200"}


@dataclass(frozen=True)
class Outcome:
    """How one CLI run ended."""

    returncode: int  # negative: killed by that signal
    stdout: bytes
    stderr: bytes
    timed_out: bool = False
    seconds: float = 0.0
    runner: str = "fork"
    maxrss_kb: int = 0

    @property
    def exit(self) -> str:
        """The outcome in one word: ``0``..``3``, ``signal-SIGSEGV``, ``hang``."""
        if self.timed_out:
            return "hang"
        if self.returncode < 0:
            return "signal-" + signal.Signals(-self.returncode).name
        return str(self.returncode)


# ---- runners -----------------------------------------------------------------------------------


def _limit_memory() -> None:  # preexec_fn of a fresh careplan process
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def careplan_command() -> list[str]:
    """The venv's ``careplan`` entry point, else ``python -m engine.cli.app``."""
    entry = Path(sys.executable).with_name("careplan")
    return [str(entry)] if entry.is_file() else [sys.executable, "-m", "engine.cli.app"]


def run_exec(argv: list[str], timeout: float = TIMEOUT * 3) -> Outcome:
    """A fresh ``careplan`` process (interpreter start-up and all), with the memory limit."""
    env = {**os.environ, **ENV}
    try:
        done = subprocess.run([*careplan_command(), *argv], capture_output=True, timeout=timeout, env=env,
                              preexec_fn=_limit_memory, cwd=ROOT, check=False)
    except subprocess.TimeoutExpired as exc:
        return Outcome(-9, exc.stdout or b"", exc.stderr or b"", timed_out=True, seconds=timeout, runner="exec")
    return Outcome(done.returncode, done.stdout, done.stderr, runner="exec")


class ForkServer:
    """``tests.fuzz.forkserver`` in a subprocess: one forked, limited child per command."""

    def __init__(self) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="careplan-fuzz-")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.fuzz.forkserver"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            cwd=ROOT, env={**os.environ, **ENV}, text=True, encoding="utf-8")
        ready = self._channel()[1].readline()
        if not ready:
            raise RuntimeError("the fork server did not start")

    def _channel(self) -> tuple[IO[str], IO[str]]:
        assert self._process.stdin is not None and self._process.stdout is not None
        return self._process.stdin, self._process.stdout

    def run(self, argv: list[str], timeout: float = TIMEOUT) -> Outcome:
        out, err = (Path(self._scratch.name) / name for name in ("stdout", "stderr"))
        request = {"argv": argv, "timeout": timeout, "memory": MEMORY_LIMIT, "stdout": str(out), "stderr": str(err)}
        requests, answers = self._channel()
        requests.write(json.dumps(request) + "\n")
        requests.flush()
        answer = json.loads(answers.readline())
        status = int(answer["status"])
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        return Outcome(code, out.read_bytes(), err.read_bytes(), bool(answer["timed_out"]),
                       float(answer["seconds"]), "fork", int(answer["maxrss_kb"]))

    def close(self) -> None:
        requests, _ = self._channel()
        requests.close()
        self._process.wait(timeout=30)
        self._scratch.cleanup()


_SHARED: list[ForkServer] = []


def shared_server() -> ForkServer:
    """One fork server for the whole test session (it costs seconds to start); closed at exit."""
    if not _SHARED:
        _SHARED.append(ForkServer())
        atexit.register(_SHARED[0].close)
    return _SHARED[0]


# ---- the contract ------------------------------------------------------------------------------

_LOCATED = re.compile(r"^(?P<path>.+?):(?P<line>\d+)(?::(?P<col>\d+))?: (?:error|warning)\[(?P<code>[\w.-]+)\]")
_FILE_LEVEL = re.compile(r"^(?P<path>[^:\n]+): (?:error|warning)\[(?P<code>[\w.-]+)\]")
# problems of a whole file, that no line can point at
WHOLE_FILE_CODES = frozenset({"source.not-found", "source.too-large", "source.not-a-file", "source.unreadable",
                              "pack.not-found", "template.missing"})


def diagnostic_problems(stderr: str) -> list[str]:
    """What is wrong with the messages of an exit 2: none, or one that is not located."""
    lines = [line for line in stderr.splitlines() if re.search(r"(?:error|warning)\[", line)]
    if not lines:
        return ["exit-2-without-diagnostic"]
    problems = []
    for line in lines:
        if _LOCATED.match(line):
            continue
        whole = _FILE_LEVEL.match(line)
        if whole and whole.group("code") in WHOLE_FILE_CODES:
            continue
        code = whole.group("code") if whole else "?"
        problems.append(f"unlocated-diagnostic[{code}]")
    return problems


def plan_problems(outcome: Outcome) -> list[str]:
    """A plan exit (0 or 1) must print exactly one JSON plan, and exit 1 exactly when it has urgent warnings."""
    try:
        plan = json.loads(outcome.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ["stdout-not-one-json-plan"]
    if not isinstance(plan, dict) or plan.get("schema") != "careplan/plan@1":
        return ["stdout-not-a-plan"]
    urgent = any(w.get("severity") == "urgent" for w in plan.get("warnings", []))
    if urgent != (outcome.returncode == 1):
        return [f"exit-{outcome.returncode}-but-urgent-warnings-{urgent}"]
    return []


def crash_problems(outcome: Outcome) -> list[str]:
    """What no input may ever cause."""
    problems = []
    if outcome.timed_out:
        problems.append("hang")
    elif outcome.returncode < 0:
        problems.append(outcome.exit)
    if b"Traceback" in outcome.stderr:
        problems.append("traceback")
    if outcome.returncode == 3:
        problems.append("exit-3")
    elif outcome.returncode not in (0, 1, 2) and not outcome.timed_out and outcome.returncode >= 0:
        problems.append(f"exit-{outcome.returncode}")
    return problems


def check_generate(outcome: Outcome, expect: str) -> list[str]:
    """Problems with the outcome of ``careplan generate FILE --format json``; [] when it kept the contract."""
    problems = crash_problems(outcome)
    if problems:
        return problems
    if outcome.returncode in (0, 1):
        problems = plan_problems(outcome)
        if expect == "reject":
            problems.append("accepted-bad-input")
    elif outcome.returncode == 2:
        problems = diagnostic_problems(outcome.stderr.decode("utf-8", "replace"))
        if outcome.stdout.strip():
            problems.append("exit-2-with-stdout")
        if expect == "accept":
            problems.append("rejected-valid-input")
    return problems


def check_validate(outcome: Outcome, expect: str) -> list[str]:
    """Problems with the outcome of ``careplan validate --pack DIR``."""
    problems = crash_problems(outcome)
    if problems:
        return problems
    if outcome.returncode == 0:
        problems = [] if b"inline tests passed" in outcome.stdout else ["exit-0-without-summary"]
        if expect == "reject":
            problems.append("accepted-bad-pack")
    elif outcome.returncode == 2:
        problems = diagnostic_problems(outcome.stderr.decode("utf-8", "replace"))
        if expect == "accept":
            problems.append("rejected-valid-pack")
    else:
        problems = [f"validate-exit-{outcome.returncode}"]
    return problems


# ---- counts and reproducers --------------------------------------------------------------------


@dataclass
class Tally:
    """Counts of one fuzz test, and the smallest few inputs behind each kind of failure."""

    name: str
    tried: int = 0
    duplicates: int = 0
    by_exit: Counter[str] = field(default_factory=Counter)
    by_expect: Counter[str] = field(default_factory=Counter)
    by_runner: Counter[str] = field(default_factory=Counter)
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    _seen: dict[str, Outcome] = field(default_factory=dict)

    def known(self, data: bytes) -> Outcome | None:
        """The outcome of an identical input tried before (hypothesis repeats itself)."""
        found = self._seen.get(hashlib.sha256(data).hexdigest())
        if found is not None:
            self.duplicates += 1
        return found

    def record(self, label: str, data: bytes, expect: str, outcome: Outcome, problems: list[str]) -> None:
        self._seen[hashlib.sha256(data).hexdigest()] = outcome
        self.tried += 1
        self.by_exit[outcome.exit] += 1
        self.by_expect[f"{expect}->{outcome.exit}"] += 1
        self.by_runner[outcome.runner] += 1
        slowest = self.extra.setdefault("slowest", [])
        slowest.append([outcome.seconds, label])
        slowest.sort(reverse=True)
        del slowest[5:]
        for problem in problems:
            self._keep(problem, label, data, outcome)

    def _keep(self, problem: str, label: str, data: bytes, outcome: Outcome) -> None:
        kept = self.failures.setdefault(problem, [])
        entry = {"label": label, "size": len(data), "exit": outcome.exit, "runner": outcome.runner,
                 "stderr": outcome.stderr.decode("utf-8", "replace")[-600:], "input": data}
        kept.append(entry)
        kept.sort(key=lambda e: (e["size"], e["label"]))
        del kept[10:]
        self.extra.setdefault("failure_counts", Counter())[problem] += 1

    @property
    def tracebacks(self) -> int:
        return int(self.extra.get("failure_counts", Counter())["traceback"])

    def summary(self) -> dict[str, Any]:
        counts = self.extra.get("failure_counts", Counter())
        signals = sum(n for k, n in counts.items() if k.startswith("signal-"))
        return {
            "inputs_tried": self.tried, "duplicates_skipped": self.duplicates,
            "outcomes_by_exit": dict(sorted(self.by_exit.items())),
            "expectation_to_outcome": dict(sorted(self.by_expect.items())),
            "runners": dict(sorted(self.by_runner.items())),
            "tracebacks": counts["traceback"], "signals": signals, "hangs": counts["hang"],
            "failures_by_kind": dict(sorted(counts.items())),
            **{k: v for k, v in self.extra.items() if k != "failure_counts"},
        }

    def problems(self) -> list[str]:
        """One line per kind of failure, with its smallest reproducer's label, for the assertion message."""
        return [f"{kind}: {len(entries)}+ e.g. {entries[0]['label']} ({entries[0]['size']} bytes) -> "
                f"{entries[0]['exit']}" for kind, entries in sorted(self.failures.items())]

    def write(self) -> Path:
        """Print the counts, merge them into the report file, save the reproducers; the report's path."""
        return write_section(self.name, self.summary(), self.failures)


def write_section(name: str, summary: dict[str, Any], failures: dict[str, list[dict[str, Any]]]) -> Path:
    """Print one test's counts and merge them, with its reproducers, into the report file."""
    print(f"\n[fuzz] {name}: " + json.dumps(summary, sort_keys=True, default=str))
    report = json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.is_file() else {}
    report[name] = {**summary, "reproducers": save_reproducers(name, failures)}
    REPORT.write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return REPORT


def save_reproducers(name: str, failures: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Each kept failing input as a file under .fuzz-failures/<test>/; one line per file."""
    saved: dict[str, list[str]] = {}
    shutil.rmtree(FAILURES / name, ignore_errors=True)
    for kind, entries in sorted(failures.items()):
        for n, entry in enumerate(entries):
            safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", kind)
            path = FAILURES / name / f"{safe}-{n}.input"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(entry["input"])
            saved.setdefault(kind, []).append(f"{path.relative_to(ROOT)}: {entry['label']} -> {entry['exit']}: "
                                              f"{_last_line(entry['stderr'])}")
    return saved


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip() and not line.startswith(("│", "╰", "╭"))]
    return lines[-1][:200] if lines else ""
