"""Parse and check the patterns of a rule's ``when`` against the pack's fact schema.

A pattern names one fact type and constrains its fields::

    - phenotype: {gene: CYP2C19, value: {in: [Poor Metabolizer]}, as: p}
    - medication: {name: clopidogrel, status: {ne: stopped}}
    - allele_function: {gene: {ref: p.gene}, slot: 1}

Operators: eq, ne, lt, le, gt, ge, between, in, exists, and ``ref`` for joins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Union

from engine.facts.fact import Scalar
from engine.facts.schema import FactSchema, FieldKind
from engine.source.diagnostics import Diagnostic, did_you_mean
from engine.source.document import PathKey, SourceDoc

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "between", "in", "exists", "ref")
_ORDERED = {"lt", "le", "gt", "ge"}


@dataclass(frozen=True)
class Ref:
    alias: str
    field: str

    def __str__(self) -> str:
        return f"{self.alias}.{self.field}"


Operand = Union[Scalar, Ref, tuple[Scalar, ...], None]


@dataclass(frozen=True)
class Test:
    field: str
    op: str  # eq ne lt le gt ge in exists missing
    value: Operand = None


@dataclass(frozen=True)
class Pattern:
    alias: str
    type: str
    tests: tuple[Test, ...]

    def refs(self) -> list[Ref]:
        return [t.value for t in self.tests if isinstance(t.value, Ref)]


@dataclass
class PatternContext:
    """Where patterns are being read: for locating errors and resolving aliases."""

    doc: SourceDoc
    schema: FactSchema
    rule_id: str
    diagnostics: list[Diagnostic]

    def error(self, at: PathKey, code: str, message: str, hint: str | None = None, *, key: bool = False) -> None:
        self.diagnostics.append(Diagnostic(self.doc.locate(at, key=key), code, message,
                                           rule_id=self.rule_id, hint=hint))


def parse_ref(text: object) -> Ref | None:
    if not isinstance(text, str) or text.count(".") != 1:
        return None
    alias, field = text.split(".")
    return Ref(alias, field) if alias and field else None


def parse_pattern(item: object, at: PathKey, ctx: PatternContext, aliases: dict[str, str],
                  default_alias: str) -> Pattern | None:
    """One pattern; ``aliases`` maps the aliases bound so far to their fact types."""
    if not isinstance(item, dict) or len(item) != 1:
        ctx.error(at, "when.bad-pattern", "a pattern is a mapping with one key, the fact type",
                  "for example: - medication: {name: clopidogrel}")
        return None
    (type_name, body), = item.items()
    fact_type = ctx.schema.get(type_name)
    if fact_type is None:
        ctx.error(at + (type_name,), "ref.unknown-fact-type", f"unknown fact type '{type_name}'",
                  did_you_mean(type_name, ctx.schema.names()), key=True)
        return None
    if body is None:
        body = {}
    if not isinstance(body, dict):
        ctx.error(at + (type_name,), "when.bad-pattern", "the fact type maps to field constraints")
        return None
    alias = body.get("as", default_alias)
    if not isinstance(alias, str) or not alias.isidentifier() or alias.startswith("_"):
        ctx.error(at + (type_name, "as"), "when.bad-alias", "an alias is a plain word")
        return None
    if alias in aliases:
        ctx.error(at + (type_name, "as"), "when.duplicate-alias", f"alias '{alias}' is bound twice")
        return None
    tests: list[Test] = []
    for field_name, constraint in body.items():
        if field_name == "as":
            continue
        where = at + (type_name, field_name)
        kind = fact_type.fields.get(field_name)
        if kind is None:
            ctx.error(where, "ref.unknown-field", f"fact type '{type_name}' has no field '{field_name}'",
                      did_you_mean(field_name, fact_type.fields) or
                      "fields: " + ", ".join(sorted(fact_type.fields)), key=True)
            continue
        tests.extend(_parse_constraint(field_name, kind, constraint, where, ctx, aliases))
    return Pattern(alias, type_name, tuple(tests))


def _parse_constraint(field_name: str, kind: FieldKind, constraint: object, at: PathKey,
                      ctx: PatternContext, aliases: dict[str, str]) -> list[Test]:
    if _placeholder(constraint):
        return []  # a table template's cell; checked once the row is filled in
    if not isinstance(constraint, dict):
        return [t for t in [_operand_test(field_name, kind, "eq", constraint, at, ctx, aliases)] if t]
    tests: list[Test] = []
    for op, operand in constraint.items():
        where = at + (op,)
        if _placeholder(operand):
            continue
        if op not in OPERATORS:
            ctx.error(where, "when.unknown-operator", f"unknown operator '{op}'",
                      did_you_mean(op, OPERATORS) or "operators: " + ", ".join(OPERATORS), key=True)
            continue
        parse = _SPECIAL_OPERATORS.get(op, _plain_operator)
        tests.extend(parse(field_name, kind, op, operand, where, ctx, aliases))
    return tests


def _plain_operator(field_name: str, kind: FieldKind, op: str, operand: object, at: PathKey,
                    ctx: PatternContext, aliases: dict[str, str]) -> list[Test]:
    if op == "ref":
        op, operand = "eq", {"ref": operand}
    test = _operand_test(field_name, kind, op, operand, at, ctx, aliases)
    return [test] if test else []


def _exists_operator(field_name: str, kind: FieldKind, op: str, operand: object, at: PathKey,
                     ctx: PatternContext, aliases: dict[str, str]) -> list[Test]:
    if not isinstance(operand, bool):
        ctx.error(at, "when.wrong-type", "exists takes true or false")
        return []
    return [Test(field_name, "exists" if operand else "missing")]


def _between_operator(field_name: str, kind: FieldKind, op: str, operand: object, at: PathKey,
                      ctx: PatternContext, aliases: dict[str, str]) -> list[Test]:
    if not (isinstance(operand, list) and len(operand) == 2):
        ctx.error(at, "when.wrong-type", "between takes [low, high] (both included)")
        return []
    tests: list[Test] = []
    for sub_op, bound in (("ge", operand[0]), ("le", operand[1])):
        tests.extend(_plain_operator(field_name, kind, sub_op, bound, at, ctx, aliases))
    return tests


def _in_operator(field_name: str, kind: FieldKind, op: str, operand: object, at: PathKey,
                 ctx: PatternContext, aliases: dict[str, str]) -> list[Test]:
    if not isinstance(operand, list) or not operand:
        ctx.error(at, "when.wrong-type", "in takes a non-empty list of values")
        return []
    values = [value for i, value in enumerate(operand) if _check_scalar(kind, value, at + (i,), ctx)]
    if len(values) != len(operand):
        return []
    return [Test(field_name, "in", tuple(sorted(set(values), key=str)))]


_OperatorParser = Callable[[str, FieldKind, str, object, PathKey, PatternContext, dict[str, str]], list[Test]]
_SPECIAL_OPERATORS: dict[str, _OperatorParser] = {
    "exists": _exists_operator, "between": _between_operator, "in": _in_operator,
}


def _operand_test(field_name: str, kind: FieldKind, op: str, operand: object, at: PathKey,
                  ctx: PatternContext, aliases: dict[str, str]) -> Test | None:
    if isinstance(operand, dict) and set(operand) == {"ref"}:
        return _ref_test(field_name, kind, op, operand["ref"], at, ctx, aliases)
    if op in _ORDERED and kind not in (FieldKind.NUMBER, FieldKind.INTEGER):
        ctx.error(at, "when.wrong-type", f"'{op}' compares numbers; '{field_name}' is {kind.value}")
        return None
    if not _check_scalar(kind, operand, at, ctx):
        return None
    assert isinstance(operand, (str, int, float, bool))
    return Test(field_name, op, operand)


def _ref_test(field_name: str, kind: FieldKind, op: str, written: object, at: PathKey,
              ctx: PatternContext, aliases: dict[str, str]) -> Test | None:
    ref = parse_ref(written)
    if ref is None:
        ctx.error(at, "when.bad-ref", "a ref is written alias.field, e.g. p.gene")
        return None
    if not check_ref(ref, at, ctx, aliases, kind):
        return None
    if op in _ORDERED and kind is FieldKind.TEXT:
        ctx.error(at, "when.wrong-type", f"'{op}' compares numbers; '{field_name}' is text")
        return None
    return Test(field_name, op, ref)


def check_ref(ref: Ref, at: PathKey, ctx: PatternContext, aliases: dict[str, str],
              kind: FieldKind | None = None) -> bool:
    if ref.alias not in aliases:
        ctx.error(at, "ref.unknown-alias", f"'{ref.alias}' is not bound by an earlier pattern",
                  did_you_mean(ref.alias, aliases) or "bind it with 'as:' on a pattern above")
        return False
    ref_type = ctx.schema.types[aliases[ref.alias]]
    ref_kind = ref_type.fields.get(ref.field)
    if ref_kind is None:
        ctx.error(at, "ref.unknown-field", f"fact type '{ref_type.name}' has no field '{ref.field}'",
                  did_you_mean(ref.field, ref_type.fields))
        return False
    numeric = {FieldKind.NUMBER, FieldKind.INTEGER}
    if kind is not None and ref_kind is not kind and not (ref_kind in numeric and kind in numeric):
        ctx.error(at, "when.wrong-type", f"'{ref}' is {ref_kind.value}, compared with a {kind.value} field")
        return False
    return True


def _check_scalar(kind: FieldKind, value: object, at: PathKey, ctx: PatternContext) -> bool:
    if isinstance(value, (dict, list)) or value is None:
        ctx.error(at, "when.wrong-type", f"expected a {kind.value} value here")
        return False
    if not kind.accepts(value):
        ctx.error(at, "when.wrong-type", f"expected a {kind.value} value, not {_kind_of(value)}",
                  "quote numbers meant as text; leave numbers unquoted" if kind is not FieldKind.BOOLEAN else None)
        return False
    if isinstance(value, float) and value != 0 and not 1e-4 <= abs(value) < 1e15:
        ctx.error(at, "when.bad-number", "numbers must lie between 0.0001 and 10^15 in size")
        return False
    return True


def _placeholder(value: object) -> bool:
    return isinstance(value, dict) and set(value) == {"column"}


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"
