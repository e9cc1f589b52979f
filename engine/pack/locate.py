"""Where the default rule pack is: beside the source tree, or inside the installed package."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def default_pack_root() -> Path:
    """The project's rules/, knowledge/ and templates/ (installed copies live in engine/default_pack/)."""
    installed = _PACKAGE / "default_pack"
    if (installed / "rules").is_dir():
        return installed
    return _PACKAGE.parent
