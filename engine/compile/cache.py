"""A cache of loaded and compiled packs, so that one ``careplan generate`` does not re-check
and re-compile an unchanged pack of thousands of table rows on every run.

The key is the pack's digest (every rule, table and template byte) together with a digest of
the engine's own source and the Python version, so an edited pack or engine is never served
from the cache. Entries live in ``$CAREPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/careplan``,
else ``~/.cache/careplan``; ``CAREPLAN_NO_CACHE=1`` turns the cache off. A cache that cannot
be read or written is ignored: the pack is then loaded and compiled as usual.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from engine.compile.compiler import CompiledPack, compile_pack
from engine.pack.load import Pack, load_pack, pack_digest

_ENGINE = Path(__file__).resolve().parent.parent  # the whole engine package


@lru_cache(maxsize=1)
def engine_digest() -> str:
    digest = hashlib.sha256(sys.version.encode())
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


def load_compiled(root: Path) -> tuple[Pack, CompiledPack]:
    """The pack at ``root``, checked and compiled, from the cache when nothing has changed."""
    directory = cache_dir()
    if directory is None:
        pack = load_pack(root)
        return pack, compile_pack(pack)
    digest = pack_digest(root)
    entry = directory / f"{digest.removeprefix('sha256:')[:24]}-{engine_digest()}.pickle"
    try:
        with entry.open("rb") as handle:
            pack, compiled = pickle.load(handle)
        if isinstance(pack, Pack) and isinstance(compiled, CompiledPack) and pack.digest == digest:
            pack.root = root
            return pack, compiled
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
        pass  # absent, stale or unreadable: rebuild below
    pack = load_pack(root)
    compiled = compile_pack(pack)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".tmp") as scratch:
            pickle.dump((pack, compiled), scratch, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(scratch.name, entry)  # atomic: a concurrent reader never sees half a file
    except OSError:
        pass  # a read-only home is no reason to fail
    return pack, compiled
