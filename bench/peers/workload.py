"""The peer workload: synthetic patients and an engine-neutral rule pack of 71, 500 or 5,000 rules.

The pack is a small intermediate form (``Rule``: patterns over typed facts, one action) that every
engine compiles into its own rules, so all of them run the same logic:

* a base of 71 rules: the ACC/AHA 2017 blood-pressure category (each "or" split into mutually
  exclusive rules, because durable-rules fires an ``$or`` once per true branch), a cardiovascular
  risk level, advice by category, the CYP2C19 diplotype -> phenotype table, phenotype x drug advice,
  and lifestyle and stress advice (three of them joins with the category);
* padding to 500 and 5,000 rules: half diplotype rows of twelve other genes (equality tests), half
  threshold rules (a band of one field and a bound on another, half of them joins across two facts).

Every pattern can match at most one fact of a patient (one blood pressure, one patient fact, genotype
and medication patterns test the gene or the name by equality, and a patient's genes and medicines
are distinct), so every rule fires at most once per patient and the output, the sorted recommendation
ids, does not depend on the order an engine fires rules in.

Fact types and fields are careplan's own names (``blood_pressure.systolic``, ``medication.name``), so
the careplan pack needs no renaming; the other engines do not care what they are called.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Literal

Scalar = str | int | float
Number = int | float
Op = Literal["==", "!=", "<", "<=", ">", ">="]
Fact = tuple[str, Mapping[str, Scalar]]

SIZES = (71, 500, 5000)
PATIENT_SEED = 42
PADDING_SEED = 1234


class Group(str, Enum):
    """What a rule is for; engines that lay rules out by kind (tables, rulesets) read it."""

    BP_CATEGORY = "bp-category"  # blood pressure -> bp_category
    RISK = "risk"  # patient -> risk
    BP_ADVICE = "bp-advice"  # bp_category (+ risk or patient) -> recommendation
    CYP2C19_ROW = "cyp2c19-row"  # CYP2C19 diplotype -> phenotype (a table)
    CYP2C19_DRUG = "cyp2c19-drug"  # phenotype + medication -> recommendation (a table)
    LIFESTYLE = "lifestyle"  # patient (+ bp_category) -> recommendation
    PAD_GENOTYPE = "pad-genotype"  # padding: a diplotype of another gene -> recommendation (a table)
    PAD_THRESHOLD = "pad-threshold"  # padding: a band of one field and a bound on another


@dataclass(frozen=True)
class Test:
    field: str
    op: Op
    value: Scalar


@dataclass(frozen=True)
class Pattern:
    type: str
    tests: tuple[Test, ...]


@dataclass(frozen=True)
class Derive:
    """Assert a derived fact (its fields are constants)."""

    type: str
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Recommend:
    rec: str  # the recommendation id, as careplan writes ids (lower-case, dotted)


Action = Derive | Recommend


@dataclass(frozen=True)
class Rule:
    id: str
    group: Group
    patterns: tuple[Pattern, ...]
    action: Action


@dataclass(frozen=True)
class Patient:
    number: int
    systolic: float
    diastolic: float
    age: int
    bmi: float
    smoking: str
    pss: int
    genotypes: tuple[tuple[str, str], ...]  # (gene, diplotype), one per gene
    medications: tuple[str, ...]  # distinct generic names

    @property
    def id(self) -> str:
        return f"peer-{self.number:05d}"


# ------------------------------------------------------------------ CYP2C19 (CPIC allele functions)

CYP2C19_FUNCTION = {"*1": "normal", "*2": "no", "*3": "no", "*4": "no", "*9": "decreased", "*17": "increased"}
# the phenotype of two allele functions (CPIC's CYP2C19 table, simplified to these six alleles)
_PAIR_PHENOTYPE = {
    ("normal", "normal"): "NM", ("increased", "normal"): "RM", ("increased", "increased"): "UM",
    ("no", "normal"): "IM", ("increased", "no"): "IM", ("decreased", "normal"): "IM",
    ("decreased", "increased"): "IM", ("decreased", "decreased"): "IM",
    ("decreased", "no"): "PM", ("no", "no"): "PM",
}
PGX_DRUGS = ("clopidogrel", "citalopram", "omeprazole", "voriconazole")
OTHER_DRUGS = ("lisinopril", "amlodipine", "atorvastatin", "metformin")
PHENOTYPES = ("PM", "IM", "NM", "RM", "UM")
OTHER_GENES = ("CYP2D6", "CYP2C9", "SLCO1B1", "CYP3A5", "TPMT", "NUDT15", "DPYD", "UGT1A1",
               "VKORC1", "CYP2B6", "CYP4F2", "IFNL3")


def _allele_number(allele: str) -> int:
    return int(allele[1:])


def cyp2c19_rows() -> list[tuple[str, str]]:
    """(diplotype, phenotype) for every pair of the six alleles: 21 rows."""
    alleles = sorted(CYP2C19_FUNCTION, key=_allele_number)
    rows = []
    for i, first in enumerate(alleles):
        for second in alleles[i:]:
            pair = sorted((CYP2C19_FUNCTION[first], CYP2C19_FUNCTION[second]))
            rows.append((f"{first}/{second}", _PAIR_PHENOTYPE[(pair[0], pair[1])]))
    return rows


def other_diplotypes() -> list[str]:
    """The 210 diplotypes of alleles *1 to *20, used for the other genes."""
    alleles = [f"*{i}" for i in range(1, 21)]
    return [f"{a}/{b}" for i, a in enumerate(alleles) for b in alleles[i:]]


# ------------------------------------------------------------------ the base pack (71 rules)

def _t(field: str, op: Op, value: Scalar) -> Test:
    return Test(field, op, value)


def _p(fact_type: str, *tests: Test) -> Pattern:
    return Pattern(fact_type, tests)


def _category(value: str) -> Pattern:
    return _p("bp_category", _t("category", "==", value))


def _bp_category_rules() -> list[Rule]:
    """ACC/AHA 2017 categories; "systolic or diastolic" split so that exactly one rule fires."""
    bp = "blood_pressure"
    shapes: list[tuple[str, tuple[Test, ...], str]] = [
        ("crisis-systolic", (_t("systolic", ">", 180),), "crisis"),
        ("crisis-diastolic", (_t("systolic", "<=", 180), _t("diastolic", ">", 120)), "crisis"),
        ("stage2-systolic", (_t("systolic", ">=", 140), _t("systolic", "<=", 180), _t("diastolic", "<=", 120)),
         "stage2"),
        ("stage2-diastolic", (_t("systolic", "<", 140), _t("diastolic", ">=", 90), _t("diastolic", "<=", 120)),
         "stage2"),
        ("stage1-systolic", (_t("systolic", ">=", 130), _t("systolic", "<", 140), _t("diastolic", "<", 90)),
         "stage1"),
        ("stage1-diastolic", (_t("systolic", "<", 130), _t("diastolic", ">=", 80), _t("diastolic", "<", 90)),
         "stage1"),
        ("elevated", (_t("systolic", ">=", 120), _t("systolic", "<", 130), _t("diastolic", "<", 80)), "elevated"),
        ("normal", (_t("systolic", "<", 120), _t("diastolic", "<", 80)), "normal"),
    ]
    return [Rule(f"bp.category-{name}", Group.BP_CATEGORY, (Pattern(bp, tests),),
                 Derive("bp_category", (("category", value),)))
            for name, tests, value in shapes]


def _risk_rules() -> list[Rule]:
    shapes: list[tuple[str, tuple[Test, ...], str]] = [
        ("age", (_t("age", ">=", 65),), "high"),
        ("smoking", (_t("age", "<", 65), _t("smoking", "==", "current")), "high"),
        ("obesity", (_t("age", "<", 65), _t("smoking", "!=", "current"), _t("bmi", ">=", 30)), "high"),
        ("low", (_t("age", "<", 65), _t("smoking", "!=", "current"), _t("bmi", "<", 30)), "low"),
    ]
    return [Rule(f"risk.{name}", Group.RISK, (Pattern("patient", tests),), Derive("risk", (("level", value),)))
            for name, tests, value in shapes]


def _bp_advice_rules() -> list[Rule]:
    shapes: list[tuple[str, tuple[Pattern, ...]]] = [
        ("normal-recheck-yearly", (_category("normal"),)),
        ("elevated-lifestyle", (_category("elevated"),)),
        ("stage1-start-medicine", (_category("stage1"), _p("risk", _t("level", "==", "high")))),
        ("stage1-lifestyle-recheck", (_category("stage1"), _p("risk", _t("level", "==", "low")))),
        ("stage2-two-medicines", (_category("stage2"), _p("patient", _t("age", "<", 65)))),
        ("stage2-one-medicine-older", (_category("stage2"), _p("patient", _t("age", ">=", 65)))),
        ("crisis-urgent", (_category("crisis"),)),
    ]
    return [Rule(f"bp.{name}", Group.BP_ADVICE, patterns, Recommend(f"bp.{name}")) for name, patterns in shapes]


def _cyp2c19_rules() -> list[Rule]:
    rows = [Rule(f"pgx.cyp2c19-phenotype.{i:02d}", Group.CYP2C19_ROW,
                 (_p("genotype", _t("gene", "==", "CYP2C19"), _t("diplotype", "==", diplotype)),),
                 Derive("phenotype", (("gene", "CYP2C19"), ("phenotype", phenotype))))
            for i, (diplotype, phenotype) in enumerate(cyp2c19_rows())]
    drugs = [Rule(f"pgx.cyp2c19-drug.{drug}-{phenotype.lower()}", Group.CYP2C19_DRUG,
                  (_p("phenotype", _t("gene", "==", "CYP2C19"), _t("phenotype", "==", phenotype)),
                   _p("medication", _t("name", "==", drug))),
                  Recommend(f"pgx.{drug}.{phenotype.lower()}"))
             for drug in PGX_DRUGS for phenotype in PHENOTYPES]
    return rows + drugs


def _lifestyle_rules() -> list[Rule]:
    person = "patient"
    shapes: list[tuple[str, tuple[Pattern, ...]]] = [
        ("lifestyle.obesity", (_p(person, _t("bmi", ">=", 30)),)),
        ("lifestyle.overweight", (_p(person, _t("bmi", ">=", 25), _t("bmi", "<", 30)),)),
        ("lifestyle.smoking-cessation", (_p(person, _t("smoking", "==", "current")),)),
        ("lifestyle.relapse-prevention", (_p(person, _t("smoking", "==", "former")),)),
        ("stress.high-referral", (_p(person, _t("pss", ">=", 27)),)),
        ("stress.moderate", (_p(person, _t("pss", ">=", 14), _t("pss", "<", 27)),)),
        ("lifestyle.ascvd-risk-estimate", (_p(person, _t("age", ">=", 40)),)),
        ("lifestyle.older-weight", (_p(person, _t("age", ">=", 65), _t("bmi", ">=", 30)),)),
        ("lifestyle.smoking-stage2-priority", (_p(person, _t("smoking", "==", "current")), _category("stage2"))),
        ("stress.high-with-stage1", (_p(person, _t("pss", ">=", 27)), _category("stage1"))),
        ("stress.high-with-stage2", (_p(person, _t("pss", ">=", 27)), _category("stage2"))),
    ]
    return [Rule(name, Group.LIFESTYLE, patterns, Recommend(name)) for name, patterns in shapes]


def base_rules() -> list[Rule]:
    return [*_bp_category_rules(), *_risk_rules(), *_bp_advice_rules(), *_cyp2c19_rules(), *_lifestyle_rules()]


BASE_SIZE = len(base_rules())  # 71

# ------------------------------------------------------------------ padding to 500 and 5,000 rules

# the numeric fields threshold rules compare, with the range their bounds are drawn from
NUMERIC_FIELDS: dict[str, dict[str, tuple[float, float]]] = {
    "blood_pressure": {"systolic": (90.0, 220.0), "diastolic": (50.0, 140.0)},
    "patient": {"age": (18, 90), "bmi": (16.0, 50.0), "pss": (0, 40)},
}
INTEGER_FIELDS = frozenset({"age", "pss"})  # a bound on a whole number is a whole number (careplan checks it)


def _bound(field: str, value: float) -> Number:
    return round(value) if field in INTEGER_FIELDS else round(value, 1)


def _threshold_rule(number: int, rnd: random.Random) -> Rule:
    """``f1 in [low, high)`` (a band 4% of the field's range wide) and ``f2 >= bound``; half are joins."""
    first_type = rnd.choice(sorted(NUMERIC_FIELDS))
    first = rnd.choice(sorted(NUMERIC_FIELDS[first_type]))
    low_range, high_range = NUMERIC_FIELDS[first_type][first]
    span = high_range - low_range
    low = _bound(first, rnd.uniform(low_range + 0.2 * span, low_range + 0.7 * span))
    width = _bound(first, 0.04 * span)
    high = _bound(first, low + (width or 1))
    join = rnd.random() < 0.5
    second_type = (next(t for t in NUMERIC_FIELDS if t != first_type)) if join else first_type
    second = rnd.choice(sorted(f for f in NUMERIC_FIELDS[second_type] if f != first))
    low2, high2 = NUMERIC_FIELDS[second_type][second]
    bound = _bound(second, rnd.uniform(low2 + 0.5 * (high2 - low2), low2 + 0.8 * (high2 - low2)))
    band = (_t(first, ">=", low), _t(first, "<", high))
    if join:
        patterns: tuple[Pattern, ...] = (Pattern(first_type, band), _p(second_type, _t(second, ">=", bound)))
    else:
        patterns = (Pattern(first_type, (*band, _t(second, ">=", bound))),)
    rec = f"pad.t{number:04d}"
    return Rule(rec, Group.PAD_THRESHOLD, patterns, Recommend(rec))


@dataclass(frozen=True)
class Threshold:
    """A padding threshold rule taken apart: ``band`` in [low, high) and ``bounded`` >= bound."""

    band_type: str
    band: str
    low: Number
    high: Number
    bounded_type: str
    bounded: str
    bound: Number
    rec: str

    @property
    def join(self) -> bool:
        return self.band_type != self.bounded_type


def threshold(rule: Rule) -> Threshold:
    """The parts of a ``Group.PAD_THRESHOLD`` rule (as ``_threshold_rule`` builds it)."""
    if rule.group is not Group.PAD_THRESHOLD or not isinstance(rule.action, Recommend):
        raise ValueError(f"{rule.id} is not a padding threshold rule")
    first = rule.patterns[0]
    low, high = first.tests[0], first.tests[1]
    last = rule.patterns[1] if len(rule.patterns) == 2 else first
    bound = last.tests[-1]
    return Threshold(first.type, low.field, _number(low.value), _number(high.value), last.type, bound.field,
                     _number(bound.value), rule.action.rec)


def _number(value: Scalar) -> Number:
    if isinstance(value, str):
        raise ValueError(f"a threshold compares numbers, not {value!r}")
    return value


def padding_rules(count: int, seed: int = PADDING_SEED) -> list[Rule]:
    """``count`` padding rules: half diplotype rows of other genes, half threshold rules."""
    rnd = random.Random(seed)
    rows = [(gene, diplotype) for gene in OTHER_GENES for diplotype in other_diplotypes()]
    rnd.shuffle(rows)
    genotype_count = count // 2
    if genotype_count > len(rows):
        raise ValueError(f"at most {2 * len(rows) + 1} padding rules (there are {len(rows)} diplotype rows)")
    rules = [Rule(f"pad.g{k:04d}", Group.PAD_GENOTYPE,
                  (_p("genotype", _t("gene", "==", gene), _t("diplotype", "==", diplotype)),),
                  Recommend(f"pad.g{k:04d}"))
             for k, (gene, diplotype) in enumerate(rows[:genotype_count])]
    rules += [_threshold_rule(k, rnd) for k in range(count - genotype_count)]
    return rules


def pack(size: int) -> list[Rule]:
    """The pack of ``size`` rules: the base, padded (the base alone below 71)."""
    base = base_rules()
    return base + padding_rules(size - len(base)) if size > len(base) else base


# ------------------------------------------------------------------ patients

def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _patient(number: int, rnd: random.Random) -> Patient:
    systolic = round(_clamp(rnd.gauss(134, 22), 85.0, 230.0), 1)
    # careplan refuses a reading whose diastolic is not below the systolic (so would a clinic): keep
    # a pulse pressure of at least 15 mmHg
    diastolic = round(_clamp(rnd.gauss(83, 13), 45.0, min(140.0, systolic - 15)), 1)
    age = rnd.randint(18, 90)
    bmi = round(_clamp(rnd.gauss(27.5, 5.0), 16.0, 50.0), 1)
    smoking = rnd.choices(["never", "former", "current"], [0.55, 0.25, 0.20])[0]
    pss = rnd.randint(0, 40)
    gene_count = rnd.randint(1, 3)
    if rnd.random() < 0.8:
        genes = ["CYP2C19", *rnd.sample(OTHER_GENES, gene_count - 1)]
    else:
        genes = rnd.sample(OTHER_GENES, gene_count)
    # two CYP2C19 diplotypes no row names (*35), so some patients get no phenotype
    cyp2c19 = [d for d, _ in cyp2c19_rows()] + ["*1/*35", "*2/*35"]
    others = other_diplotypes()
    genotypes = tuple((g, rnd.choice(cyp2c19) if g == "CYP2C19" else rnd.choice(others)) for g in genes)
    medications = tuple(rnd.sample(PGX_DRUGS + OTHER_DRUGS, rnd.randint(1, 3)))
    return Patient(number, systolic, diastolic, age, bmi, smoking, pss, genotypes, medications)


def patients(count: int, seed: int = PATIENT_SEED) -> list[Patient]:
    rnd = random.Random(seed)
    return [_patient(number, rnd) for number in range(count)]


def facts(patient: Patient) -> list[Fact]:
    """The patient as engine-neutral facts: (type, fields)."""
    found: list[Fact] = [
        ("blood_pressure", {"systolic": patient.systolic, "diastolic": patient.diastolic}),
        ("patient", {"age": patient.age, "bmi": patient.bmi, "smoking": patient.smoking, "pss": patient.pss}),
    ]
    found += [("genotype", {"gene": gene, "diplotype": diplotype}) for gene, diplotype in patient.genotypes]
    found += [("medication", {"name": name}) for name in patient.medications]
    return found
