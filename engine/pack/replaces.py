"""``replaces:`` in an extending pack's ``pack.yaml``: base folders whose files are not inherited.

Merging by rule id and knowledge path (engine.pack.extend) lets a pack change a base rule or table,
but not drop one: a pack that carries a whole other guideline for a domain (packs/acc-aha-2017 keeps
the 2017 blood-pressure rules while the default pack follows 2025) would otherwise inherit every
base rule of that domain it does not happen to override by id. ``replaces: [rules/bp, knowledge/bp]``
says: of the base pack, no file under these folders is inherited; the extending pack's own files
there are the domain.

Each entry is a folder of the base pack, written relative to the pack root, under ``rules/``,
``knowledge/`` or ``templates/``. A bad entry is an error at its place in pack.yaml.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from engine.source.diagnostics import Diagnostic, DiagnosticError, Location
from engine.source.document import load_file

REPLACEABLE_TOPS = ("rules", "knowledge", "templates")
_HINT = ("list folders of the base pack, e.g. 'replaces: [rules/bp, knowledge/bp]': each under rules/, "
         "knowledge/ or templates/, relative to the pack root")


def replaced_folders(root: Path, base: Path) -> tuple[PurePosixPath, ...]:
    """The base folders the pack at ``root`` replaces (empty when pack.yaml has no ``replaces``).

    Raises DiagnosticError at the entry for a value that is not a list of folder paths, a path
    outside rules/, knowledge/ and templates/, or a folder the base pack does not have."""
    try:
        doc = load_file(root / "pack.yaml", "pack.yaml")
    except (DiagnosticError, OSError):
        return ()  # the loader reports an unreadable pack.yaml
    data = doc.data
    if not isinstance(data, dict) or data.get("replaces") is None:
        return ()
    value = data["replaces"]
    if not isinstance(value, list):
        raise DiagnosticError([Diagnostic(doc.locate(["replaces"]), "pack.bad-replaces",
                                          "replaces must be a list of folders of the base pack", hint=_HINT)])
    folders: list[PurePosixPath] = []
    for index, entry in enumerate(value):
        where = doc.locate(["replaces", index])
        folders.append(_checked_folder(entry, base, where))
    return tuple(folders)


def _checked_folder(entry: object, base: Path, where: Location) -> PurePosixPath:
    if not isinstance(entry, str) or not entry.strip():
        raise DiagnosticError([Diagnostic(where, "pack.bad-replaces", "replaces: each entry is a folder path (text)",
                                          hint=_HINT)])
    folder = PurePosixPath(entry.strip().rstrip("/"))
    parts = folder.parts
    if folder.is_absolute() or ".." in parts or len(parts) < 2 or parts[0] not in REPLACEABLE_TOPS:
        raise DiagnosticError([Diagnostic(where, "pack.bad-replaces",
                                          f"replaces: '{entry}' is not a folder under rules/, knowledge/ or templates/",
                                          hint=_HINT)])
    if not (base / folder).is_dir():
        raise DiagnosticError([Diagnostic(where, "pack.bad-replaces",
                                          f"replaces: the base pack has no folder '{folder}'", hint=_HINT)])
    return folder


def is_replaced(relative: PurePosixPath, folders: tuple[PurePosixPath, ...]) -> bool:
    """Whether a base file (its path relative to the base pack root) lies under a replaced folder."""
    return any(relative.parts[:len(folder.parts)] == folder.parts for folder in folders)
