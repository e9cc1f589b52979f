"""Hypothesis strategies shared by the tests: random patients and random rule packs."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

GENES = ["CYP2C19", "CYP2D6", "CYP2C9"]
DIPLOTYPES = ["*1/*1", "*1/*2", "*2/*2", "*1/*17", "*2/*3"]
PHENOTYPES = ["Poor Metabolizer", "Normal Metabolizer", "Ultrarapid Metabolizer"]
LAB_VALUES: dict[str, list[float]] = {
    "hba1c_percent": [5.7, 6.5, 8, 9, 10, 10.5, 12],
    "egfr": [15, 30, 45, 60, 90],
    "ldl_mg_dl": [70, 100, 130, 190],
    "potassium_mmol_l": [3.5, 5, 5.5],
}
SYSTOLIC = [100, 119, 120, 130, 135, 140, 141, 160, 181]
DIASTOLIC = [60, 70, 79, 80, 85, 90, 100]
MEDICATIONS = ["clopidogrel", "warfarin", "lisinopril"]
CONDITIONS = ["hypertension", "diabetes", "ckd"]


@st.composite
def bp_reading(draw: st.DrawFn) -> dict[str, Any]:
    systolic = draw(st.sampled_from(SYSTOLIC))
    diastolic = draw(st.sampled_from([d for d in DIASTOLIC if d < systolic]))
    return {"systolic": systolic, "diastolic": diastolic,
            "setting": draw(st.sampled_from(["office", "home"]))}


@st.composite
def genotype(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {"gene": draw(st.sampled_from(GENES))}
    if draw(st.booleans()):
        entry["diplotype"] = draw(st.sampled_from(DIPLOTYPES))
    if "diplotype" not in entry or draw(st.booleans()):
        entry["phenotype"] = draw(st.sampled_from(PHENOTYPES))
    return entry


def _optional(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), values)


@st.composite
def patient_data(draw: st.DrawFn, pid: str = "p") -> dict[str, Any]:
    """A patient file's content with values near the thresholds rules use."""
    labs = {name: draw(st.sampled_from(values)) for name, values in LAB_VALUES.items() if draw(st.booleans())}
    lifestyle = {
        "smoking": draw(_optional(st.sampled_from(["current", "former", "never"]))),
        "alcohol_drinks_per_week": draw(_optional(st.sampled_from([0, 4, 7, 14.5, 21]))),
        "activity_minutes_per_week": draw(_optional(st.sampled_from([0, 30, 75, 150, 300]))),
        "sleep_hours": draw(_optional(st.sampled_from([5, 6.5, 7, 8.5]))),
        "resistance_training_days_per_week": draw(_optional(st.integers(0, 7))),
    }
    demographics = {"age": draw(_optional(st.sampled_from([18, 40, 45, 65, 80]))),
                    "sex": draw(_optional(st.sampled_from(["female", "male"])))}
    return {
        "id": pid,
        "demographics": {k: v for k, v in demographics.items() if v is not None},
        "vitals": {"blood_pressure": draw(st.lists(bp_reading(), max_size=3))},
        "labs": labs,
        "lifestyle": {k: v for k, v in lifestyle.items() if v is not None},
        "genotypes": draw(st.lists(genotype(), max_size=3)),
        "medications": draw(st.lists(st.fixed_dictionaries({
            "name": st.sampled_from(MEDICATIONS),
            "status": st.sampled_from(["active", "planned", "stopped"])}), max_size=2)),
        "conditions": draw(st.lists(st.sampled_from(CONDITIONS), max_size=2, unique=True)),
    }


# ---- random rule packs -------------------------------------------------------------------

T, N, I = "text", "number", "integer"
FIELDS: dict[str, dict[str, str]] = {
    "blood_pressure": {"systolic": N, "diastolic": N, "readings": I, "settings": T},
    "lab": {"name": T, "value": N},
    "lifestyle": {"smoking": T, "alcohol_drinks_per_week": N, "activity_minutes_per_week": N,
                  "sleep_hours": N, "resistance_training_days_per_week": I},
    "genotype": {"gene": T, "diplotype": T, "phenotype": T},
    "allele": {"gene": T, "name": T, "slot": I, "diplotype": T},
    "patient": {"age": I, "sex": T},
    "medication": {"name": T, "status": T},
    "condition": {"name": T},
    "finding": {"code": T, "level": N},
    "flag": {"code": T},
}
INPUT = [t for t in FIELDS if t not in ("finding", "flag")]
CODES = ["c1", "c2", "c3"]
VALUES: dict[str, list[Any]] = {
    "systolic": [110, 120, 130, 135, 135.5, 140, 160, 180],
    "diastolic": [70, 79.5, 80, 85, 90, 100],
    "readings": [1, 2, 3],
    "settings": ["office", "home", "home+office"],
    "name": ["hba1c_percent", "egfr", "ldl_mg_dl", "*1", "*2", "*17", *MEDICATIONS, *CONDITIONS],
    "value": [5.7, 6, 8, 9, 10, 10.5, 30, 60, 100, 130],
    "smoking": ["current", "former", "never"],
    "alcohol_drinks_per_week": [0, 4, 7, 14, 14.5],
    "activity_minutes_per_week": [0, 30, 150],
    "sleep_hours": [5, 6.5, 7, 8],
    "resistance_training_days_per_week": [0, 2, 3, 7],
    "gene": GENES,
    "diplotype": DIPLOTYPES,
    "phenotype": PHENOTYPES,
    "slot": [1, 2],
    "age": [18, 40, 45, 65],
    "sex": ["female", "male"],
    "status": ["active", "planned", "stopped"],
    "code": CODES,
    "level": [0, 8, 10, 120, 140, 150],
}
FACT_TYPES = {
    "finding": {"label": "finding {code}", "fields": {"code": "text", "level": "number"}},
    "flag": {"label": "flag {code}", "fields": {"code": "text"}},
}


def _compatible(kind: str, other: str) -> bool:
    return kind == other or T not in (kind, other)


@st.composite
def constraint(draw: st.DrawFn, type_name: str, field: str, bound: dict[str, str]) -> Any:
    kind = FIELDS[type_name][field]
    refs = [f"{alias}.{f}" for alias, t in bound.items() for f, k in FIELDS[t].items() if _compatible(kind, k)]
    if refs and draw(st.integers(0, 4)) == 0:
        ref = draw(st.sampled_from(refs))
        ops = ["eq", "ne"] + (["lt", "le", "gt", "ge"] if kind != T else [])
        return {draw(st.sampled_from(ops)): {"ref": ref}}
    values = VALUES[field]
    ops = ["plain", "eq", "ne", "in", "exists"] + ([] if kind == T else ["lt", "le", "gt", "ge", "between"])
    op = draw(st.sampled_from(ops))
    if op == "plain":
        return draw(st.sampled_from(values))
    if op == "in":
        return {"in": draw(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True))}
    if op == "exists":
        return {"exists": draw(st.booleans())}
    if op == "between":
        low, high = sorted(draw(st.lists(st.sampled_from(values), min_size=2, max_size=2)))
        return {"between": [low, high]}
    return {op: draw(st.sampled_from(values))}


@st.composite
def pattern(draw: st.DrawFn, type_name: str, alias: str | None, bound: dict[str, str]) -> dict[str, Any]:
    fields = draw(st.lists(st.sampled_from(sorted(FIELDS[type_name])), max_size=2, unique=True))
    body: dict[str, Any] = {f: draw(constraint(type_name, f, bound)) for f in fields}
    if alias is not None:
        body["as"] = alias
    return {type_name: body}


@st.composite
def rule(draw: st.DrawFn, rule_id: str) -> dict[str, Any]:
    """One random rule; its kind keeps the pack stratifiable (no rule negates what it helps produce)."""
    kind = draw(st.sampled_from(["base", "base", "chain", "neg_finding", "flag_consumer"]))
    first = {"base": INPUT, "chain": ["finding"], "neg_finding": [*INPUT, "finding"], "flag_consumer": ["flag"]}[kind]
    bound: dict[str, str] = {}
    all_patterns: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 3))):
        type_name = draw(st.sampled_from(first if i == 0 else INPUT))
        alias = f"a{i}"
        all_patterns.append(draw(pattern(type_name, alias, bound)))
        bound[alias] = type_name
    when: dict[str, Any] = {"all": all_patterns}
    if draw(st.integers(0, 3)) == 0:
        when["any"] = [draw(pattern(draw(st.sampled_from(INPUT)), None, bound)) for _ in range(2)]
    negatable = {"base": INPUT, "chain": INPUT, "neg_finding": ["finding"], "flag_consumer": [*INPUT, "flag"]}[kind]
    if kind == "neg_finding" or draw(st.integers(0, 3)) == 0:
        # half the negations refer to the facts bound under 'all' (correlated negation); a chain
        # rule may not, since it would need complete the very facts it produces (a negation cycle)
        correlated = kind != "chain" and draw(st.booleans())
        when["none"] = [draw(pattern(draw(st.sampled_from(negatable)), None, bound if correlated else {}))]
    then: list[dict[str, Any]] = []
    produces = {"base": "finding", "chain": "finding", "neg_finding": "flag", "flag_consumer": None}[kind]
    if produces == "finding" and draw(st.booleans()):
        values: dict[str, Any] = {"code": draw(st.sampled_from(CODES))}
        numeric = [f"{a}.{f}" for a, t in bound.items() for f, k in FIELDS[t].items() if k != T]
        level = draw(st.sampled_from(["none", "const", "ref"] if numeric else ["none", "const"]))
        if level == "const":
            values["level"] = draw(st.sampled_from(VALUES["level"]))
        elif level == "ref":
            values["level"] = {"ref": draw(st.sampled_from(numeric))}
        then.append({"assert": {"finding": values}})
    elif produces == "flag" and draw(st.booleans()):
        then.append({"assert": {"flag": {"code": draw(st.sampled_from(CODES))}}})
    if not then or draw(st.booleans()):
        then.append({"recommend": {"category": "monitoring", "action": "monitor", "text": f"{rule_id} fired"}})
    return {"id": rule_id, "title": f"random rule {rule_id}", "version": "1.0.0",
            "evidence": {"source": "test", "citation": "random"}, "when": when, "then": then,
            "tests": [{"name": "a", "given": {}, "expect": "fires"},
                      {"name": "b", "given": {}, "expect": "does_not_fire"}]}


@st.composite
def rule_pack(draw: st.DrawFn, min_rules: int = 2, max_rules: int = 8) -> dict[str, dict[str, Any]]:
    """File name -> rule document."""
    count = draw(st.integers(min_rules, max_rules))
    return {f"r{i:02d}": draw(rule(f"t.r{i:02d}")) for i in range(count)}
