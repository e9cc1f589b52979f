"""Running ``careplan batch`` as a user does (a subprocess) and comparing output trees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXED_EPOCH = "1767225600"  # 2026-01-01: plans of two runs are then the same bytes


def careplan_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CAREPLAN_")}
    env["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    return env


def careplan_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "engine.cli.app", *args]


def careplan(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(careplan_command(*args), cwd=ROOT, env=careplan_env(), input=stdin,
                          capture_output=True, text=True, timeout=900, check=False)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes), the lock file aside (it is always empty)."""
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file() and path.name != ".lock"}


def synth_cohort(path: Path, n: int, seed: int, bad_share: float = 0.0) -> None:
    result = careplan("synth", "--n", str(n), "--seed", str(seed), "--bad-share", str(bad_share), "--out", str(path))
    assert result.returncode == 0, result.stderr
