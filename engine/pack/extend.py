"""Pack extension: a pack whose ``pack.yaml`` says ``extends: default`` (or a path) is loaded as the
base pack with its own files laid over it.

An institution keeps only what it changes. The two packs are merged into one directory (a private
temporary copy, made once per process and pack content) that the loader reads like any pack:

* rules are merged by rule id: a rule file of the extending pack whose ``id`` is a base rule's id
  replaces that base rule file (an override, recorded with its location for ``careplan lint``); a new
  id adds a rule;
* knowledge/ and templates/ files are merged by path: the extending pack's file replaces the base's
  file of the same path, every other base file is inherited;
* ``replaces: [rules/bp, knowledge/bp]`` (engine.pack.replaces) drops whole base folders: no base file
  under them is inherited, so a pack can carry another guideline for a domain without the base's
  rules of that domain firing beside its own;
* ``pack.yaml`` is the extending pack's own (its name and version name the plan's pack), with the
  base's ``data_versions`` added when it declares none.

Rule files keep their paths relative to the extending pack, so every error names the file the
author wrote. The merged copy's pack digest covers both packs' bytes: editing either invalidates the
compiled-pack cache.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml

from engine.pack.locate import default_pack_root
from engine.pack.replaces import is_replaced, replaced_folders
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location
from engine.source.document import SourceDoc, load_file, parse_text

if TYPE_CHECKING:  # the loader imports this module: the type only, no cycle at run time
    from engine.pack.load import Pack

DEFAULT_BASE = "default"
_ID_LINE = re.compile(r"""^id:[ \t]*["']?([a-z0-9]+(?:[.-][a-z0-9]+)*)["']?[ \t]*(?:#.*)?$""", re.MULTILINE)
_MERGED_FOLDERS = ("knowledge", "templates")


@dataclass(frozen=True)
class Extension:
    """An extending pack merged with its base: where the merged copy is and what it overrides."""

    pack: Path
    base: Path
    merged: Path
    overrides: list[tuple[str, Location]] = field(default_factory=list)
    added: list[tuple[str, Location]] = field(default_factory=list)


_MERGED: dict[Path, Extension] = {}  # merged root -> its extension
_BY_CONTENT: dict[tuple[Path, str], Extension] = {}  # (extending pack, content digest) -> extension
_SCRATCH: list[Path] = []


def extends_of(root: Path) -> str | None:
    """The ``extends:`` of the pack at ``root`` (None when it extends nothing or its pack.yaml is unreadable:
    the loader reports that)."""
    if not (root / "pack.yaml").is_file():
        return None
    try:  # the loader's own reading: size limits, no aliases or tags, as for every pack file
        data = load_file(root / "pack.yaml", "pack.yaml").data
    except (DiagnosticError, OSError):
        return None
    value = data.get("extends") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def resolve_pack_root(root: Path) -> Path:
    """Where the pack at ``root`` is read from: itself, or for a pack that extends another, the merged copy.

    Raises DiagnosticError (at pack.yaml's ``extends``) for a base that is not a pack or a cycle of extends.
    """
    return _resolve(root, ())


def extension_of(root: Path) -> Extension | None:
    """The extension a merged root was made from (None for a pack that extends nothing)."""
    return _MERGED.get(root)


def _resolve(root: Path, seen: tuple[Path, ...]) -> Path:
    if root in _MERGED or root.resolve() in _MERGED:
        return root
    written = extends_of(root)
    if written is None:
        return root
    where = _extends_location(root)
    base = _base_root(root, written, where)
    if base.resolve() in seen + (root.resolve(),):
        raise DiagnosticError([Diagnostic(where, "pack.extends-cycle",
                                          f"{root}: extends '{written}', which leads back to this pack",
                                          hint="a pack extends the default pack or a pack that does not extend it")])
    base_root = _resolve(base, seen + (root.resolve(),))
    return _merge(root, base_root).merged


def _extends_location(root: Path) -> Location:
    try:
        return load_file(root / "pack.yaml", "pack.yaml").locate(["extends"])
    except DiagnosticError:
        return Location("pack.yaml")


def _base_root(root: Path, written: str, where: Location) -> Path:
    base = default_pack_root() if written == DEFAULT_BASE else (root / written)
    if not (base / "rules").is_dir() or not (base / "pack.yaml").is_file():
        raise DiagnosticError([Diagnostic(where, "pack.bad-extends",
                                          f"extends '{written}', which is not a rule pack (no pack.yaml and rules/)",
                                          hint="write 'extends: default' or the path of a pack, relative to this "
                                               "pack's directory")])
    return base


def _content_key(root: Path, base: Path) -> str:
    """sha256 over both packs' file paths and bytes: the same content is merged once per process."""
    digest = hashlib.sha256(str(base).encode() + b"\0")
    for top in (root, base):
        for path in _pack_files(top):
            digest.update(path.relative_to(top).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _pack_files(top: Path) -> list[Path]:
    files = [top / "pack.yaml"] if (top / "pack.yaml").is_file() else []
    for name in ("rules",) + _MERGED_FOLDERS:
        files += sorted(p for p in (top / name).rglob("*") if p.is_file())
    return files


def _merge(root: Path, base: Path) -> Extension:
    key = (root.resolve(), _content_key(root, base))
    known = _BY_CONTENT.get(key)
    if known is not None and known.merged.is_dir():
        return known
    merged = Path(tempfile.mkdtemp(prefix="careplan-pack-")) / "pack"  # 0700 parent: private to this user
    _SCRATCH.append(merged.parent)
    replaced = replaced_folders(root, base)
    own = _own_rule_ids(root)
    base_ids = {rule_id: relative for rule_id, relative in _base_rule_ids(base).items()
                if not is_replaced(PurePosixPath("rules") / relative, replaced)}
    _copy_rules(root, base, merged, own, base_ids)
    for name in _MERGED_FOLDERS:
        _overlay_folder(base / name, merged / name, base, replaced)
        _overlay_folder(root / name, merged / name)
    (merged / "pack.yaml").write_text(_merged_meta(root, base), encoding="utf-8")
    overrides = sorted((rule_id, at) for rule_id, at in own.items() if rule_id in base_ids)
    added = sorted((rule_id, at) for rule_id, at in own.items() if rule_id not in base_ids)
    extension = Extension(root, base, merged, overrides, added)
    _MERGED[merged] = extension
    _MERGED[merged.resolve()] = extension
    _BY_CONTENT[key] = extension
    return extension


def _rule_id(doc: SourceDoc) -> str | None:
    data = doc.data
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _own_rule_ids(root: Path) -> dict[str, Location]:
    """The extending pack's rule ids, each at its ``id`` (a file that does not parse is reported by the loader)."""
    found: dict[str, Location] = {}
    for path in sorted((root / "rules").rglob("*.yaml")):
        try:
            doc = load_file(path, path.relative_to(root).as_posix())
        except DiagnosticError:
            continue
        rule_id = _rule_id(doc)
        if rule_id is not None and rule_id not in found:
            found[rule_id] = doc.locate(["id"])
    return found


def rule_id_of(path: Path) -> str | None:
    """The ``id`` of a rule file: its top-level ``id:`` line, else (an unusual layout) the parsed YAML's.

    The line is enough for rule files as written, and reading it is some 50 times faster than parsing
    the YAML of every base rule on each merge."""
    text = path.read_text(encoding="utf-8")
    line = _ID_LINE.search(text)
    if line is not None:
        return line.group(1)
    try:
        data = parse_text(text, path.name).data
    except DiagnosticError:
        return None  # the loader reports it
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _base_rule_ids(base: Path) -> dict[str, PurePosixPath]:
    """The base pack's rule ids and their files (relative to rules/)."""
    found: dict[str, PurePosixPath] = {}
    for path in sorted((base / "rules").rglob("*.yaml")):
        rule_id = rule_id_of(path)
        if rule_id is not None:
            found[rule_id] = PurePosixPath(path.relative_to(base / "rules").as_posix())
    return found


def _copy_rules(root: Path, base: Path, merged: Path, own: dict[str, Location],
                base_ids: dict[str, PurePosixPath]) -> None:
    """The extending pack's rule files at their own paths; every base rule file not overridden by id."""
    rules = merged / "rules"
    _overlay_folder(root / "rules", rules)
    for rule_id, relative in sorted(base_ids.items()):
        if rule_id in own:
            continue
        target = rules / relative
        if target.exists():  # the extending pack has a file of that path with another id: keep both
            target = rules / "_base" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(base / "rules" / relative, target)


def _overlay_folder(source: Path, target: Path, base: Path | None = None,
                    replaced: tuple[PurePosixPath, ...] = ()) -> None:
    """Copy the files under ``source`` to ``target``, leaving out those under a replaced folder of ``base``."""
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        if base is not None and is_replaced(PurePosixPath(path.relative_to(base).as_posix()), replaced):
            continue
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)


def _merged_meta(root: Path, base: Path) -> str:
    """The extending pack's pack.yaml as written (so its errors keep their lines), with the base's
    data_versions appended when it declares none."""
    text = (root / "pack.yaml").read_text(encoding="utf-8")
    own = _yaml_mapping(text)
    if "data_versions" in own:
        return text
    inherited = _yaml_mapping((base / "pack.yaml").read_text(encoding="utf-8")).get("data_versions")
    if not isinstance(inherited, dict) or not inherited:
        return text
    appended = yaml.safe_dump({"data_versions": inherited}, sort_keys=True, allow_unicode=True)
    return text + ("" if text.endswith("\n") else "\n") + appended


def _yaml_mapping(text: str) -> dict[str, Any]:
    try:
        data = parse_text(text, "pack.yaml").data
    except DiagnosticError:
        return {}
    return data if isinstance(data, dict) else {}


def overrides(pack: Pack) -> list[tuple[str, Location]]:
    """Every base rule the pack replaces by id, with where its replacement's ``id`` is written
    (``rules/overrides/x.yaml:2:5``, relative to the extending pack). Empty for a pack that extends nothing."""
    extension = extension_of(pack.root)
    return list(extension.overrides) if extension is not None else []


@atexit.register
def _remove_scratch() -> None:
    for folder in _SCRATCH:
        shutil.rmtree(folder, ignore_errors=True)
