"""A pack as it was at a git revision, for ``careplan diff --base REV``.

The repository that holds the pack is found from the pack's directory (``git rev-parse``), its tree
at REV is exported with ``git archive`` into a temporary directory, and the pack is read from the
same place inside it, so a pack that extends another pack of the repository by a relative path
sees that pack as it was too.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from engine.source.diagnostics import Diagnostic, DiagnosticError, Location


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    if shutil.which("git") is None:
        raise DiagnosticError([Diagnostic(Location("--base"), "usage.no-git",
                                          "--base needs git, which is not installed")])
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


def _repository(pack: Path) -> tuple[Path, Path]:
    """The repository's top directory and the pack's path inside it."""
    found = _git(["rev-parse", "--show-toplevel"], pack)
    if found.returncode != 0:
        raise DiagnosticError([Diagnostic(Location(str(pack)), "usage.not-in-git",
                                          "--base: the pack directory is not inside a git repository",
                                          hint="compare two pack directories instead: careplan diff PACK_A PACK_B")])
    top = Path(found.stdout.decode().strip()).resolve()
    return top, pack.resolve().relative_to(top)


def export_revision(pack: Path, revision: str, into: Path) -> Path:
    """The pack at ``revision``, written under ``into``; raises DiagnosticError for a revision git does not know."""
    top, inside = _repository(pack)
    if revision.startswith("-"):  # never an option to git
        raise _bad_revision(revision, top)
    known = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], top)
    if known.returncode != 0:
        raise _bad_revision(revision, top)
    commit = known.stdout.decode().strip()
    archive = _git(["archive", "--format=tar", commit], top)
    if archive.returncode != 0:
        raise _bad_revision(revision, top)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")  # "data": no links out, no absolute paths, no devices
    exported = into / inside
    if not (exported / "rules").is_dir():
        raise DiagnosticError([Diagnostic(Location("--base"), "usage.no-pack-at-revision",
                                          f"at {revision} there is no pack at {inside.as_posix() or '.'}",
                                          hint="name a revision in which the pack already existed")])
    return exported


def _bad_revision(revision: str, top: Path) -> DiagnosticError:
    return DiagnosticError([Diagnostic(Location("--base"), "usage.bad-revision",
                                       f"'{revision}' is not a revision of the git repository at {top}",
                                       hint="give a commit, branch or tag, e.g. --base HEAD or --base main")])


def scratch_directory() -> Path:
    return Path(tempfile.mkdtemp(prefix="careplan-diff-"))
