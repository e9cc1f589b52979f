"""``careplan steps``: every Gherkin step of the step library, read from the step code.

The steps are declared in ``features/steps/*.py`` as ``@given("pattern", example="...")`` (and
``when``, ``then``, ``step``); this reads those declarations with ``ast``, without importing the code
(which needs pytest-bdd, a test dependency). The step library ships in the source tree only, not in
the installed package: ``careplan steps`` looks for ``features/steps/`` beside the default pack's
source (a checkout), then under the current directory, or where ``--features DIR`` says.
"""

from __future__ import annotations

import ast
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.pack.locate import default_pack_root
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

STEP_KINDS = ("given", "when", "then", "step")


@dataclass(frozen=True)
class StepEntry:
    kind: str  # "step": a When that may also stand as a Given
    pattern: str
    example: str
    file: str
    line: int


def find_features(explicit: Path | None) -> Path:
    """The features directory holding ``steps/``; raises DiagnosticError when there is none."""
    candidates = [explicit] if explicit is not None else [default_pack_root() / "features", Path("features")]
    for folder in candidates:
        if (folder / "steps").is_dir():
            return folder
    raise DiagnosticError([Diagnostic(Location(str(explicit) if explicit else "--features"), "usage.no-steps",
                                      "no step library (features/steps/) here: it ships with the source tree, "
                                      "not the installed package",
                                      hint="run from a checkout of careplan, or give --features PATH/features")])


def _declaration(decorator: ast.expr) -> tuple[str, str, str] | None:
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name)
            and decorator.func.id in STEP_KINDS and decorator.args):
        return None
    pattern = decorator.args[0]
    example = next((k.value for k in decorator.keywords if k.arg == "example"), None)
    if not (isinstance(pattern, ast.Constant) and isinstance(pattern.value, str)
            and isinstance(example, ast.Constant) and isinstance(example.value, str)):
        return None
    return decorator.func.id, pattern.value, example.value


def step_catalogue(features: Path) -> list[StepEntry]:
    """Every declared step, in the order of the files and of the declarations in them."""
    entries: list[StepEntry] = []
    for path in sorted((features / "steps").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                found = _declaration(decorator)
                if found is not None:
                    entries.append(StepEntry(*found, f"steps/{path.name}", node.lineno))
    return sorted(entries, key=lambda e: (e.file, e.line))


def _keyword(kind: str) -> str:
    return "When" if kind == "step" else kind.capitalize()


def steps_text(entries: list[StepEntry]) -> str:
    lines: list[str] = []
    for kind in STEP_KINDS[:3]:
        chosen = [e for e in entries if e.kind == kind or (kind == "when" and e.kind == "step")]
        lines += [f"{kind.capitalize()} steps ({len(chosen)}):"]
        lines += [f"  {e.pattern}\n      e.g. {_keyword(e.kind)} {e.example}" for e in chosen]
        lines.append("")
    lines.append(f"{len(entries)} steps; a quoted value is \"...\" (anything but a double quote)")
    return "\n".join(lines) + "\n"


def steps_json(entries: list[StepEntry]) -> str:
    return json.dumps([asdict(e) for e in entries], indent=2, ensure_ascii=False) + "\n"
