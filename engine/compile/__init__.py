"""Compiling a checked pack into durable-rules JSON rulesets (strata, probes, partitioning within
durable's measured limits), and the cache of compiled packs.

Pure apart from the cache. May import: source, facts, lang, clinical, pack.
"""

from __future__ import annotations
