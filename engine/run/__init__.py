"""Running compiled rulesets: the only door to durable-rules (`runtime`), evaluation stratum by
stratum to a fixpoint, and the trace of what fired.

May import: the stages below it (compile and down). The only package that imports durable.
"""

from __future__ import annotations
