"""Named adversarial patient files, each tried once (besides what hypothesis draws).

Each entry says what the CLI must do with it: ``accept`` (a plan), ``reject`` (exit 2, located)
or ``either``. Values in range must give a plan, however they are written (0.00001 is a valid
number of drinks a week); values a reader could misread must be refused, never guessed.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.fuzz.emit import Pairs, Raw, dump
from tests.fuzz.patient_files import Case, Expect, alias_bomb, put

BASE: dict[str, Any] = {
    "id": "corpus",
    "demographics": {"age": 55, "sex": "female"},
    "vitals": {"blood_pressure": [{"systolic": 150, "diastolic": 92}], "height_cm": 165, "weight_kg": 70},
    "labs": {"egfr": 60},
    "lifestyle": {"sleep_hours": 7},
    "medications": [{"name": "warfarin", "status": "active"}],
}
READING = ("vitals", "blood_pressure", "*", "systolic")


def field(path: tuple[str, ...], token: Any) -> bytes:
    """BASE with one field written as ``token`` (a ``Raw`` token is written as it is)."""
    return dump(put(copy.deepcopy(BASE), path, token, 0)).encode()


def _fields() -> list[tuple[str, bytes, Expect]]:
    egfr, sleep = ("labs", "egfr"), ("lifestyle", "sleep_hours")
    return [
        ("valid", dump(BASE).encode(), "accept"),
        ("crisis", field(READING, 196).replace(b"diastolic: 92", b"diastolic: 124"), "accept"),
        ("tiny-decimal-below-range", field(egfr, Raw("0.00001")), "reject"),
        ("tiny-decimal-lifestyle", field(sleep, Raw("0.00001")), "accept"),
        ("tiny-decimal-lifestyle-alone", b"id: p\nlifestyle: {sleep_hours: 0.00001}\n", "accept"),
        ("tiny-decimal-alcohol", field(("lifestyle", "alcohol_drinks_per_week"), Raw("0.00001")), "accept"),
        ("tiny-decimal-urine-acr", field(("labs", "urine_acr_mg_g"), Raw("0.00001")), "either"),
        ("tiny-decimal-dose", field(("medications", "*", "dose_mg"), Raw("0.0011")), "accept"),
        ("tiny-decimal-activity-score", b"id: p\ngenotypes: [{gene: CYP2D6, activity_score: 0.00001}]\n", "either"),
        ("tiny-decimal-tumour", b"id: p\ncancer: [{type: breast, tumour_size_mm: 0.00001}]\n", "either"),
        ("tiny-decimal-weight", field(("vitals", "weight_kg"), Raw("2.00001")), "accept"),
        ("many-decimals", field(READING, Raw("150.123456789012345678901234567890")), "accept"),
        ("exponent-tiny-in-range", field(sleep, Raw("1e-300")), "either"),
        ("exponent-tiny-below-range", field(egfr, Raw("1e-300")), "reject"),
        ("subnormal-in-range", field(sleep, Raw("5e-324")), "either"),
        ("underflow", field(sleep, Raw("1e-400")), "reject"),
        ("huge-int", field(egfr, Raw("9" * 4301)), "reject"),
        ("huge-int-for-text", field(("medications", "*", "name"), Raw("7" * 5000)), "reject"),
        ("huge-decimal", field(egfr, Raw("1" * 400 + ".5")), "reject"),
        ("leading-zero", field(READING, Raw("0200")), "reject"),
        ("leading-zero-decimal", field(egfr, Raw("060.5")), "reject"),
        ("sexagesimal", field(egfr, Raw("3:20")), "reject"),
        ("exponent", field(READING, Raw("1.7e2")), "either"),
        ("exponent-out-of-range", field(READING, Raw("1.7e5")), "reject"),
        ("tag-float", field(READING, Raw("!!float 150")), "either"),
        ("tag-str", field(READING, Raw("!!str 150")), "reject"),
        ("tag-python-object", field(egfr, Raw("!!python/object/apply:os.system ['echo pwned']")), "reject"),
        ("negative-zero", field(READING, Raw("-0")), "reject"),
        ("nan", field(READING, Raw(".nan")), "reject"),
        ("impossible-date", field(("vitals", "blood_pressure", "*", "date"), Raw("2026-02-30")), "reject"),
        ("month-13", field(("vitals", "blood_pressure", "*", "date"), Raw("2026-13-01")), "reject"),
        ("bool-yes", field(("demographics", "pregnant"), Raw("yes")), "reject"),
        ("enum-wrong-case", field(("demographics", "sex"), "Female"), "reject"),
        ("float-for-integer", field(("demographics", "age"), Raw("55.0")), "reject"),
        ("fraction-for-integer", field(("demographics", "age"), Raw("55.5")), "reject"),
    ]


def _structure() -> list[tuple[str, bytes, Expect]]:
    labs_upper = {("Labs" if k == "labs" else k): v for k, v in BASE.items()}
    duplicated = Pairs((*BASE.items(), ("labs", {"egfr": 30})))
    return [
        ("unknown-key", dump({**BASE, "note": "x"}).encode(), "reject"),
        ("wrong-case-key", dump(labs_upper).encode(), "reject"),
        ("duplicate-key", dump(duplicated).encode(), "reject"),
        ("deep-nesting", dump({**BASE, "conditions": Raw("[" * 10000 + "]" * 10000)}).encode(), "reject"),
        ("deep-mapping", ("id: p\nconditions: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n").encode(), "reject"),
        ("long-list", dump({**BASE, "allergies": [f"substance {i}" for i in range(20000)]}).encode(), "either"),
        ("long-readings", dump({**BASE, "vitals": {"blood_pressure": [
            {"systolic": 120 + i % 60, "diastolic": 70 + i % 20} for i in range(5000)]}}).encode(), "either"),
        ("long-medications", dump({**BASE, "medications": [
            {"name": f"medicine {i}"} for i in range(3000)]}).encode(), "either"),
        ("long-string", dump({**BASE, "allergies": ["x" * 2_000_000]}).encode(), "either"),
        ("aliases-harmless", b"id: p\nallergies: &a [penicillin]\nconditions: *a\n", "either"),
        ("alias-bomb", alias_bomb(9, 9), "reject"),
        ("alias-bomb-in-value", b"id: p\nallergies: &a [x, x, x, x, x, x, x, x, x, x]\n"
         + b"".join(f"k{i}: &a{i} [*{'a' if i == 0 else f'a{i - 1}'}, *{'a' if i == 0 else f'a{i - 1}'}]\n".encode()
                    for i in range(40)), "reject"),
        ("merge-key", b"id: p\nlabs:\n  <<: {egfr: 60}\n", "either"),
        ("top-list", b"- id: p\n", "reject"),
        ("two-documents", b"id: p\n---\nid: q\n", "reject"),
    ]


def _bytes() -> list[tuple[str, bytes, Expect]]:
    valid = dump(BASE).encode()
    return [
        ("non-utf8", valid.replace(b"warfarin", b"warf\xe4rin"), "reject"),
        ("non-utf8-key", b"id: p\nl\xffabs: {}\n", "reject"),
        ("utf16", valid.decode().encode("utf-16"), "reject"),
        ("utf8-bom", b"\xef\xbb\xbf" + valid, "either"),
        ("nul", valid + b"\x00", "reject"),
        ("crlf", valid.replace(b"\n", b"\r\n"), "accept"),
        ("empty", b"", "reject"),
        ("whitespace", b"  \n\t\n", "reject"),
        ("comment-only", b"# nothing\n", "reject"),
        ("binary-junk", bytes(range(256)) * 4, "reject"),
        ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "reject"),
    ]


def _json() -> list[tuple[str, bytes, Expect]]:
    valid = json.dumps(BASE).encode()
    return [
        ("json-valid", valid, "accept"),
        ("json-indented", json.dumps(BASE, indent=2).encode(), "accept"),
        ("json-exponent", valid.replace(b'"systolic": 150', b'"systolic": 1.5e2'), "either"),
        ("json-exponent-tiny", valid.replace(b'"sleep_hours": 7', b'"sleep_hours": 1E-5'), "either"),
        ("json-surrogate-escape", valid.replace(b'"warfarin"', b'"warfarin \\ud83d\\ude00"'), "either"),
        ("json-unicode-escape", valid.replace(b'"warfarin"', b'"w\\u0061rfarin"'), "accept"),
        ("json-nan", valid.replace(b'"egfr": 60', b'"egfr": NaN'), "reject"),
        ("json-infinity", valid.replace(b'"egfr": 60', b'"egfr": Infinity'), "reject"),
        ("json-trailing-comma", valid.replace(b"}}", b"},}", 1), "either"),
        ("json-comment", b"// a comment\n" + valid, "either"),
        ("json-duplicate-key", valid.replace(b'{"id": "corpus"', b'{"id": "corpus", "id": "other"'), "reject"),
        ("json-top-array", b"[" + valid + b"]", "reject"),
        ("json-string", b'"id: p"', "reject"),
        ("json-truncated", valid[: len(valid) // 2], "reject"),
    ]


def corpus() -> list[Case]:
    cases = []
    for group in (_fields(), _structure(), _bytes(), _json()):
        for label, text, expect in group:
            cases.append(Case(label, text, expect, ".json" if label.startswith("json") else ".yaml"))
    return cases


# inputs a fresh process also runs (slow to start, so a few); the big ones stay with the fork server
EXEC_SAMPLE = ("valid", "crisis", "huge-int", "non-utf8")
