"""The rule language: the rule model authors write, patterns and their checks against the fact
schema, decision tables, and the checked, engine-neutral rule.

May import: source, facts.
"""

from __future__ import annotations
