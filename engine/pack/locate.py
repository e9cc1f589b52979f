"""Which rule pack a command uses: ``--pack DIR``; else the checkout the command runs in (a
``pack.yaml`` in the current directory or a parent), so an informaticist's edits are what
``validate``, ``generate`` and the rest see; else the default pack installed with the package
(CONTRACT v2, section 1). Every command finds its pack through ``find_pack``.

``--pack NAME`` with a bare name that is no directory here names a pack shipped with the package
(``packs/NAME`` beside the default pack, e.g. ``--pack acc-aha-2017``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from engine.source.package_files import default_pack_root

PACK_FILE = "pack.yaml"

__all__ = ["PACK_FILE", "PackChoice", "PackOrigin", "default_pack_root", "find_pack", "shipped_pack"]


class PackOrigin(str, Enum):
    OPTION = "--pack"
    CHECKOUT = "the current directory or a parent"
    DEFAULT = "the default pack"


@dataclass(frozen=True)
class PackChoice:
    root: Path
    origin: PackOrigin


def find_pack(explicit: Path | None, cwd: Path | None = None) -> PackChoice:
    """The pack to use, and why it was chosen."""
    if explicit is not None:
        return PackChoice(shipped_pack(explicit) or explicit, PackOrigin.OPTION)
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / PACK_FILE).is_file():
            return PackChoice(folder, PackOrigin.CHECKOUT)
    return PackChoice(default_pack_root(), PackOrigin.DEFAULT)


def shipped_pack(explicit: Path) -> Path | None:
    """The shipped pack a bare ``--pack NAME`` names, or None (a path, or a directory that exists, is itself)."""
    if explicit.exists() or len(explicit.parts) != 1:
        return None
    candidate = default_pack_root() / "packs" / explicit.name
    return candidate if (candidate / PACK_FILE).is_file() else None
