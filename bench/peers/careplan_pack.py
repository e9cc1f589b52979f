"""The workload's rule IR written as a careplan pack directory, and each workload patient as its patient file.

The pack stands alone (no ``extends: default``): it is the peer workload and nothing else. It holds

* ``knowledge/fields.yaml``: the patient fields it reads (demographics ``age``, ``smoking``, ``pss``
  fill the ``patient`` fact); blood pressure, genotypes and medicines are the structural sections;
* ``knowledge/fact-types.yaml``: the derived facts ``bp_category``, ``risk`` and ``phenotype``;
* one rule file per hand-written rule (categories, risk, advice, lifestyle);
* decision tables where the rules are rows: CYP2C19 diplotype -> phenotype, phenotype x drug, the
  padding diplotype rows, and the padding threshold rules: at least one table per pair of fields,
  because a table cell holds a value, never the name of the field a pattern tests (so up to 20
  templates), and more where rows overlap (``_scales``: ``careplan validate`` reads a band table as
  a scale);
* the four templates every pack must ship (one line each: the benchmark renders nothing).

Every rule file carries real inline tests: a workload patient for which it fires and one for which it
does not, found with the naive interpreter, so ``careplan validate --pack DIR`` passes.

BMI: careplan derives the patient fact's ``bmi`` from ``vitals`` (weight over height squared) and does
not take it from the file, so each patient's record gives a height of 100 cm and a weight equal to the
workload's BMI, which the normaliser turns back into exactly that BMI (w / 1.0**2, kept to 0.1).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.peers import naive
from bench.peers.workload import (
    INTEGER_FIELDS,
    Derive,
    Group,
    Patient,
    Pattern,
    Recommend,
    Rule,
    Scalar,
    Test,
    Threshold,
    base_rules,
    facts,
    threshold,
)

PACK_VERSION = "1.0.0"
EVIDENCE = {"source": "careplan bench/peers",
            "citation": "synthetic peer workload (bench/peers/workload.py): a benchmark, not clinical guidance"}
TEMPLATES = ("plan.md.j2", "plan.html.j2", "patient.md.j2", "patient.html.j2")
HEIGHT_CM = 100.0  # so that weight_kg is the BMI (see the module docstring)
_OPS = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
# what each kind of rule recommends, in the plan's vocabulary
_KINDS = {Group.BP_ADVICE: ("monitoring", "monitor"), Group.CYP2C19_DRUG: ("medication", "consider"),
          Group.LIFESTYLE: ("lifestyle", "lifestyle"), Group.PAD_GENOTYPE: ("testing", "consider"),
          Group.PAD_THRESHOLD: ("monitoring", "monitor")}

FIELDS = {
    "demographics": {
        "fact": "patient",
        "description": "the peer workload's patient; the patient fact also carries the BMI careplan derives "
                       "from vitals",
        "fields": {
            "age": {"type": "integer", "unit": "years", "range": [0, 120], "description": "age in whole years"},
            "smoking": {"type": "one-of", "values": ["never", "former", "current"],
                        "description": "tobacco smoking status"},
            "pss": {"type": "integer", "unit": "points", "range": [0, 40],
                    "description": "Perceived Stress Scale (10 items) total"},
        },
    },
}
FACT_TYPES = {
    "bp_category": {"label": "blood pressure category {category}", "fields": {"category": "text"}},
    "risk": {"label": "cardiovascular risk {level}", "fields": {"level": "text"}},
    "phenotype": {"label": "{gene} phenotype {phenotype}", "fields": {"gene": "text", "phenotype": "text"}},
}


def record(patient: Patient) -> dict[str, Any]:
    """The workload patient as a careplan patient file (a mapping, as the YAML or JSON file would read)."""
    return {
        "id": patient.id,
        "demographics": {"age": patient.age, "smoking": patient.smoking, "pss": patient.pss},
        "vitals": {"blood_pressure": [{"systolic": patient.systolic, "diastolic": patient.diastolic}],
                   "height_cm": HEIGHT_CM, "weight_kg": patient.bmi},
        "genotypes": [{"gene": gene, "diplotype": diplotype} for gene, diplotype in patient.genotypes],
        "medications": [{"name": name} for name in patient.medications],
    }


# ------------------------------------------------------------------ rule files

@dataclass
class _RuleFile:
    """One rule file: a rule, or a table template with its rows (one IR rule per row)."""

    id: str
    doc: dict[str, Any]  # without tests
    rules: list[Rule]
    row_key: Callable[[Rule], str] | None = None  # for a table: the row key of an IR rule
    table: tuple[str, list[str], list[list[Scalar]]] | None = None  # (file, header, rows)
    witnesses: dict[str, tuple[Patient, str | None]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return "rules/" + self.id.replace(".", "/") + ".yaml"


def _constraints(tests: Iterable[Test]) -> dict[str, Any]:
    by_field: dict[str, list[Test]] = {}
    for test in tests:
        by_field.setdefault(test.field, []).append(test)
    body: dict[str, Any] = {}
    for name, found in by_field.items():
        if len(found) == 1 and found[0].op == "==":
            body[name] = found[0].value
            continue
        ops = {_OPS[t.op]: t.value for t in found}
        if len(ops) != len(found):
            raise ValueError(f"two tests with one operator on {name}")
        body[name] = ops
    return body


def _pattern(pattern: Pattern) -> dict[str, Any]:
    return {pattern.type: _constraints(pattern.tests)}


def _then(rule: Rule, text: str | None = None, rec: str | None = None) -> list[dict[str, Any]]:
    action = rule.action
    if isinstance(action, Derive):
        return [{"assert": {action.type: dict(action.fields)}}]
    category, verb = _KINDS[rule.group]
    return [{"recommend": {"id": rec or action.rec, "category": category, "action": verb,
                           "text": text or f"peer workload recommendation {action.rec}"}}]


def _doc(rule_id: str, title: str, when: list[dict[str, Any]], then: list[dict[str, Any]],
         table: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": rule_id, "title": title, "version": PACK_VERSION, "evidence": EVIDENCE}
    if table is not None:
        doc["table"] = table
    return {**doc, "when": {"all": when}, "then": then}


def _single(rule: Rule) -> _RuleFile:
    domain, name = rule.id.split(".", 1)
    title = f"{domain}: {name.replace('-', ' ')}"
    return _RuleFile(rule.id, _doc(rule.id, title, [_pattern(p) for p in rule.patterns], _then(rule)), [rule])


def _cyp2c19_phenotypes(rules: list[Rule]) -> _RuleFile:
    rows: list[list[Scalar]] = []
    for rule in rules:
        tests = {t.field: t.value for t in rule.patterns[0].tests}
        assert isinstance(rule.action, Derive)
        rows.append([tests["diplotype"], dict(rule.action.fields)["phenotype"]])
    file = "knowledge/pgx/cyp2c19-phenotypes.csv"
    table = {"file": file, "key": ["diplotype"], "columns": {"diplotype": "text", "phenotype": "text"}}
    doc = _doc("pgx.cyp2c19-phenotype", "CYP2C19 phenotype from the diplotype",
               [{"genotype": {"gene": "CYP2C19", "diplotype": {"column": "diplotype"}}}],
               [{"assert": {"phenotype": {"gene": "CYP2C19", "phenotype": {"column": "phenotype"}}}}], table)
    return _RuleFile(doc["id"], doc, rules, lambda r: str(rows[rules.index(r)][0]),
                     (file, ["diplotype", "phenotype"], rows))


def _cyp2c19_drugs(rules: list[Rule]) -> _RuleFile:
    rows: list[list[Scalar]] = []
    for rule in rules:
        phenotype = {t.field: t.value for t in rule.patterns[0].tests}["phenotype"]
        drug = rule.patterns[1].tests[0].value
        assert isinstance(rule.action, Recommend)
        rows.append([drug, phenotype, rule.action.rec])
    file = "knowledge/pgx/cyp2c19-drugs.csv"
    table = {"file": file, "key": ["drug", "phenotype"],
             "columns": {"drug": "text", "phenotype": "text", "rec": "text"}}
    doc = _doc("pgx.cyp2c19-drug", "CYP2C19 phenotype and a medicine it affects",
               [{"phenotype": {"gene": "CYP2C19", "phenotype": {"column": "phenotype"}}},
                {"medication": {"name": {"column": "drug"}}}],
               _then(rules[0], "{row.drug} with a CYP2C19 {row.phenotype} phenotype", "{row.rec}"), table)
    return _RuleFile(doc["id"], doc, rules, lambda r: f"{rows[rules.index(r)][0]},{rows[rules.index(r)][1]}",
                     (file, ["drug", "phenotype", "rec"], rows))


def _genotype_rows(rules: list[Rule]) -> _RuleFile:
    rows: list[list[Scalar]] = []
    for rule in rules:
        tests = {t.field: t.value for t in rule.patterns[0].tests}
        assert isinstance(rule.action, Recommend)
        rows.append([tests["gene"], tests["diplotype"], rule.action.rec])
    file = "knowledge/pad/genotype-rows.csv"
    table = {"file": file, "key": ["gene", "diplotype"],
             "columns": {"gene": "text", "diplotype": "text", "rec": "text"}}
    doc = _doc("pad.genotype-rows", "padding: one recommendation per diplotype of another gene",
               [{"genotype": {"gene": {"column": "gene"}, "diplotype": {"column": "diplotype"}}}],
               _then(rules[0], "{row.gene} {row.diplotype}", "{row.rec}"), table)
    return _RuleFile(doc["id"], doc, rules, lambda r: f"{rows[rules.index(r)][0]},{rows[rules.index(r)][1]}",
                     (file, ["gene", "diplotype", "rec"], rows))


def _overlap(a: Threshold, b: Threshold) -> bool:
    """Two rows careplan's lint reads as one scale (same other cells) whose bands share a value."""
    return a.bound == b.bound and a.low < b.high and b.low < a.high


def _scales(members: list[Rule]) -> list[list[Rule]]:
    """The rows split into tables in which no two rows overlap on one scale.

    ``careplan validate`` reads a table whose pattern bounds a field by two columns as bands
    (``lint.table-overlap``: one value, two answers, is an error). These rows are independent
    rules that may overlap, so a row that would overlap another goes to the next table."""
    tables: list[list[Rule]] = []
    for rule in members:
        parts = threshold(rule)
        home = next((t for t in tables if not any(_overlap(parts, threshold(r)) for r in t)), None)
        if home is None:
            tables.append(home := [])
        home.append(rule)
    return tables


def _threshold_file(name: str, members: list[Rule]) -> _RuleFile:
    first = threshold(members[0])
    band, bounded = first.band, first.bounded
    rows: list[list[Scalar]] = [[p.rec, p.low, p.high, p.bound] for p in map(threshold, members)]
    file = f"knowledge/pad/{name}.csv"
    kind = {f: "integer" if f in INTEGER_FIELDS else "number" for f in (band, bounded)}
    table = {"file": file, "key": ["rec"],
             "columns": {"rec": "text", "low": kind[band], "high": kind[band], "bound": kind[bounded]}}
    band_test = {band: {"ge": {"column": "low"}, "lt": {"column": "high"}}}
    bound_test = {bounded: {"ge": {"column": "bound"}}}
    when = ([{first.band_type: band_test}, {first.bounded_type: bound_test}] if first.join
            else [{first.band_type: {**band_test, **bound_test}}])
    doc = _doc(f"pad.{name}", f"padding: {band} in a band and {bounded} at least a bound", when,
               _then(members[0], f"{band} from {{row.low}} to {{row.high}}, {bounded} at least {{row.bound}}",
                     "{row.rec}"), table)
    recs = [str(row[0]) for row in rows]
    return _RuleFile(doc["id"], doc, members, lambda r: recs[members.index(r)],
                     (file, ["rec", "low", "high", "bound"], rows))


def _thresholds(rules: list[Rule]) -> list[_RuleFile]:
    """One table per (band field, bound field), because a table cell holds a value, never the name of
    the field a pattern tests (so up to 20 templates); more where rows overlap (``_scales``)."""
    shapes: dict[tuple[str, str], list[Rule]] = {}
    for rule in rules:
        parts = threshold(rule)
        shapes.setdefault((parts.band, parts.bounded), []).append(rule)
    files = []
    for (band, bounded), members in sorted(shapes.items()):
        for number, scale in enumerate(_scales(members), start=1):
            suffix = f"-{number}" if number > 1 else ""
            files.append(_threshold_file(f"threshold-{band}-{bounded}{suffix}", scale))
    return files


def rule_files(rules: Sequence[Rule]) -> list[_RuleFile]:
    by_group: dict[Group, list[Rule]] = {}
    for rule in rules:
        by_group.setdefault(rule.group, []).append(rule)
    files = [_single(r) for g in (Group.BP_CATEGORY, Group.RISK, Group.BP_ADVICE, Group.LIFESTYLE)
             for r in by_group.get(g, [])]
    tables: list[tuple[Group, Callable[[list[Rule]], _RuleFile]]] = [
        (Group.CYP2C19_ROW, _cyp2c19_phenotypes), (Group.CYP2C19_DRUG, _cyp2c19_drugs),
        (Group.PAD_GENOTYPE, _genotype_rows)]
    files += [make(by_group[g]) for g, make in tables if by_group.get(g)]
    files += _thresholds(by_group.get(Group.PAD_THRESHOLD, []))
    return files


# ------------------------------------------------------------------ inline tests from workload patients

def _find_witnesses(files: list[_RuleFile], pool: Sequence[Patient]) -> None:
    """For each file, the first pool patient it fires for (and which row) and the first it does not.

    The base rules chain (category -> advice), so their firings come from the naive interpreter over
    the base; padding rules read input facts only, so each is matched on its own."""
    base = base_rules()
    padding = {Group.PAD_GENOTYPE, Group.PAD_THRESHOLD}
    for patient in pool:
        if all(len(f.witnesses) == 2 for f in files):
            return
        patient_facts = facts(patient)
        base_fired: set[str] | None = None
        for file in files:
            if len(file.witnesses) == 2:
                continue
            if file.rules[0].group in padding:
                hits = [r for r in file.rules if naive.matches(r, patient_facts)]
            else:
                base_fired = base_fired if base_fired is not None else set(naive.fired(base, patient_facts))
                hits = [r for r in file.rules if r.id in base_fired]
            if hits and "fires" not in file.witnesses:
                file.witnesses["fires"] = (patient, file.row_key(hits[0]) if file.row_key else None)
            elif not hits and "does_not_fire" not in file.witnesses:
                file.witnesses["does_not_fire"] = (patient, None)
    missing = [f"{f.id} ({', '.join(k for k in ('fires', 'does_not_fire') if k not in f.witnesses)})"
               for f in files if len(f.witnesses) != 2]
    if missing:
        raise ValueError("no workload patient makes an inline test for " + "; ".join(missing))


def _tests(file: _RuleFile) -> list[dict[str, Any]]:
    tests = []
    for expect in ("fires", "does_not_fire"):
        patient, row = file.witnesses[expect]
        given = {k: v for k, v in record(patient).items() if k != "id"}
        test: dict[str, Any] = {"name": f"{patient.id} ({expect.replace('_', ' ')})", "given": given,
                                "expect": expect}
        if row is not None:
            test["row"] = row
        tests.append(test)
    return tests


# ------------------------------------------------------------------ the directory

def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def write_pack(rules: Sequence[Rule], root: Path, pool: Sequence[Patient]) -> Path:
    """Write the pack of ``rules`` into the empty or new directory ``root``; ``pool``: patients for the tests."""
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    files = rule_files(rules)
    _find_witnesses(files, pool)
    size = len(rules)
    _write(root / "pack.yaml", _dump({
        "name": f"peers-{size}", "version": PACK_VERSION,
        "description": f"the peer workload of {size} rules (bench/peers): a benchmark, not clinical guidance"}))
    _write(root / "knowledge" / "fields.yaml", _dump(FIELDS))
    _write(root / "knowledge" / "fact-types.yaml", _dump(FACT_TYPES))
    for name in TEMPLATES:
        _write(root / "templates" / name, "{{ plan.patient_id }}\n")
    for file in files:
        text = _dump({**file.doc, "tests": _tests(file)})
        _write(root / file.path, "# generated by bench/peers/careplan_pack.py\n" + text)
        if file.table is not None:
            table_file, header, rows = file.table
            target = root / table_file
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(header)
                writer.writerows(rows)
    return root
