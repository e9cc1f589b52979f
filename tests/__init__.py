"""careplan's test suite (a package, so test modules can share helpers)."""

from __future__ import annotations
