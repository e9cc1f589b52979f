"""``lint.version-not-bumped``: a rule whose logic changed since git HEAD while its version did not.

The logic is the rule's ``when``, ``then`` and ``table`` (the reference and the rows of the table
file), compared as parsed data, so reformatting, comments and key order are not changes, and a
title, description or evidence edit needs no bump. Skipped quietly when the pack is not in a git
work tree, git is not installed, or the file is new since HEAD. A warning: an author mid-edit is
told, ``--strict`` makes it fail.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path
from typing import Any

from engine.authoring.lint.finding import Finding, finding
from engine.lang.rule import RuleSource
from engine.pack.load import Pack
from engine.source.diagnostics import DiagnosticError, Severity
from engine.source.document import parse_text

LOGIC_KEYS = ("when", "then", "table")
_GIT_TIMEOUT = 60


def _git(top: Path | None, *args: str, stdin: bytes | None = None, cwd: Path | None = None) -> bytes | None:
    command = ["git", *(["-C", str(top)] if top else []), *args]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, cwd=cwd, timeout=_GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def work_tree(root: Path) -> Path | None:
    """The top of the git work tree holding the pack, or None."""
    out = _git(None, "rev-parse", "--show-toplevel", cwd=root)
    return Path(out.decode().strip()).resolve() if out else None


def head_files(top: Path, paths: list[str]) -> dict[str, bytes]:
    """The content at HEAD of each path (relative to ``top``) that HEAD has, read by one git process."""
    out = _git(top, "cat-file", "--batch", stdin="".join(f"HEAD:{p}\n" for p in paths).encode())
    found: dict[str, bytes] = {}
    position = 0
    for path in paths if out else []:
        assert out is not None
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[path] = out[position:position + size]
            position += size + 1
    return found


def _table_rows(text: str, name: str) -> Any:
    if name.endswith(".csv"):
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text)) if row]
    return parse_text(text, name).data


def logic(data: Any, table_text: str | None) -> str:
    """The canonical form of a rule file's logic (JSON, keys sorted)."""
    body = {key: data.get(key) for key in LOGIC_KEYS} if isinstance(data, dict) else {}
    table = body.get("table")
    name = table.get("file") if isinstance(table, dict) else None
    if isinstance(name, str) and table_text is not None:
        body["table rows"] = _table_rows(table_text, name)
    return json.dumps(body, sort_keys=True, default=str)


def _changed(source: RuleSource, old_rule: bytes, old_table: bytes | None, new_table: str | None) -> str | None:
    """The version at HEAD when the logic changed and the version did not; None otherwise."""
    try:
        old = parse_text(old_rule.decode("utf-8"), source.doc.path).data
        table_text = old_table.decode("utf-8") if old_table is not None else None
    except (DiagnosticError, UnicodeDecodeError):
        return None  # HEAD's copy did not load: nothing sound to compare with
    if not isinstance(old, dict) or old.get("version") != source.spec.version:
        return None
    if logic(old, table_text if new_table is not None else None) == logic(source.doc.data, new_table):
        return None
    return source.spec.version


def version_not_bumped(pack: Pack) -> list[Finding]:
    root = pack.root.resolve()
    top = work_tree(root)
    if top is None:
        return []
    if not root.is_relative_to(top):
        return []
    prefix = root.relative_to(top).as_posix() if root != top else ""
    sources = pack.sources + pack.inactive
    tables = sorted({s.spec.table.file for s in sources if s.spec.table is not None})
    wanted = [f"{prefix}/{p}" if prefix else p for p in [s.doc.path for s in sources] + tables]
    old = head_files(top, wanted)
    at_head = {p.removeprefix(f"{prefix}/") if prefix else p: content for p, content in old.items()}
    found: list[Finding] = []
    for source in sources:
        if source.doc.path not in at_head:
            continue
        table = source.spec.table.file if source.spec.table else None
        new_table = (pack.root / table).read_text(encoding="utf-8") if table else None
        version = _changed(source, at_head[source.doc.path], at_head.get(table) if table else None, new_table)
        if version is not None:
            found.append(finding(
                source.doc.locate(["version"]), "version-not-bumped",
                f"the rule's when/then/table changed since git HEAD but its version is still {version}",
                severity=Severity.WARNING, rule_id=source.spec.id,
                hint="raise the version (semver: the patch number for a fix, the minor for new behaviour)"))
    return found
