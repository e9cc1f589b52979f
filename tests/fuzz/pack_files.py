"""Rule packs as files: a small valid pack whose inline tests pass, random packs, and mutated ones.

A pack is ``{relative path: bytes}``. ``base_pack()`` is a pack of four rules (a decision table,
forward chaining through a derived type, a plain and a correlated negation) that
``careplan validate --pack`` accepts. Mutations damage one thing (a rule, a table, a fact-type
file, a template, pack.yaml) and say what validate must do: ``reject`` (exit 2, located) or
``either``. A pack that can never fire a rule, chains without end or cannot be stratified must be
refused at validation, never discovered at a patient's bedside.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.emit import Pairs, Raw, dump
from tests.fuzz.patient_files import Expect, alias_bomb
from tests.packs import TEMPLATES
from tests.strategies import FACT_TYPES, rule_pack

Files = dict[str, bytes]


@dataclass(frozen=True)
class PackCase:
    label: str
    files: Files
    expect: Expect

    def serialise(self) -> bytes:
        """The pack as one JSON document (bytes as latin-1 text), for the report and for dedup."""
        return json.dumps({p: b.decode("latin-1") for p, b in sorted(self.files.items())}).encode()


def write(files: Files, root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def unpack(serialised: bytes, root: Path) -> Path:
    """A pack written from ``PackCase.serialise()`` (how a reproducer in .fuzz-failures is rebuilt)."""
    return write({p: t.encode("latin-1") for p, t in json.loads(serialised).items()}, root)


# ---- the valid base pack -----------------------------------------------------------------------

EVIDENCE = {"source": "test", "citation": "a fuzz pack"}


def _rule(rule_id: str, when: dict[str, Any], then: list[dict[str, Any]], fires: dict[str, Any],
          quiet: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": rule_id, "title": f"rule {rule_id}", "version": "1.0.0", "evidence": EVIDENCE, **extra,
            "when": when, "then": then,
            "tests": [{"name": "fires", "given": fires, "expect": "fires"},
                      {"name": "quiet", "given": quiet, "expect": "does_not_fire"}]}


HIGH_BP = {"vitals": {"blood_pressure": [{"systolic": 150, "diastolic": 90}]}}
LOW_BP = {"vitals": {"blood_pressure": [{"systolic": 110, "diastolic": 70}]}}


def base_rules() -> dict[str, dict[str, Any]]:
    """File stem -> rule document."""
    monitor = [{"recommend": {"category": "monitoring", "action": "monitor", "text": "band {b.name}"}}]
    return {
        "band": _rule(
            "t.band", {"all": [{"blood_pressure": {"systolic": {"between": [{"column": "low"}, {"column": "high"}]},
                                                   "as": "p"}}]},
            [{"assert": {"band": {"name": {"column": "band"}, "level": {"ref": "p.systolic"}}}}],
            HIGH_BP, {}, table={"file": "knowledge/bands.csv", "key": ["band"],
                                "columns": {"low": "number", "high": "number", "band": "text"}}),
        "high": _rule("t.high", {"all": [{"band": {"name": "high", "as": "b"}}]}, monitor, HIGH_BP, LOW_BP),
        "kidney": _rule(
            "t.kidney", {"all": [{"lab": {"name": "egfr", "value": {"lt": 30}}}],
                         "none": [{"medication": {"name": "metformin"}}]},
            [{"warn": {"text": "low eGFR"}}], {"labs": {"egfr": 20}},
            {"labs": {"egfr": 20}, "medications": [{"name": "metformin"}]}),
        "allergy": _rule(
            "t.allergy", {"all": [{"medication": {"status": {"ne": "stopped"}, "as": "m"}}],
                          "none": [{"allergy": {"substance": {"ref": "m.name"}}}]},
            [{"recommend": {"category": "medication", "action": "consider", "drug": {"ref": "m.name"},
                            "text": "review {m.name}"}}],
            {"medications": [{"name": "warfarin"}]},
            {"medications": [{"name": "warfarin"}], "allergies": ["warfarin"]}),
    }


BANDS_CSV = b"low,high,band\n130,300,high\n50,129.9,normal\n"
FACT_TYPES_DOC = {"band": {"label": "band {name}", "fields": {"name": "text", "level": "number"}}}


def pack_from(rules: dict[str, Any], fact_types: Any = None, extra: Files | None = None) -> Files:
    """Files of a pack: pack.yaml, the four templates, the rules (mappings written as YAML), fact types."""
    files: Files = {"pack.yaml": b"name: fuzz\nversion: 0.0.1\n"}
    for name in TEMPLATES:
        files[f"templates/{name}"] = b"{{ plan.patient_id }}\n"
    for stem, doc in rules.items():
        files[f"rules/{stem}.yaml"] = doc if isinstance(doc, bytes) else dump(doc).encode()
    if fact_types is not None:
        files["knowledge/fact-types.yaml"] = fact_types if isinstance(fact_types, bytes) else dump(fact_types).encode()
    files.update(extra or {})
    return files


def base_pack() -> Files:
    return pack_from(base_rules(), FACT_TYPES_DOC, {"knowledge/bands.csv": BANDS_CSV})


# ---- mutations ---------------------------------------------------------------------------------


def _edit(stem: str, path: tuple[Any, ...], value: Any) -> Files:
    """The base pack with one value of one rule replaced (a ``Raw`` token is written as is)."""
    rules = copy.deepcopy(base_rules())
    node: Any = rules[stem]
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return pack_from(rules, FACT_TYPES_DOC, {"knowledge/bands.csv": BANDS_CSV})


def _lab(value: Any) -> Files:
    return _edit("kidney", ("when", "all", 0, "lab", "value"), value)


def _files(changes: dict[str, bytes | None]) -> Files:
    """The base pack with files replaced (bytes) or removed (None)."""
    files = base_pack()
    for path, data in changes.items():
        if data is None:
            files.pop(path, None)
        else:
            files[path] = data
    return files


def _rule_mutations() -> list[tuple[str, Files, Expect]]:
    lab_pattern = ("when", "all", 0)
    return [
        ("unknown-fact-type", _edit("kidney", lab_pattern, {"labx": {"name": "egfr"}}), "reject"),
        ("unknown-field", _edit("kidney", (*lab_pattern, "lab"), {"nam": "egfr"}), "reject"),
        ("wrong-operand-type", _lab({"lt": "thirty"}), "reject"),
        ("number-for-text", _edit("kidney", (*lab_pattern, "lab", "name"), 42), "reject"),
        ("ordered-op-on-text", _edit("kidney", (*lab_pattern, "lab", "name"), {"gt": 5}), "reject"),
        ("in-not-a-list", _lab({"in": 30}), "reject"),
        ("in-empty", _lab({"in": []}), "reject"),
        ("between-one-bound", _lab({"between": [30]}), "reject"),
        ("exists-not-bool", _lab({"exists": "yes"}), "reject"),
        ("unknown-operator", _lab({"lessthan": 30}), "reject"),
        ("contradictory-bounds", _lab({"gt": 50, "lt": 30}), "reject"),
        ("contradictory-between", _lab({"between": [60, 30]}), "reject"),
        ("tiny-number", _lab({"lt": Raw("0.00001")}), "reject"),
        ("exponent-number", _lab({"lt": Raw("1e-300")}), "reject"),
        ("huge-int", _lab({"lt": Raw("9" * 4301)}), "reject"),
        ("leading-zero", _lab({"lt": Raw("030")}), "reject"),
        ("sexagesimal", _lab({"lt": Raw("0:30")}), "reject"),
        ("nan", _lab({"lt": Raw(".nan")}), "reject"),
        ("python-tag", _lab({"lt": Raw("!!python/object/apply:os.system ['echo pwned']")}), "reject"),
        ("unknown-alias", _edit("allergy", ("when", "none", 0, "allergy", "substance"), {"ref": "x.name"}), "reject"),
        ("ref-wrong-type", _edit("allergy", ("when", "none", 0, "allergy", "substance"), {"ref": "m.dose_mg"}),
         "reject"),
        ("assert-input-type", _edit("high", ("then",), [{"assert": {"lab": {"name": "x"}}}]), "reject"),
        ("unknown-category", _edit("high", ("then", 0, "recommend", "category"), "surgery"), "reject"),
        ("no-evidence", _edit("high", ("evidence",), None), "reject"),
        ("no-tests", _edit("high", ("tests",), []), "reject"),
        ("bad-id", _edit("high", ("id",), "Not An Id"), "reject"),
        ("duplicate-id", _edit("high", ("id",), "t.kidney"), "reject"),
        ("bad-version", _edit("high", ("version",), "1"), "reject"),
        ("unknown-key", _edit("high", ("titel",), "typo"), "reject"),
        ("deep-nesting", _lab(Raw("[" * 5000 + "]" * 5000)), "reject"),
        ("duplicate-key", _lab(Pairs((("lt", 30), ("lt", 40)))), "reject"),
        ("text-ref-unknown", _edit("high", ("then", 0, "recommend", "text"), "band {z.name}"), "reject"),
    ]


def _cycles() -> list[tuple[str, Files, Expect]]:
    rules = base_rules()
    # a band makes a band one higher, without end
    grow = {"band": {"name": {"ref": "b.name"}, "level": {"add": [{"ref": "b.level"}, 1]}}}
    rules["grow"] = _rule("t.grow", {"all": [{"band": {"as": "b"}}]}, [{"assert": grow}], HIGH_BP, {})
    negation = base_rules()
    # 'no band' makes a band: no stratification exists
    negation["flip"] = _rule("t.flip", {"all": [{"patient": {}}], "none": [{"band": {"name": "x"}}]},
                             [{"assert": {"band": {"name": "x"}}}], {}, HIGH_BP)
    return [
        ("positive-cycle", pack_from(rules, FACT_TYPES_DOC, {"knowledge/bands.csv": BANDS_CSV}), "reject"),
        ("negation-cycle", pack_from(negation, FACT_TYPES_DOC, {"knowledge/bands.csv": BANDS_CSV}), "reject"),
    ]


def _tables() -> list[tuple[str, Files, Expect]]:
    csv = "knowledge/bands.csv"
    return [
        ("csv-ragged-long-row", _files({csv: b"low,high,band\n130,300,high,extra\n50,129.9,normal\n"}), "reject"),
        ("csv-ragged-short-row", _files({csv: b"low,high,band\n130,300\n50,129.9,normal\n"}), "reject"),
        ("csv-non-utf8", _files({csv: b"low,high,band\n130,300,h\xefgh\n50,129.9,normal\n"}), "reject"),
        ("csv-wrong-type", _files({csv: b"low,high,band\nhigh,300,high\n50,129.9,normal\n"}), "reject"),
        ("csv-unknown-column", _files({csv: b"low,high,band,note\n130,300,high,x\n50,129.9,normal,y\n"}), "reject"),
        ("csv-missing-column", _files({csv: b"low,band\n130,high\n50,normal\n"}), "reject"),
        ("csv-empty", _files({csv: b""}), "reject"),
        ("csv-header-only", _files({csv: b"low,high,band\n"}), "reject"),
        ("csv-bom", _files({csv: b"\xef\xbb\xbf" + BANDS_CSV}), "either"),
        ("csv-nul", _files({csv: b"low,high,band\n130,300,hi\x00gh\n50,129.9,normal\n"}), "reject"),
        ("csv-crlf", _files({csv: BANDS_CSV.replace(b"\n", b"\r\n")}), "either"),
        ("csv-unclosed-quote", _files({csv: b'low,high,band\n130,300,"high\n50,129.9,normal\n'}), "reject"),
        ("csv-duplicate-header", _files({csv: b"low,high,band,band\n130,300,high,x\n50,129.9,normal,y\n"}),
         "reject"),
        ("csv-tiny-number", _files({csv: b"low,high,band\n0.00001,300,high\n"}), "reject"),
        ("csv-huge-number", _files({csv: b"low,high,band\n" + b"9" * 5000 + b",300,high\n"}), "reject"),
        ("csv-exponent", _files({csv: b"low,high,band\n1.3e2,300,high\n50,129.9,normal\n"}), "either"),
        ("csv-nan", _files({csv: b"low,high,band\nnan,300,high\n50,129.9,normal\n"}), "reject"),
        ("csv-infinity", _files({csv: b"low,high,band\n130,inf,high\n50,129.9,normal\n"}), "reject"),
        ("csv-duplicate-key", _files({csv: b"low,high,band\n130,300,high\n140,300,high\n50,129.9,normal\n"}),
         "reject"),
        ("csv-is-a-directory", {**{k: v for k, v in base_pack().items() if k != "knowledge/bands.csv"},
                                "knowledge/bands.csv/x": b""}, "reject"),
        ("table-missing", _files({csv: None}), "reject"),
        ("yaml-table-not-rows", _edit("band", ("table", "file"), "knowledge/bands.yaml")
         | {"knowledge/bands.yaml": b"- 1\n- [2]\n"}, "reject"),
    ]


def _other_files() -> list[tuple[str, Files, Expect]]:
    template, facts, rule = "templates/plan.md.j2", "knowledge/fact-types.yaml", "rules/high.yaml"
    classes = "knowledge/medications/drug-classes.csv"
    high = dump(base_rules()["high"]).encode()
    changes: list[tuple[str, dict[str, bytes | None], Expect]] = [
        ("template-missing", {template: None}, "reject"),
        ("template-syntax", {template: b"{% if %}\n"}, "reject"),
        ("template-non-utf8", {template: b"\xff\xfe{{ x }}\n"}, "reject"),
        ("no-pack-yaml", {"pack.yaml": None}, "reject"),
        ("pack-yaml-bad-version", {"pack.yaml": b"name: fuzz\nversion: '1'\n"}, "reject"),
        ("pack-yaml-list", {"pack.yaml": b"- name\n"}, "reject"),
        ("fact-types-list", {facts: b"- band\n"}, "reject"),
        ("fact-types-scalar", {facts: b"band\n"}, "reject"),
        ("fact-types-bad-kind", {facts: dump({"band": {"label": "b", "fields": {"name": "string"}}}).encode()},
         "reject"),
        ("fact-types-input-type", {facts: dump({**FACT_TYPES_DOC, "lab": {"label": "x", "fields": {"name": "text"}}})
                                   .encode()}, "reject"),
        ("fact-types-fields-list", {facts: b"band: {label: b, fields: [name]}\n"}, "reject"),
        ("rule-non-utf8", {rule: high.replace(b"rule t.high", b"r\xe9gle t.high")}, "reject"),
        ("rule-empty", {rule: b""}, "reject"),
        ("rule-list", {rule: b"- id: t.high\n"}, "reject"),
        ("rule-binary", {rule: bytes(range(256))}, "reject"),
        ("rule-alias-bomb", {rule: alias_bomb(9, 9)}, "reject"),
        ("rule-two-documents", {rule: high + b"---\nid: x\n"}, "reject"),
        ("drug-classes-ragged", {classes: b"drug,class,lowers_bp\nwarfarin,anticoagulant\nx,y,z,w\n"}, "reject"),
        ("drug-classes-non-utf8", {classes: b"drug,class,lowers_bp\nwarf\xe4rin,anticoagulant,false\n"}, "reject"),
    ]
    found = [(label, _files(change), expect) for label, change, expect in changes]
    found.append(("no-rules-dir", {k: v for k, v in base_pack().items() if not k.startswith("rules/")}, "reject"))
    return found


def mutations() -> list[PackCase]:
    """Every named mutation of the base pack, and the base pack itself."""
    found = [PackCase("valid", base_pack(), "accept")]
    for group in (_rule_mutations(), _cycles(), _tables(), _other_files()):
        found.extend(PackCase(label, files, expect) for label, files, expect in group)
    return found


# ---- random packs ------------------------------------------------------------------------------


@st.composite
def random_pack(draw: st.DrawFn) -> PackCase:
    """A random pack of tests/strategies.py (its inline tests are placeholders, so validate may say 2)."""
    rules = draw(rule_pack())
    return PackCase("random", pack_from(rules, FACT_TYPES), "either")


@st.composite
def damaged_pack(draw: st.DrawFn) -> PackCase:
    """A named mutation, then one more damage to a random file's bytes."""
    case = draw(st.sampled_from(mutations()))
    path = draw(st.sampled_from(sorted(case.files)))
    data = case.files[path]
    at = draw(st.integers(0, max(0, len(data))))
    junk = draw(st.sampled_from([b"\xff", b"\x00", b":", b"\n  - ", b"{", b"'", b",", b"&a ", b"*a", b"!!str "]))
    return PackCase(f"{case.label}+junk@{path}", {**case.files, path: data[:at] + junk + data[at:]}, "either")


def pack_case() -> st.SearchStrategy[PackCase]:
    return st.one_of(st.sampled_from(mutations()), random_pack(), damaged_pack())
