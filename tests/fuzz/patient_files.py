"""Patient files as text: valid ones across every section of the model, and mutated ones.

Valid patients are drawn from the patient JSON Schema (``engine.authoring.schemas.patient_schema``),
so every section and every field of ``engine/patient/model.py`` is covered with values across its
whole range (boundaries, tiny decimals such as 0.00001, many decimal places), and follow the model
when it changes. Each file is a ``Case``: the bytes, a label saying what was done to it, and what
the command line must do with it: ``accept`` (a plan, exit 0 or 1), ``reject`` (exit 2, located),
or ``either``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Literal

from hypothesis import strategies as st
from pydantic import ValidationError

from engine.authoring.schemas import patient_schema
from engine.patient.model import Patient
from tests.fuzz.emit import Pairs, Raw, Style, dump, plain_number

Expect = Literal["accept", "reject", "either"]
Node = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """One input file and what the CLI must do with it."""

    label: str
    text: bytes
    expect: Expect
    suffix: str = ".yaml"


# ---- vocabulary: values the default pack's rules speak about, mixed with random text -------------

VOCABULARY: dict[tuple[str, str], list[str]] = {
    ("Genotype", "gene"): ["CYP2C19", "CYP2D6", "CYP2C9", "SLCO1B1", "HLA-B", "TPMT", "DPYD", "G6PD"],
    ("Genotype", "diplotype"): ["*1/*1", "*1/*2", "*2/*2", "*1/*17", "*17/*17", "*1/*1x2", "*4/*4", "*5/*5", "A-"],
    ("Genotype", "allele"): ["*57:01", "*15:02", "*58:01"],
    ("Genotype", "phenotype"): ["Poor Metabolizer", "Intermediate Metabolizer", "Normal Metabolizer",
                                "Ultrarapid Metabolizer", "Poor Function"],
    ("Medication", "name"): ["clopidogrel", "warfarin", "simvastatin", "lisinopril", "amlodipine", "metformin",
                             "codeine", "losartan", "Clopidogrel "],
    ("Medication", "indication"): ["ACS", "PCI", "hypertension"],
    ("Patient", "conditions"): ["type 2 diabetes", "hypertension", "chronic kidney disease", "heart failure",
                                "diabetes", "Type 2 Diabetes"],
    ("Patient", "allergies"): ["lisinopril", "penicillin", "ACE inhibitors", "prasugrel"],
    ("CodedCondition", "display"): ["type 2 diabetes", "hypertension"],
    ("CodedCondition", "system"): ["http://snomed.info/sct"],
    ("CodedCondition", "code"): ["44054006", "38341003"],
    ("Cancer", "type"): ["breast", "Breast cancer", "non-small cell lung", "NSCLC", "colon", "colorectal", "rectal"],
    ("SomaticVariant", "gene"): ["EGFR", "ALK", "KRAS", "BRAF", "ROS1"],
    ("SomaticVariant", "variant"): ["L858R", "exon 19 deletion", "fusion", "G12C", "V600E", "p.G12C"],
    ("FamilyHistoryEntry", "relative"): ["mother", "sister", "father", "maternal aunt", "brother"],
    ("FamilyHistoryEntry", "condition"): ["breast cancer", "ovarian cancer", "colon cancer", "pancreatic cancer"],
    ("Preferences", "goals"): ["keep working while I get treated", "walk my dog every day"],
    ("Preferences", "declines"): ["chemotherapy", "statins", "medication"],
}
# printable text with YAML's special characters and some non-ASCII letters; never a surrogate
_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))
_TEXT = st.text(_ALPHABET, min_size=1, max_size=30).filter(lambda s: s.strip() != "")
_ID = st.from_regex(r"[A-Za-z0-9._-]{1,40}", fullmatch=True)


def _text(owner: str, prop: str) -> st.SearchStrategy[str]:
    words = VOCABULARY.get((owner, prop))
    return st.one_of(st.sampled_from(words), _TEXT) if words else _TEXT


def _number(low: float, high: float, integer: bool) -> st.SearchStrategy[float | int]:
    """Numbers across the range: its ends, tiny decimals above the low end, many decimal places."""
    if integer:
        return st.one_of(st.sampled_from([int(low), int(high)]), st.integers(int(low), int(high)))
    near = [v for v in (low + 0.00001, low + 0.0001, low + 0.001, high - 0.00001) if low <= v <= high]
    places = st.integers(0, 5).flatmap(
        lambda p: st.decimals(min_value=low, max_value=high, places=p, allow_nan=False, allow_infinity=False))
    return st.one_of(st.sampled_from([low, high, *near]), places.map(float),
                     st.floats(low, high, allow_nan=False, allow_subnormal=False).map(lambda f: round(f, 9)))


# ---- the schema, walked once --------------------------------------------------------------------


@cache
def schema() -> Node:
    return patient_schema()


def resolve(node: Node) -> tuple[str, Node]:
    """``(owner name, node)`` with ``$ref`` followed and a nullable ``anyOf`` reduced to its value."""
    owner = ""
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        if len(options) == 1:
            node = {**{k: v for k, v in node.items() if k != "anyOf"}, **options[0]}
    if "$ref" in node:
        owner = node["$ref"].rsplit("/", 1)[-1]
        node = schema()["$defs"][owner]
    return owner, node


def _scalar_strategy(node: Node, owner: str, prop: str) -> st.SearchStrategy[Any]:
    kind = node.get("type")
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if kind in ("integer", "number"):
        return _number(node["minimum"], node["maximum"], kind == "integer")
    if kind == "boolean":
        return st.booleans()
    if node.get("format") == "date":
        return st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
    if node.get("pattern"):
        return _ID
    return _text(owner, prop)


def value_strategy(node: Node, owner: str = "Patient", prop: str = "") -> st.SearchStrategy[Any]:
    """A strategy for any value the schema node allows (objects, lists, unions, scalars)."""
    ref_owner, node = resolve(node)
    if "anyOf" in node:
        return st.one_of([value_strategy(o, owner, prop) for o in node["anyOf"]])
    if node.get("type") == "object" or "properties" in node:
        return _object_strategy(node, ref_owner or owner)
    if node.get("type") == "array":
        return st.lists(value_strategy(node["items"], owner, prop), max_size=3)
    return _scalar_strategy(node, owner, prop)


def _object_strategy(node: Node, owner: str) -> st.SearchStrategy[dict[str, Any]]:
    required = set(node.get("required", ()))
    props = node.get("properties", {})
    return st.fixed_dictionaries(
        {k: value_strategy(v, owner, k) for k, v in props.items() if k in required},
        optional={k: value_strategy(v, owner, k) for k, v in props.items() if k not in required},
    )


# ---- what the model checks beyond the schema ----------------------------------------------------


def repair(data: dict[str, Any]) -> dict[str, Any]:
    """Make a schema-drawn patient meet the model's cross-field checks (diastolic < systolic;
    a genotype says something)."""
    for reading in data.get("vitals", {}).get("blood_pressure", []):
        if reading["diastolic"] >= reading["systolic"]:
            reading["diastolic"] = 20
    for genotype in data.get("genotypes", []):
        if not any(genotype.get(k) is not None for k in ("diplotype", "result", "phenotype", "activity_score")):
            genotype["phenotype"] = "Normal Metabolizer"
    return data


def _drop(data: Any, loc: tuple[Any, ...]) -> bool:
    """Remove the field (or list item) at a pydantic error location; False if it is not there."""
    node: Any = data
    path: list[Any] = []
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
    if not path or path == ["id"]:
        return False
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return True


def fit_model(data: dict[str, Any]) -> dict[str, Any]:
    """Drop what the model refuses beyond the schema (a value it would round to 0, a field a
    validator needs with another), so the result validates as it stands."""
    for _ in range(20):
        try:
            Patient.model_validate(data)
            return data
        except ValidationError as exc:
            if not any(_drop(data, tuple(err["loc"])) for err in exc.errors()):
                break
    return {"id": data["id"]}


@st.composite
def valid_patient(draw: st.DrawFn) -> dict[str, Any]:
    """A patient that the model accepts, with any of its sections and fields."""
    return fit_model(repair(draw(value_strategy(schema()))))


@st.composite
def shuffled(draw: st.DrawFn, value: Any) -> Any:
    """The same document with every mapping's keys in a drawn order (lists keep theirs)."""
    if isinstance(value, dict):
        keys = draw(st.permutations(list(value)))
        return {k: draw(shuffled(value[k])) for k in keys}
    if isinstance(value, list):
        return [draw(shuffled(v)) for v in value]
    return value


STYLES: tuple[Style, ...] = ("block", "flow", "json")


def suffix(style: Style) -> str:
    return ".json" if style == "json" else ".yaml"


@st.composite
def valid_case(draw: st.DrawFn) -> Case:
    """A valid patient file in YAML block, YAML flow or JSON, keys in any order."""
    data = draw(shuffled(draw(valid_patient())))
    style = draw(st.sampled_from(STYLES))
    return Case(f"valid.{style}", dump(data, style).encode(), "accept", suffix(style))


# ---- the fields, for mutations ------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    """A scalar field of the patient file; ``*`` in the path stands for an item of a list."""

    path: tuple[str, ...]
    kind: str  # integer number text enum boolean date
    low: float = 0
    high: float = 0
    choices: tuple[str, ...] = ()
    owner: str = ""


def _leaf(node: Node, path: tuple[str, ...], owner: str) -> Leaf:
    kind = "enum" if "enum" in node else ("date" if node.get("format") == "date" else node.get("type", "text"))
    kind = "text" if kind == "string" else kind
    return Leaf(path, kind, node.get("minimum", 0), node.get("maximum", 0), tuple(node.get("enum", ())), owner)


def _walk(node: Node, path: tuple[str, ...], owner: str) -> list[Leaf]:
    ref_owner, node = resolve(node)
    owner = ref_owner or owner
    if "anyOf" in node:
        return [leaf for option in node["anyOf"] for leaf in _walk(option, path, owner)]
    if "properties" in node:
        return [leaf for k, v in node["properties"].items() for leaf in _walk(v, (*path, k), owner)]
    if node.get("type") == "array":
        return _walk(node["items"], (*path, "*"), owner)
    return [_leaf(node, path, owner)]


@cache
def leaves() -> tuple[Leaf, ...]:
    return tuple(_walk(schema(), (), "Patient"))


# the least an item of each list needs to be valid, so a mutated field has a place to live
MINIMAL_ITEMS: dict[tuple[str, ...], dict[str, Any]] = {
    ("vitals", "blood_pressure"): {"systolic": 150, "diastolic": 60},
    ("medications",): {"name": "warfarin", "status": "active"},
    ("genotypes",): {"gene": "CYP2C19", "diplotype": "*1/*2"},
    ("cancer",): {"type": "breast"},
    ("cancer", "*", "somatic_variants"): {"gene": "EGFR", "variant": "L858R"},
    ("family_history",): {"relative": "mother", "condition": "breast cancer"},
    ("conditions",): {"system": "http://snomed.info/sct", "code": "44054006", "display": "type 2 diabetes"},
}


def _item_for(list_path: tuple[str, ...], current: Any) -> dict[str, Any]:
    return current if isinstance(current, dict) else dict(MINIMAL_ITEMS.get(list_path, {}))


def put(doc: dict[str, Any], path: tuple[str, ...], value: Any, index: int) -> dict[str, Any]:
    """``doc`` with ``value`` at ``path`` (items and sections made where missing).

    ``index`` picks which item of a list is changed (modulo the length; one past the end appends)."""
    node: dict[str, Any] = doc
    i = 0
    while i < len(path) - 1:
        part, following = path[i], path[i + 1]
        if following != "*":
            child = node.get(part)
            node[part] = child if isinstance(child, dict) else {}
            node, i = node[part], i + 1
            continue
        items = node.get(part)
        items = node[part] = items if isinstance(items, list) else []
        slot = index % (len(items) + 1)
        if i + 2 == len(path):  # a list of scalars: the item is the field
            items[slot:slot + 1] = [value]
            return doc
        if slot == len(items):
            items.append(None)
        items[slot] = _item_for(path[: i + 1], items[slot])
        node, i = items[slot], i + 2
    node[path[-1]] = value
    return doc


# ---- mutations of one field ---------------------------------------------------------------------

Mutation = tuple[str, Any, Expect]  # label, value written into the field, expectation


def _in_range(leaf: Leaf, value: float) -> bool:
    return leaf.low <= value <= leaf.high


def _maybe(leaf: Leaf, value: float) -> Expect:
    """A value a strict reader may accept: only if it is in the field's range."""
    integral = leaf.kind != "integer" or float(value).is_integer()
    return "either" if _in_range(leaf, value) and integral else "reject"


def number_mutations(leaf: Leaf) -> list[Mutation]:
    """Ways to write a number wrongly, or oddly; what each must lead to."""
    low, high = leaf.low, leaf.high
    mid = int((low + high) / 2) or 1
    out: list[Mutation] = [
        ("above-range", Raw(plain_number(high + 1)), "reject"),
        ("below-range", Raw(plain_number(low - 0.5)), "reject"),
        ("far-above-range", Raw("1" + "0" * 30), "reject"),
        ("huge-int", Raw("9" * 4301), "reject"),
        ("huge-negative-int", Raw("-" + "7" * 5000), "reject"),
        ("leading-zero", Raw("0" + str(mid)), "reject"),
        ("sexagesimal", Raw("3:20"), "reject"),
        ("hexadecimal", Raw("0x1F"), "reject"),
        ("digit-separator", Raw("1_0"), "reject"),
        ("nan", Raw(".nan"), "reject"),
        ("infinity", Raw(".inf"), "reject"),
        ("negative-infinity", Raw("-.inf"), "reject"),
        ("quoted-number", json_string(str(mid)), "reject"),
        ("boolean", Raw("true"), "reject"),
        ("yes", Raw("yes"), "reject"),
        ("list", [mid], "reject"),
        ("mapping", {"value": mid}, "reject"),
        ("tag-str", Raw(f"!!str {mid}"), "reject"),
        ("tag-python-object", Raw("!!python/object/apply:os.system ['echo pwned']"), "reject"),
        ("tag-python-name", Raw("!!python/name:os.system"), "reject"),
        ("tiny-decimal", Raw("0.00001"), _maybe(leaf, 0.00001)),
        ("tiny-exponent", Raw("1e-300"), _maybe(leaf, 1e-300)),
        ("tiny-exponent-signed", Raw("1.0e-300"), _maybe(leaf, 1e-300)),
        ("subnormal", Raw("5e-324"), _maybe(leaf, 5e-324)),
        ("underflow", Raw("1e-400"), "reject"),
        ("overflow", Raw("1e400"), "reject"),
        ("exponent", Raw("1.7e2"), _maybe(leaf, 170)),
        ("exponent-signed", Raw("1.7e+2"), _maybe(leaf, 170)),
        ("tag-float", Raw(f"!!float {mid}"), _maybe(leaf, mid)),
        ("tag-int", Raw(f"!!int {mid}"), _maybe(leaf, mid)),
        ("plus-sign", Raw(f"+{mid}"), _maybe(leaf, mid)),
        ("trailing-dot", Raw(f"{mid}."), _maybe(leaf, mid) if leaf.kind == "number" else "reject"),
    ]
    if leaf.kind == "integer":
        out.append(("fraction-for-integer", Raw(f"{mid}.5"), "reject"))
        out.append(("float-for-integer", Raw(f"{mid}.0"), "reject"))
    return out


def json_string(text: str) -> Raw:
    return Raw('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')


def text_mutations(leaf: Leaf) -> list[Mutation]:
    out: list[Mutation] = [
        ("number-for-text", Raw("42"), "reject"),
        ("list-for-text", ["a"], "reject"),
        ("mapping-for-text", {"a": "b"}, "reject"),
        ("tag-python-object", Raw("!!python/object:os.system x"), "reject"),
        ("binary-tag", Raw("!!binary aGVsbG8="), "reject"),
    ]
    if leaf.kind == "enum":
        out.append(("enum-wrong-case", json_string(leaf.choices[0].upper() + "X"), "reject"))
        out.append(("enum-unknown", json_string("not-a-choice"), "reject"))
    if leaf.kind == "boolean":
        out.extend([("bool-yes", Raw("yes"), "reject"), ("bool-on", Raw("on"), "reject"),
                    ("bool-quoted", json_string("true"), "reject"), ("bool-one", Raw("1"), "reject")])
    if leaf.kind == "date":
        out.extend([("impossible-date", Raw("2026-02-30"), "reject"), ("month-13", Raw("2026-13-01"), "reject"),
                    ("date-time", Raw("2026-01-05T10:00:00"), "either"), ("short-date", Raw("2026-1-5"), "either"),
                    ("quoted-date", json_string("2026-01-05"), "either")])
    return out


def mutations_of(leaf: Leaf) -> list[Mutation]:
    if leaf.kind in ("integer", "number"):
        return number_mutations(leaf)
    return text_mutations(leaf)


@st.composite
def field_mutation(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str, dict[str, Any], Expect]:
    """One field of the patient written wrongly (or oddly); numbers most often."""
    numeric = draw(st.integers(0, 3)) > 0
    leaf = draw(st.sampled_from([lf for lf in leaves() if (lf.kind in ("integer", "number")) == numeric]))
    label, value, expect = draw(st.sampled_from(mutations_of(leaf)))
    doc = put(data, leaf.path, value, draw(st.integers(0, 3)))
    return f"{label}@{'.'.join(leaf.path)}", doc, expect


# ---- mutations of the document's structure ------------------------------------------------------


def _mappings(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every mapping in the document."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        found.append(path)
        for k, v in value.items():
            found.extend(_mappings(v, (*path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found.extend(_mappings(v, (*path, i)))
    return found


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


def _unknown_key(mapping: dict[str, Any], draw: st.DrawFn) -> tuple[str, Any, Expect]:
    key = draw(st.sampled_from(["extra", "vital", "lab", "notes", "x_custom"]))
    return "unknown-key", {**mapping, key: 1}, "reject"


def _wrong_case_key(mapping: dict[str, Any], draw: st.DrawFn) -> tuple[str, Any, Expect]:
    if not mapping:
        return "unknown-key", {"Id": "p"}, "reject"
    key = draw(st.sampled_from(sorted(mapping)))
    cased = draw(st.sampled_from([key.upper(), key.capitalize(), key.title().replace("_", "")]))
    if cased == key:
        cased = key + "_"
    return "wrong-case-key", {(cased if k == key else k): v for k, v in mapping.items()}, "reject"


def _duplicate_key(mapping: dict[str, Any], draw: st.DrawFn) -> tuple[str, Any, Expect]:
    if not mapping:
        return "duplicate-key", Pairs((("a", 1), ("a", 1))), "reject"
    key = draw(st.sampled_from(sorted(mapping)))
    items = [*mapping.items(), (key, mapping[key])]
    return "duplicate-key", Pairs(tuple(draw(st.permutations(items)))), "reject"


_Structural = Callable[[dict[str, Any], st.DrawFn], tuple[str, Any, Expect]]
_STRUCTURAL: tuple[_Structural, ...] = (_unknown_key, _wrong_case_key, _duplicate_key)


@st.composite
def structure_mutation(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str, Any, Expect]:
    """An unknown, wrong-case or repeated key in one of the document's mappings."""
    path = draw(st.sampled_from(_mappings(data)))
    label, changed, expect = draw(st.sampled_from(_STRUCTURAL))(_get(data, path), draw)
    where = ".".join(str(p) for p in path) or "top"
    return f"{label}@{where}", _set(data, path, changed), expect


@st.composite
def shape_mutation(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str, Any, Expect]:
    """Deep nesting, very long lists, a wrong top level, a missing or malformed id."""
    kind = draw(st.sampled_from(["deep", "long-list", "long-readings", "top-list", "top-scalar", "no-id",
                                 "bad-id", "long-id", "empty-section", "null-section"]))
    if kind == "deep":
        depth = draw(st.sampled_from([10, 100, 1000, 5000]))
        return f"deep-nesting-{depth}", {**data, "conditions": Raw("[" * depth + "]" * depth)}, "reject"
    if kind == "long-list":
        size = draw(st.sampled_from([100, 1000, 5000]))
        return f"long-list-{size}", {**data, "allergies": [f"substance {i}" for i in range(size)]}, "either"
    if kind == "long-readings":
        size = draw(st.sampled_from([100, 1000, 3000]))
        readings = [{"systolic": 120 + i % 50, "diastolic": 70 + i % 20} for i in range(size)]
        return f"long-readings-{size}", {**data, "vitals": {"blood_pressure": readings}}, "either"
    simple: dict[str, tuple[Any, Expect]] = {
        "top-list": ([data], "reject"), "top-scalar": (Raw("patient"), "reject"),
        "no-id": ({k: v for k, v in data.items() if k != "id"}, "reject"),
        "bad-id": ({**data, "id": "a patient/1"}, "reject"), "long-id": ({**data, "id": "p" * 129}, "reject"),
        "empty-section": ({**data, "labs": {}, "medications": []}, "accept"),
        "null-section": ({**data, "labs": None}, "either"),
    }
    value, expect = simple[kind]
    return kind, value, expect


# ---- text-level mutations -----------------------------------------------------------------------


def _insert(text: bytes, at: int, junk: bytes) -> bytes:
    at = at % (len(text) + 1)
    return text[:at] + junk + text[at:]


@st.composite
def bytes_mutation(draw: st.DrawFn, case: Case) -> Case:
    """The file's bytes damaged: non-UTF-8, NUL, BOMs, CRLF, tabs, truncation."""
    text, at = case.text, draw(st.integers(0, 10_000))
    kind = draw(st.sampled_from(["non-utf8", "latin1-in-string", "nul", "utf16", "utf8-bom", "crlf",
                                 "truncated", "overlong-utf8"]))
    changes: dict[str, tuple[bytes, Expect]] = {
        "non-utf8": (_insert(text, at, b"\xff\xfe\xc3\x28"), "reject"),
        "latin1-in-string": (text.replace(b'"', b'"caf\xe9 ', 1), "reject" if b'"' in text else case.expect),
        "nul": (_insert(text, at, b"\x00"), "reject"),
        "utf16": (text.decode("utf-8").encode("utf-16"), "reject"),
        "utf8-bom": (b"\xef\xbb\xbf" + text, "either"),
        "crlf": (text.replace(b"\n", b"\r\n"), case.expect),
        "truncated": (text[: at % (len(text) + 1)], "either"),
        "overlong-utf8": (_insert(text, at, b"\xc0\xaf"), "reject"),
    }
    data, expect = changes[kind]
    return replace(case, label=f"{kind}({case.label})", text=data, expect=expect)


JUNK = st.sampled_from([b"", b"\n", b"   \n\t\n", b"# only a comment\n", b"---\n", b"---\n...\n", b"~\n",
                        b"null\n", b"[]\n", b"{}\n", b'"id: p"\n', b"id: p\n---\nid: q\n", b"id:\n",
                        b"{id: p", b"id: [p\n", b"\x89PNG\r\n\x1a\n\x00\x00", b"\x7fELF\x02\x01\x01",
                        b"PK\x03\x04", b"%YAML 1.2\n---\nid: p\n", b"%YAML 9.9\n---\nid: p\n", b"!!set {id}\n",
                        b"id: p\n? [a]\n: b\n", b"id: !!binary aGVsbG8=\n", b"<<: {id: p}\n"])


@st.composite
def junk_case(draw: st.DrawFn) -> Case:
    """An empty file, binary junk, or a YAML oddity at the top level."""
    text = draw(st.one_of(JUNK, st.binary(min_size=1, max_size=200)))
    expect: Expect = "either" if text in (b"%YAML 1.2\n---\nid: p\n", b"<<: {id: p}\n") else "reject"
    return Case("junk", text, expect)


# ---- aliases -----------------------------------------------------------------------------------


def alias_bomb(fanout: int, depth: int) -> bytes:
    """``a0: &a0 [x, x, ...]``, ``a1: &a1 [*a0, *a0, ...]``, ...: ``fanout ** depth`` values in a few lines."""
    lines = ["id: bomb", "a0: &a0 [" + ", ".join(['"x"'] * fanout) + "]"]
    for level in range(1, depth):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * fanout) + "]")
    lines.append(f"allergies: *a{depth - 1}")
    return ("\n".join(lines) + "\n").encode()


@st.composite
def alias_case(draw: st.DrawFn) -> Case:
    """Anchors and aliases: a harmless one (a reading written twice) and small bombs."""
    if draw(st.booleans()):
        text = (b"id: aliases\nvitals:\n  blood_pressure:\n    - &r {systolic: 140, diastolic: 90}\n"
                b"    - *r\nallergies: &a [penicillin]\nconditions: *a\n")
        return Case("aliases-harmless", text, "either")
    fanout, depth = draw(st.integers(2, 6)), draw(st.integers(2, 5))
    return Case(f"alias-bomb-{fanout}^{depth}", alias_bomb(fanout, depth), "reject")


# ---- all together ------------------------------------------------------------------------------


@st.composite
def mutated_case(draw: st.DrawFn) -> Case:
    """A valid patient damaged one way (a field, the structure, the shape or the bytes)."""
    data = draw(shuffled(draw(valid_patient())))
    style = draw(st.sampled_from(STYLES))
    kind = draw(st.sampled_from(["field", "field", "field", "structure", "shape", "bytes"]))
    if kind == "bytes":
        return draw(bytes_mutation(Case(f"valid.{style}", dump(data, style).encode(), "accept", suffix(style))))
    mutate = {"field": field_mutation, "structure": structure_mutation, "shape": shape_mutation}[kind]
    label, doc, expect = draw(mutate(data))
    return Case(f"{label}.{style}", dump(doc, style).encode(), expect, suffix(style))


@st.composite
def patient_case(draw: st.DrawFn) -> Case:
    """Any patient file: valid (2 in 10), mutated (6 in 10), junk or with aliases (1 in 10 each)."""
    pick = draw(st.integers(0, 9))
    if pick < 2:
        return draw(valid_case())
    if pick < 8:
        return draw(mutated_case())
    return draw(junk_case() if pick == 8 else alias_case())
