"""careplan's engine: YAML guidelines compiled into durable-rules, run over patient facts."""

from __future__ import annotations

__version__ = "0.1.0"
