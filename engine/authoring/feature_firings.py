"""The rules the project's Gherkin scenarios fire: ``pytest features`` in a subprocess, recorded.

features/coverage_recorder.py writes the fired rule ids to the file ``CAREPLAN_COVERAGE_FILE`` names.
The scenarios run against the project's own pack, so they count only for it (``careplan coverage``
on another pack leaves them out and says so).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

COVERAGE_FILE_ENV = "CAREPLAN_COVERAGE_FILE"


@dataclass(frozen=True)
class FeatureRun:
    firings: frozenset[str]
    passed: bool  # whether every scenario passed (a failing scenario still records what it fired)


def features_folder(pack_root: Path) -> Path | None:
    folder = pack_root / "features"
    return folder if (folder / "conftest.py").is_file() else None


def run_features(pack_root: Path) -> FeatureRun:
    """Run the scenarios under ``pack_root/features`` once; raises OSError when pytest cannot be started."""
    with tempfile.TemporaryDirectory(prefix="careplan-coverage-") as scratch:
        target = Path(scratch) / "firings.txt"
        env = {**os.environ, COVERAGE_FILE_ENV: str(target)}
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "features", "-q", "-p", "no:cacheprovider", "--no-header"],
            cwd=pack_root, env=env, capture_output=True, check=False)
        text = target.read_text(encoding="utf-8") if target.is_file() else ""
    return FeatureRun(frozenset(line for line in text.splitlines() if line), done.returncode == 0)
