"""``careplan generate`` imports only what it uses: the modules of other commands are imported by those
commands (engine.cli.app), so every generate does not pay for them."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# modules only other commands use (batch, synth, validate, test, coverage, lint, diff, import-cpic)
OTHER_COMMANDS = ("engine.batch.run", "engine.batch.progress", "rich.progress", "engine.synth.cohort",
                  "engine.authoring.conformance", "engine.authoring.cpic_import", "engine.authoring.coverage",
                  "engine.authoring.inline_tests", "engine.authoring.lint", "engine.authoring.impact_diff",
                  "engine.pack.calculator_vectors")


def _imported_by(statement: str) -> set[str]:
    code = f"import json, sys; {statement}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_the_command_line_imports_no_other_command_s_modules() -> None:
    for name in OTHER_COMMANDS:
        assert importlib.util.find_spec(name) is not None, name  # each is a real module
    loaded = _imported_by("import engine.cli.app")
    assert "engine.generator" in loaded and "engine.cli.app" in loaded
    assert sorted(loaded & set(OTHER_COMMANDS)) == []


def test_a_command_still_imports_its_modules() -> None:
    """The same check sees them once a command that uses them has run."""
    loaded = _imported_by("from typer.testing import CliRunner; import engine.cli.app as a; "
                          "CliRunner().invoke(a.app, ['synth', '--n', '1', '--seed', '1'])")
    assert {"engine.synth.cohort"} <= loaded
