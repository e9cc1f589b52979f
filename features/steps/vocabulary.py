"""What the loaded rule pack can name: its rules, recommendations, medicines, assessments and wording.

A negative step ("the rule X did not fire", "the plan has no recommendation for X") passes
for any X the pack has never heard of, so a typo or a renamed rule would pass silently. Each
negative step first asks this vocabulary whether X is something the pack can produce, and
fails, with the nearest names, when it is not.

The vocabulary is read from the pack's checked rules, after decision tables are expanded into
one rule per row (so row ids and the cells filled into ids, medicines and texts are known),
and from the pack's medicine-class table.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.lang.model import RecommendSpec
from engine.lang.patterns import Pattern
from engine.lang.rule import Rule
from engine.lang.vocabulary import CATEGORIES, TEXT_REF
from engine.pack.load import Pack

# a phrase may not run across a placeholder: the pieces are joined with a character no step uses
_GAP = "\x00"


def _literal(text: str | None) -> str:
    """A text's own words in lower case, with the parts filled in from facts cut out."""
    return TEXT_REF.sub(_GAP, text or "").lower()  # "{alias.field}" is filled from a fact when the rule fires


def _same(made: str, rec_id: str) -> bool:
    """Whether a rule's recommendation id ``made`` names ``rec_id`` (``<rule id>/<drug>`` for a bound drug)."""
    return rec_id == made or rec_id.startswith(made + "/")


def _nearest(name: str, known: Iterable[str]) -> str:
    names = sorted(set(known))
    containing = [k for k in names if name.lower() in k.lower()]
    close = list(dict.fromkeys(containing[:3] + difflib.get_close_matches(name, names, n=3, cutoff=0.6)))[:3]
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


@dataclass
class PackVocabulary:
    """The names and wording a pack can produce, and checks that fail on a name it cannot."""

    pack_name: str
    rule_ids: set[str] = field(default_factory=set)
    # recommendation id -> the rules (as written in their files) that make it
    recommendation_ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # rules whose recommendation id is "<rule id>/<drug>", the drug bound from a fact
    recommendation_id_prefixes: set[str] = field(default_factory=set)
    drugs: set[str] = field(default_factory=set)
    offers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    recommendation_texts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    assessment_kinds: set[str] = field(default_factory=set)
    goal_texts: list[str] = field(default_factory=list)
    data_gap_texts: list[str] = field(default_factory=list)
    suggested_tests: set[str] = field(default_factory=set)

    def __repr__(self) -> str:
        return f"PackVocabulary({self.pack_name})"

    @classmethod
    def of(cls, pack: Pack) -> PackVocabulary:
        names = cls(f"{pack.meta.name} {pack.meta.version} ({pack.root})")
        for rule in pack.rules:
            names._add(rule)
        names.drugs |= set(pack.drug_classes.by_drug)
        return names

    def _add(self, rule: Rule) -> None:
        self.rule_ids |= {rule.id, rule.file_rule_id}
        for variant in (*rule.variants, rule.negations):
            for pattern in variant:
                self._add_pattern_drugs(pattern)
        for action in rule.actions:
            if action.recommend is not None:
                self._add_recommendation(rule, action.recommend)
            elif action.suppress is not None and isinstance(action.suppress.drug, str):
                self.drugs.add(action.suppress.drug)
            elif action.assess is not None and isinstance(action.assess.kind, str):
                self.assessment_kinds.add(action.assess.kind)
            elif action.goal is not None:
                self.goal_texts.append(f"{_literal(action.goal.text)}{_GAP}{_literal(action.goal.target)}")
            elif action.data_gap is not None:
                self.data_gap_texts.append(_literal(action.data_gap.text))
                if action.data_gap.suggested_test:
                    self.suggested_tests.add(action.data_gap.suggested_test)

    def _add_pattern_drugs(self, pattern: Pattern) -> None:
        for test in pattern.tests:
            if (test.field == "drug" or (pattern.type, test.field) == ("medication", "name")) \
                    and test.op in ("eq", "in"):
                values = test.value if isinstance(test.value, tuple) else (test.value,)
                self.drugs |= {v for v in values if isinstance(v, str)}

    def _add_recommendation(self, rule: Rule, spec: RecommendSpec) -> None:
        if spec.id is None and isinstance(spec.drug, dict):
            self.recommendation_id_prefixes.add(rule.id + "/")
        rec_id = spec.id or rule.id
        self.recommendation_ids[rec_id].add(rule.file_rule_id)
        if isinstance(spec.drug, str):
            self.drugs.add(spec.drug)
        self.drugs |= set(spec.alternatives)
        self.offers[rec_id] |= set(spec.alternatives)
        self.recommendation_texts[rec_id].append(_literal(spec.text))

    # --- checks: each fails with what the pack does have ------------------------------------------

    def require_rule(self, rule_id: str) -> None:
        """A rule id of the pack, or the id of a table rule whose rows are ``rule_id[...]``."""
        if rule_id in self.rule_ids or any(r.startswith(rule_id + "[") for r in self.rule_ids):
            return
        makers = self.recommendation_ids.get(rule_id)
        hint = (f"; {rule_id!r} is a recommendation, made by the rule {', '.join(repr(m) for m in sorted(makers))}"
                if makers else _nearest(rule_id, (r.split("[")[0] for r in self.rule_ids)))
        raise AssertionError(f"the rule {rule_id!r} does not exist in the pack {self.pack_name}{hint}")

    def require_recommendation(self, rec_id: str) -> None:
        if rec_id in self.recommendation_ids or any(rec_id.startswith(p) for p in self.recommendation_id_prefixes):
            return
        raise AssertionError(f"no rule of the pack {self.pack_name} makes a recommendation {rec_id!r}"
                             f"{_nearest(rec_id, self.recommendation_ids)}")

    def require_drug(self, drug: str) -> None:
        if drug not in self.drugs:
            raise AssertionError(f"the medicine {drug!r} does not exist in the pack {self.pack_name} "
                                 f"(no rule, table or medicine class names it){_nearest(drug, self.drugs)}")

    def require_offer(self, rec_id: str, drug: str) -> None:
        self.require_recommendation(rec_id)
        offered = {d for r, drugs in self.offers.items() if _same(r, rec_id) for d in drugs}
        if drug not in offered:
            raise AssertionError(f"no rule of the pack {self.pack_name} offers {drug!r} in {rec_id!r}; "
                                 f"it can offer {sorted(offered)}{_nearest(drug, offered)}")

    def require_category(self, category: str) -> None:
        if category not in CATEGORIES:
            raise AssertionError(f"{category!r} is not a recommendation category; the categories are {CATEGORIES}")

    def require_assessment(self, kind: str) -> None:
        if kind not in self.assessment_kinds:
            raise AssertionError(f"no rule of the pack {self.pack_name} makes an assessment {kind!r}"
                                 f"{_nearest(kind, self.assessment_kinds)}")

    def require_recommendation_wording(self, rec_id: str, text: str) -> None:
        self.require_recommendation(rec_id)
        wording = [t for r, texts in self.recommendation_texts.items() if _same(r, rec_id) for t in texts]
        if not any(text.lower() in t for t in wording):
            raise AssertionError(f"no rule of the pack {self.pack_name} words {rec_id!r} with {text!r}, "
                                 "so it can never mention it")

    def require_goal_wording(self, text: str) -> None:
        if not any(text.lower() in t for t in self.goal_texts):
            raise AssertionError(f"no goal of the pack {self.pack_name} mentions {text!r}, "
                                 "so no plan can have one")

    def require_data_gap_wording(self, text: str) -> None:
        if not any(text.lower() in t for t in self.data_gap_texts):
            raise AssertionError(f"no data gap of the pack {self.pack_name} mentions {text!r} in its text, "
                                 "so no plan can have one")

    def require_suggested_test(self, test: str) -> None:
        if test not in self.suggested_tests:
            raise AssertionError(f"no data gap of the pack {self.pack_name} suggests {test!r}"
                                 f"{_nearest(test, self.suggested_tests)}")
