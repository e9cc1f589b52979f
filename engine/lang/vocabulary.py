"""The rule language's closed vocabularies, each written once: every other module derives from these.

Categories and actions are the plan contract's words (docs/contract.md, section 3); the order
of each tuple is the order plans list items in. Action kinds are the keys of a ``then`` item.
The two text patterns are the placeholders authors write in wording: ``{alias.field}`` (a value
of a matched fact) and ``{row.column}`` (a decision-table cell).
"""

from __future__ import annotations

import re
from typing import Literal, get_args

Category = Literal["medication", "lifestyle", "stress", "monitoring", "referral", "testing", "screening", "oncology"]
Action = Literal["avoid", "use-alternative", "start", "continue", "stop", "reduce-dose", "increase-dose",
                 "standard-dose", "monitor", "refer", "test", "lifestyle", "not-indicated", "consider"]
Strength = Literal["strong", "moderate", "optional", "weak", "expert-opinion", "no-recommendation"]
# what one item of a rule's ``then`` does; ``assert`` derives a fact, every other kind is a plan output
ActionKind = Literal["assert", "recommend", "goal", "follow_up", "warn", "suppress", "data_gap", "assess"]
OutputKind = Literal["recommend", "goal", "follow_up", "warn", "suppress", "data_gap", "assess"]

CATEGORIES: tuple[Category, ...] = get_args(Category)
ACTIONS: tuple[Action, ...] = get_args(Action)
STRENGTHS: tuple[Strength, ...] = get_args(Strength)
ACTION_KINDS: tuple[ActionKind, ...] = get_args(ActionKind)
OUTPUT_KINDS: tuple[OutputKind, ...] = get_args(OutputKind)

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
TEXT_REF = re.compile(r"\{(" + IDENT + r")\.(" + IDENT + r")\}")  # {alias.field}
ROW_TEXT = re.compile(r"\{row\.(" + IDENT + r")\}")  # {row.column}
