"""Which rule pack a command uses: ``--pack DIR``; else the checkout the command runs in (a
``pack.yaml`` in the current directory or a parent), so an informaticist's edits are what
``validate``, ``generate`` and the rest see; else the default pack installed with the package
(CONTRACT v2, section 1). Every command finds its pack through ``find_pack``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from engine.source.package_files import default_pack_root

PACK_FILE = "pack.yaml"

__all__ = ["PACK_FILE", "PackChoice", "PackOrigin", "default_pack_root", "find_pack"]


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
        return PackChoice(explicit, PackOrigin.OPTION)
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / PACK_FILE).is_file():
            return PackChoice(folder, PackOrigin.CHECKOUT)
    return PackChoice(default_pack_root(), PackOrigin.DEFAULT)
