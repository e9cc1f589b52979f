"""JSON Schemas for editors and integrators: rule files, patient files, plans.

The rule schema is the pydantic model's schema with ``when`` and ``assert`` spelled out
per fact type of the pack, so an editor (via the ``yaml-language-server`` modeline in each
rule file) completes fact types, their fields and the operators.
"""

from __future__ import annotations

import copy
from typing import Any

from engine.facts.schema import FactSchema, FieldKind
from engine.lang.model import RuleSpec
from engine.lang.patterns import OPERATORS
from engine.patient.model import Patient
from engine.plan.model import Plan

_SCALAR = {
    FieldKind.TEXT: {"type": "string"},
    FieldKind.NUMBER: {"type": "number"},
    FieldKind.INTEGER: {"type": "integer"},
    FieldKind.BOOLEAN: {"type": "boolean"},
}
_REF = {"type": "object", "properties": {"ref": {"type": "string", "pattern": r"^[A-Za-z_]\w*\.\w+$"}},
        "required": ["ref"], "additionalProperties": False}
_COLUMN = {"type": "object", "properties": {"column": {"type": "string"}}, "required": ["column"],
           "additionalProperties": False}


_ROW_TEXT = {"type": "string", "pattern": r"\{row\.\w+\}", "description": "text with a table row's cells"}
_NUMERIC = (FieldKind.NUMBER, FieldKind.INTEGER)
_OPERAND = {"anyOf": [{"type": "number"}, _REF, _COLUMN, {"type": "null"}]}
_ANY = {"type": "object", "additionalProperties": False, "required": ["any"],
        "properties": {"any": {"type": "array", "items": {"anyOf": [{"type": "boolean"}, _REF, _COLUMN]}}}}
_ARITHMETIC = {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": False,
               "properties": {op: {"type": "array", "items": _OPERAND, "minItems": 2} for op in ("add", "mul")}}


def _constraint(kind: FieldKind) -> dict[str, Any]:
    scalar = _SCALAR[kind]
    operand = {"anyOf": [scalar, _REF, _COLUMN]}
    ops: dict[str, Any] = {"eq": operand, "ne": operand,
                           "in": {"type": "array", "items": {"anyOf": [scalar, _COLUMN]}, "minItems": 1},
                           "exists": {"type": "boolean"}, "ref": {"type": "string"}}
    if kind in (FieldKind.NUMBER, FieldKind.INTEGER):
        ops.update({op: operand for op in ("lt", "le", "gt", "ge")})
        ops["between"] = {"type": "array", "items": {"anyOf": [scalar, _COLUMN]}, "minItems": 2, "maxItems": 2}
    assert set(ops) <= set(OPERATORS)
    return {"anyOf": [scalar, _COLUMN, {"type": "object", "properties": ops, "additionalProperties": False}]}


def rule_schema(schema: FactSchema) -> dict[str, Any]:
    base = copy.deepcopy(RuleSpec.model_json_schema())
    patterns: dict[str, Any] = {}
    asserts: dict[str, Any] = {}
    defs = base.setdefault("$defs", {})
    # one definition per value kind, referred to by every field of that kind, and one pattern
    # definition shared by all/any/none: the schema stays small enough for editors to load quickly
    for kind in FieldKind:
        defs[f"{kind.value}-condition"] = _constraint(kind)
    for name in schema.names():
        fact_type = schema.types[name]
        fields: dict[str, Any] = {f: {"$ref": f"#/$defs/{k.value}-condition"}
                                  for f, k in sorted(fact_type.fields.items())}
        fields["as"] = {"type": "string", "description": "alias to refer to this fact (alias.field)"}
        patterns[name] = {"type": ["object", "null"], "description": fact_type.description or fact_type.label,
                          "properties": fields, "additionalProperties": False}
        if fact_type.derived:
            asserts[name] = {"type": "object", "additionalProperties": False, "properties": {
                f: {"anyOf": [_SCALAR[k], _REF, _COLUMN, *([_ARITHMETIC] if k in _NUMERIC else []),
                              *([_ANY] if k is FieldKind.BOOLEAN else [])]}
                for f, k in sorted(fact_type.fields.items())}}
    # one key per pattern, the fact type: an object with every type as an optional property
    # completes better in editors and validates far faster than an anyOf of 20 shapes
    defs["Pattern"] = {"type": "object", "properties": patterns, "additionalProperties": False,
                       "minProperties": 1, "maxProperties": 1}
    pattern_list = {"type": "array", "items": {"$ref": "#/$defs/Pattern"}}
    when = defs.get("WhenSpec", {}).get("properties", {})
    for key in ("all", "any", "none"):
        if key in when:
            when[key] = {**pattern_list, "description": when[key].get("description", "")}
    action = defs.get("ActionItem", {}).get("properties", {})
    if "assert" in action:
        action["assert"] = {"type": "object", "properties": asserts, "additionalProperties": False,
                            "description": "derive a fact: {type: {field: value}}"}
    for name in ("RecommendSpec", "GoalSpec", "FollowUpSpec", "WarnSpec", "SuppressSpec", "DataGapSpec", "AssessSpec"):
        for key, prop in defs.get(name, {}).get("properties", {}).items():
            # in a decision table any action field may take a row's cell
            defs[name]["properties"][key] = {"anyOf": [prop, _COLUMN, _ROW_TEXT],
                                             "description": prop.get("description", "")}
    base["title"] = "careplan rule file"
    base["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return base


def fact_types_schema() -> dict[str, Any]:
    """``knowledge/fact-types.yaml`` and ``knowledge/<domain>/fact-types.yaml``: derived fact types."""
    kinds = [kind.value for kind in FieldKind]
    declaration = {
        "type": "object", "additionalProperties": False, "required": ["label", "fields"],
        "properties": {
            "description": {"type": "string", "description": "what the fact means, for authors and explanations"},
            "label": {"type": "string", "description": "how a fact reads in explanations; {field} is filled in"},
            "fields": {"type": "object", "minProperties": 1, "description": "field name -> value kind",
                       "additionalProperties": {"enum": kinds}},
        },
    }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "careplan derived fact types",
            "type": "object", "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
            "additionalProperties": declaration}


def patient_schema(model: type[Patient] = Patient) -> dict[str, Any]:
    """The patient file a pack reads: the structural model and the pack's declared sections
    (``model``, from ``engine.patient.declared.patient_model``; default: the default pack's)."""
    result = model.model_json_schema()
    result["title"] = "careplan patient facts file"
    result["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return result


def plan_schema() -> dict[str, Any]:
    result = Plan.model_json_schema(by_alias=True)
    result["title"] = "careplan plan (careplan/plan@1)"
    result["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return result
