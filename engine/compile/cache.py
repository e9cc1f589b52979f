"""A cache of loaded and compiled packs, so that one ``careplan generate`` does not re-check
and re-compile an unchanged pack of thousands of table rows on every run.

An entry is data, never code: ``engine.compile.snapshot``'s bytes, read back by an unpickler
that builds only the pack's own classes from their fields, so a file planted in the cache
directory can at worst be ignored. It is also checked before it is read:

* the directory must be a real directory (not a link), owned by the user and writable by no
  one else (it is created 0700), inside a parent that others cannot rename it out of;
* the entry must be a regular file (opened without following links), owned by the user and
  writable by no one else (written 0600, then renamed into place so a reader never sees half);
* its first line names the format, the key and the sha256 of the rest, which must match: a
  truncated or damaged entry is ignored and rebuilt.

The key covers everything a compiled pack depends on: the pack's digest (every byte of
pack.yaml, rules/, knowledge/ and templates/), the engine's own source (every module of the
package), the Python version, the versions of durable-rules, pydantic, PyYAML and Jinja2, and
whether drafts are compiled. Entries live in ``$CAREPLAN_CACHE_DIR``, else
``$XDG_CACHE_HOME/careplan``, else ``~/.cache/careplan``; ``CAREPLAN_NO_CACHE=1`` turns the cache
off. A cache that cannot be used is ignored: the pack is then loaded and compiled as usual.

Every edit of a pack, and every engine upgrade, makes a new entry (about 8 MB for the default
pack), so the directory keeps only the ``KEEP_ENTRIES`` entries used most recently: an entry's
modification time is set when it is used, and writing an entry removes the others beyond that
count. Only files named as entries are removed; a reader that already opened one keeps reading it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from engine.compile.compiler import CompiledPack, compile_pack
from engine.compile.snapshot import FORMAT, SnapshotError, decode, encode
from engine.pack.extend import resolve_pack_root
from engine.pack.load import Pack, include_drafts_from_environment, inherited_fields_digest, load_pack, pack_digest

_ENGINE = Path(__file__).resolve().parent.parent  # the whole engine package
_DEPENDENCIES = ("durable-rules", "pydantic", "pydantic-core", "PyYAML", "Jinja2")
_WRITABLE_BY_OTHERS = stat.S_IWGRP | stat.S_IWOTH
KEEP_ENTRIES = 16  # packs in use at once (the default, site packs, imports, a test run's small ones), with room
_ENTRY_NAME = re.compile(r"[0-9a-f]{40}\.entry")


@lru_cache(maxsize=1)
def engine_digest() -> str:
    """The engine's source, the Python version and the versions of the libraries a pack is read with."""
    digest = hashlib.sha256(sys.version.encode())
    for name in _DEPENDENCIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"\0{name}=={version}".encode())
    for path in sorted(_ENGINE.rglob("*.py")):
        digest.update(path.relative_to(_ENGINE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path | None:
    if os.environ.get("CAREPLAN_NO_CACHE"):
        return None
    explicit = os.environ.get("CAREPLAN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "careplan"


def entry_key(digest: str, include_drafts: bool) -> str:
    parts = [FORMAT, digest, engine_digest(), "drafts" if include_drafts else "no-drafts"]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _ours(status: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    owner = os.getuid() if hasattr(os, "getuid") else status.st_uid
    return status.st_uid == owner and not status.st_mode & _WRITABLE_BY_OTHERS


def private_directory(directory: Path) -> bool:
    """Whether the cache directory is safe to read code-free data from: created 0700 when absent;
    refused when it is a link, someone else's, writable by others, or in a parent anyone may
    rename it out of (world-writable without the sticky bit)."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = os.lstat(directory)
        parent = os.stat(directory.parent)
    except OSError:
        return False
    if not stat.S_ISDIR(status.st_mode) or not _ours(status):
        return False
    return not (parent.st_mode & stat.S_IWOTH and not parent.st_mode & stat.S_ISVTX)


def _read(entry: Path, key: str) -> bytes | None:
    """The entry's payload if it is ours, whole and for this key; None otherwise."""
    try:
        descriptor = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode) or not _ours(status):
            return None
        data = handle.read()
    head, _, payload = data.partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        return None
    expected = {"format": FORMAT, "key": key, "sha256": hashlib.sha256(payload).hexdigest()}
    return payload if header == expected else None


def _write(directory: Path, entry: Path, key: str, pack: Pack, compiled: CompiledPack) -> None:
    try:
        with _no_gc():
            payload = encode(pack, compiled)
    except SnapshotError:
        return  # something the format cannot hold faithfully: this pack is not cached
    header = json.dumps({"format": FORMAT, "key": key, "sha256": hashlib.sha256(payload).hexdigest()})
    descriptor, scratch = tempfile.mkstemp(dir=directory, prefix=".entry-", suffix=".tmp")  # 0600
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(header.encode() + b"\n" + payload)
        os.replace(scratch, entry)  # atomic: a concurrent reader never sees half a file
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(scratch)


def _touch(entry: Path) -> None:
    """Mark the entry as used now (the order in which ``_prune`` keeps entries)."""
    with contextlib.suppress(OSError):  # a read-only cache still serves its entries
        os.utime(entry)


def _prune(directory: Path, keep: int) -> None:
    """Remove the entries beyond the ``keep`` used most recently (only files named as entries)."""
    entries: list[tuple[float, str, Path]] = []
    with contextlib.suppress(OSError):
        for path in directory.iterdir():
            if _ENTRY_NAME.fullmatch(path.name):
                with contextlib.suppress(OSError):
                    status = path.lstat()
                    if stat.S_ISREG(status.st_mode):
                        entries.append((status.st_mtime, path.name, path))
    entries.sort(reverse=True)
    for _used, _name, path in entries[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Reading builds some 100,000 objects; the cyclic collector would rescan them over and over
    (measured: about three times slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _cached(entry: Path, key: str, digest: str, root: Path) -> tuple[Pack, CompiledPack] | None:
    payload = _read(entry, key)
    if payload is None:
        return None
    try:
        with _no_gc():
            pack, compiled = decode(payload)
    except (SnapshotError, RecursionError):
        return None  # damaged: rebuilt by the caller
    if pack.digest != digest or compiled.digest != digest:
        return None
    pack.root = root
    return pack, compiled


def entry_file(directory: Path, root: Path, include_drafts: bool, digest: str | None = None) -> tuple[Path, str]:
    """The cache file of the pack at ``root`` and its key: the pack's digest (``digest`` when the caller
    has just worked it out: hashing the default pack's files is 60 ms), and the default pack's fields when
    it reads them (a pack without its own fields.yaml)."""
    key = entry_key((digest or pack_digest(root)) + inherited_fields_digest(root), include_drafts)
    return directory / f"{key[:40]}.entry", key


def source_key(root: Path) -> str:
    """What ``load_compiled(root)`` would return depends on, as one key: equal keys, the same pack.

    A process that keeps a loaded pack (the resident process) compares this key before each use,
    so an edit of any pack file, or of the default pack's fields it reads, is loaded afresh.
    """
    merged = resolve_pack_root(root)
    return entry_key(pack_digest(merged) + inherited_fields_digest(merged), include_drafts_from_environment())


def load_compiled(root: Path) -> tuple[Pack, CompiledPack]:
    """The pack at ``root``, checked and compiled, from the cache when nothing has changed."""
    root = resolve_pack_root(root)  # an extending pack: its merged copy, whose digest covers the base too
    directory = cache_dir()
    include_drafts = include_drafts_from_environment()
    if directory is None or not private_directory(directory):
        pack = load_pack(root, include_drafts=include_drafts)
        return pack, compile_pack(pack)
    digest = pack_digest(root)
    entry, key = entry_file(directory, root, include_drafts, digest)
    found = _cached(entry, key, digest, root)
    if found is not None:
        _touch(entry)
        return found
    pack = load_pack(root, include_drafts=include_drafts)
    compiled = compile_pack(pack)
    if pack.digest == digest:  # not edited while it was being loaded
        try:
            _write(directory, entry, key, pack, compiled)
        except OSError:
            pass  # a read-only cache is no reason to fail
        _prune(directory, KEEP_ENTRIES)
    return pack, compiled
