"""Where the files shipped with the package are: the default rule pack.

Beside the source tree when run from a checkout, or inside the installed package
(``engine/default_pack/``). Pack discovery (``engine.pack.locate``) falls back to it; the patient
model's default declarations (``engine.patient.declared``) are read from it.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def default_pack_root() -> Path:
    """The project's rules/, knowledge/ and templates/ (installed copies live in engine/default_pack/)."""
    installed = _PACKAGE / "default_pack"
    if (installed / "rules").is_dir():
        return installed
    return _PACKAGE.parent
