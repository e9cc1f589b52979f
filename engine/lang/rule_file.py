"""Check one rule file: its shape, its conditions against the fact schema, its table rows.

A rule with a ``table`` is a template expanded into one rule per row; a template's
``{column: ...}`` cells are checked once filled in, and every problem is located.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.facts.schema import FactSchema, FieldKind
from engine.lang.model import ActionItem, RecommendSpec, RuleSpec, TableRef
from engine.lang.patterns import Pattern, PatternContext, check_ref, parse_pattern, parse_ref
from engine.lang.rule import Rule, RuleSource
from engine.lang.tables import TableRow, column_references, fill_row, load_table
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, Severity, did_you_mean
from engine.source.document import PathKey, SourceDoc, load_file, value_at
from engine.source.pydantic_errors import diagnostics_from

ARITHMETIC = ("add", "mul")
_TEXT_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\}")


def _is_placeholder(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"column"}


def load_rule_file(root: Path, path: Path, display: str, schema: FactSchema,
                    diagnostics: list[Diagnostic]) -> RuleSource | None:
    try:
        doc = load_file(path, display)
    except DiagnosticError as exc:
        diagnostics.extend(exc.diagnostics)
        return None
    data = doc.data if isinstance(doc.data, dict) else {}
    rule_id = data.get("id") if isinstance(data.get("id"), str) else None
    problems: list[Diagnostic] = []
    spec: RuleSpec | None = None
    try:
        spec = RuleSpec.model_validate(doc.data)
    except ValidationError as exc:
        # a table template's {column: ...} cells are checked per row, not here
        problems = [d for d in diagnostics_from(exc, doc, RuleSpec, rule_id=rule_id)
                    if not _placeholder_error(d, doc)]
    table_rows: list[TableRow] | None = None
    if isinstance(data.get("table"), dict):
        table_rows = _table_rows(root, data, doc, rule_id or "?", problems)
    if problems:
        diagnostics.extend(problems)
        if isinstance(data.get("when"), dict):  # report the conditions' problems in the same run
            _parse_when(data["when"], PatternContext(doc, schema, rule_id or "?", diagnostics))
        return None
    if spec is None and table_rows is None:
        diagnostics.append(Diagnostic(doc.locate(["id"]), "table.no-table", "the rule uses {column: ...} "
                                      "but names no table", rule_id=rule_id, hint="add a 'table:' section"))
        return None
    return _expand(root, doc, data, schema, diagnostics, table_rows, spec)


def _placeholder_error(diagnostic: Diagnostic, doc: SourceDoc) -> bool:
    """True when the error sits on (or inside) a table template's {column: ...} placeholder."""
    if not diagnostic.field_path:
        return False
    path: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", diagnostic.field_path):
        path.append(int(part[1:-1]) if part.startswith("[") else part)
    for length in range(len(path), 0, -1):
        value = value_at(doc.data, tuple(path[:length]))
        if _is_placeholder(value) or (isinstance(value, str) and "{row." in value):
            return True
    return False


def _expand(root: Path, doc: SourceDoc, data: dict[str, Any], schema: FactSchema,
            diagnostics: list[Diagnostic], table_rows: list[TableRow] | None,
            spec: RuleSpec | None = None) -> RuleSource | None:
    before = len(diagnostics)
    if table_rows is None:
        assert spec is not None
        _check_tests_shape(spec, doc, diagnostics)
        source = RuleSource(spec, doc)
        rule = _build_rule(spec, data, doc, schema, diagnostics, None)
        if rule is not None:
            source.rules.append(rule)
        return source if len(diagnostics) == before else None
    source_spec: RuleSpec | None = None
    rules: list[Rule] = []
    for row in table_rows:
        declared = data["table"].get("columns", {}) if isinstance(data.get("table"), dict) else {}
        # tests belong to the table as a whole: validate them once, not per row
        filled = {**fill_row({k: v for k, v in data.items() if k != "tests"}, row, declared), "tests": data["tests"]}
        try:
            row_spec = RuleSpec.model_validate(filled)
        except ValidationError as exc:
            for found in diagnostics_from(exc, doc, RuleSpec, rule_id=str(data.get("id"))):
                diagnostics.append(Diagnostic(found.location, found.code,
                                              f"{found.message} (table row {row.number}, {row.location})",
                                              rule_id=found.rule_id, field_path=found.field_path, hint=found.hint))
            continue
        source_spec = source_spec or row_spec
        rule = _build_rule(row_spec, filled, doc, schema, diagnostics, row)
        if rule is not None:
            rules.append(rule)
    if source_spec is None:
        if not table_rows and len(diagnostics) == before:
            diagnostics.append(Diagnostic(doc.locate(["table", "file"]), "table.empty",
                                          "the table has no rows, so the rule does nothing",
                                          severity=Severity.WARNING, rule_id=str(data.get("id"))))
        return None
    _check_tests_shape(source_spec, doc, diagnostics)
    if len(diagnostics) != before:
        return None
    return RuleSource(source_spec, doc, rules)


def _table_hint(root: Path, file: str) -> str | None:
    known = [p.relative_to(root).as_posix() for p in (root / "knowledge").rglob("*") if p.is_file()]
    return did_you_mean(file, known)


def _table_file(root: Path, table: TableRef, doc: SourceDoc, rule_id: str,
                diagnostics: list[Diagnostic]) -> Path | None:
    """The table's file, which must exist inside the pack's knowledge/ folder (what the pack digest covers)."""
    file = root / table.file
    knowledge = (root / "knowledge").resolve()
    try:
        inside = file.resolve().is_relative_to(knowledge)
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        diagnostics.append(Diagnostic(doc.locate(["table", "file"]), "ref.table-outside-pack",
                                      f"table '{table.file}' is not inside the pack's knowledge/ folder",
                                      rule_id=rule_id, hint="tables live in knowledge/, named relative to the pack"))
        return None
    if not file.is_file():
        diagnostics.append(Diagnostic(doc.locate(["table", "file"]), "ref.unknown-table",
                                      f"table '{table.file}' does not exist", rule_id=rule_id,
                                      hint=_table_hint(root, table.file)))
        return None
    return file


def _check_table_columns(table: TableRef, data: dict[str, Any], doc: SourceDoc, rule_id: str,
                         diagnostics: list[Diagnostic]) -> None:
    """The key, the template's {column: ...} cells and 'where' name declared columns."""
    for i, name in enumerate(table.key):
        if name not in table.columns:
            diagnostics.append(Diagnostic(doc.locate(["table", "key", i]), "table.unknown-column",
                                          f"key column '{name}' is not declared", rule_id=rule_id))
    for name in column_references({k: v for k, v in data.items() if k not in ("tests", "table")}):
        if name not in table.columns:
            diagnostics.append(Diagnostic(doc.locate(["table", "columns"]), "table.unknown-column",
                                          f"the rule uses column '{name}', which is not declared",
                                          rule_id=rule_id, hint=did_you_mean(name, table.columns)))
    for name in table.where:
        if name not in table.columns:
            diagnostics.append(Diagnostic(doc.locate(["table", "where", name], key=True), "table.unknown-column",
                                          f"'where' names column '{name}', which is not declared", rule_id=rule_id,
                                          hint=did_you_mean(name, table.columns)))


def _table_rows(root: Path, data: dict[str, Any], doc: SourceDoc, rule_id: str,
                diagnostics: list[Diagnostic]) -> list[TableRow] | None:
    try:
        table = TableRef.model_validate(data["table"])
    except ValidationError as exc:
        diagnostics.extend(diagnostics_from(exc, doc, TableRef, prefix=("table",), rule_id=rule_id))
        return None
    file = _table_file(root, table, doc, rule_id, diagnostics)
    if file is None:
        return None
    _check_table_columns(table, data, doc, rule_id, diagnostics)
    try:
        rows = load_table(file, table.file, table.columns)
    except DiagnosticError as exc:
        diagnostics.extend(exc.diagnostics)
        return None
    keys: dict[str, int] = {}
    for row in rows:
        key = row.key(table.key)
        if key in keys:
            diagnostics.append(Diagnostic(row.location, "table.duplicate-row",
                                          f"row key '{key}' repeats row {keys[key]}", rule_id=rule_id))
        keys[key] = row.number
    return [row for row in rows if _selected(row, table.where)]


def _selected(row: TableRow, where: dict[str, Any]) -> bool:
    """A row the table's ``where`` keeps: each named cell equals the value (or one of the list)."""
    for name, wanted in where.items():
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if row.cells.get(name) not in allowed:
            return False
    return True


def _check_tests_shape(spec: RuleSpec, doc: SourceDoc, diagnostics: list[Diagnostic]) -> None:
    expects = {t.shape for t in spec.tests}
    for needed in ("fires", "does_not_fire"):
        if needed not in expects:
            diagnostics.append(Diagnostic(doc.locate(["tests"]), "test.missing",
                                          f"the rule needs at least one test that expects '{needed}'",
                                          rule_id=spec.id))


def _parse_when(when: dict[str, Any], ctx: PatternContext) -> tuple[list[tuple[Pattern, ...]], list[Pattern]]:
    aliases: dict[str, str] = {}
    base: list[Pattern] = []
    counter = 0
    for i, item in enumerate(when.get("all") or []):
        counter += 1
        pattern = parse_pattern(item, ("when", "all", i), ctx, aliases, f"f{counter}")
        if pattern is not None:
            aliases[pattern.alias] = pattern.type
            base.append(pattern)
    variants: list[tuple[Pattern, ...]] = []
    for i, item in enumerate(when.get("any") or []):
        counter += 1
        pattern = parse_pattern(item, ("when", "any", i), ctx, dict(aliases), f"f{counter}")
        if pattern is not None:
            variants.append(tuple(base) + (pattern,))
    if not when.get("any"):
        variants.append(tuple(base))
    negations: list[Pattern] = []
    for i, item in enumerate(when.get("none") or []):
        counter += 1
        # a 'none' pattern may refer to the facts bound under 'all' (a correlated negation)
        pattern = parse_pattern(item, ("when", "none", i), ctx, dict(aliases), f"n{counter}")
        if pattern is not None:
            negations.append(pattern)
    return variants, negations


def _build_rule(spec: RuleSpec, data: dict[str, Any], doc: SourceDoc, schema: FactSchema,
                diagnostics: list[Diagnostic], row: TableRow | None) -> Rule | None:
    before = len(diagnostics)
    rule_id = spec.id if row is None else f"{spec.id}[{row.key(spec.table.key if spec.table else [])}]"
    ctx = PatternContext(doc, schema, rule_id, diagnostics)
    variants, negations = _parse_when(data["when"], ctx)
    bound: dict[str, str] = {}
    for variant in variants:
        for pattern in variant:
            bound.setdefault(pattern.alias, pattern.type)
    # an alias from one 'any' branch is not bound in the others, so actions may use only 'all' aliases
    common = {p.alias: p.type for p in variants[0]} if variants else {}
    for variant in variants[1:]:
        common = {a: t for a, t in common.items() if any(p.alias == a for p in variant)}
    for i, action in enumerate(spec.then):
        _check_action(action, ("then", i), ctx, common)
    if len(diagnostics) != before:
        return None
    return Rule(
        id=rule_id, version=spec.version, title=spec.title,
        source=Location(doc.path, doc.locate(["id"], key=True).line),
        evidence=spec.evidence, variants=tuple(variants), negations=tuple(negations),
        actions=tuple(spec.then), file_rule_id=spec.id, row=row,
    )


def _check_any(value: dict[str, Any], kind: FieldKind | None, at: PathKey, ctx: PatternContext,
               aliases: dict[str, str]) -> None:
    if kind not in (FieldKind.BOOLEAN, None):
        ctx.error(at, "then.wrong-type", f"'any' makes true or false; this field is {kind.value}")
    elif not isinstance(value["any"], list) or not value["any"]:
        ctx.error(at, "then.wrong-type", "'any' takes a list of true/false values or refs")
    else:
        for i, operand in enumerate(value["any"]):
            if operand is not None:
                _check_value(operand, FieldKind.BOOLEAN, (*at, "any", i), ctx, aliases)


def _check_arithmetic(value: dict[str, Any], kind: FieldKind | None, at: PathKey, ctx: PatternContext,
                      aliases: dict[str, str]) -> None:
    (op, operands), = value.items()
    if kind not in (FieldKind.NUMBER, FieldKind.INTEGER, None):
        ctx.error(at, "then.wrong-type", f"'{op}' makes a number; this field is {kind.value}")
    elif not isinstance(operands, list) or len(operands) < 2:
        ctx.error(at, "then.wrong-type", f"'{op}' takes a list of two or more numbers or refs")
    else:
        for i, operand in enumerate(operands):
            if operand is not None:  # an empty table cell: the result is left out
                _check_value(operand, FieldKind.NUMBER, (*at, op, i), ctx, aliases)


def _check_value(value: Any, kind: FieldKind | None, at: PathKey, ctx: PatternContext,
                 aliases: dict[str, str]) -> None:
    if isinstance(value, dict) and set(value) == {"ref"}:
        ref = parse_ref(value["ref"])
        if ref is None:
            ctx.error(at, "then.bad-ref", "a ref is written alias.field, e.g. p.gene")
        else:
            check_ref(ref, at, ctx, aliases, kind)
    elif isinstance(value, dict) and set(value) == {"any"}:
        _check_any(value, kind, at, ctx, aliases)
    elif isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ARITHMETIC:
        _check_arithmetic(value, kind, at, ctx, aliases)
    elif isinstance(value, dict) and set(value) == {"column"}:
        ctx.error(at, "table.unknown-column", f"column '{value['column']}' is not in the table")
    elif isinstance(value, (dict, list)) or value is None:
        ctx.error(at, "then.wrong-type", "expected a value, {ref: alias.field} or {column: name}")
    elif kind is not None and not kind.accepts(value):
        ctx.error(at, "then.wrong-type", f"expected a {kind.value} value")


def _check_text(text: str | None, at: PathKey, ctx: PatternContext, aliases: dict[str, str]) -> None:
    if not text:
        return
    for alias, field in _TEXT_REF.findall(text):
        if alias == "row":
            ctx.error(at, "table.unknown-column", f"'{{row.{field}}}' names no column of the table")
        else:
            check_ref(parse_ref(f"{alias}.{field}") or parse_ref("x.x"), at, ctx, aliases)  # type: ignore[arg-type]


def _check_assert(assert_: dict[str, dict[str, Any]], at: PathKey, ctx: PatternContext,
                  aliases: dict[str, str]) -> None:
    for type_name, values in assert_.items():
        where = at + ("assert", type_name)
        fact_type = ctx.schema.get(type_name)
        if fact_type is None or not fact_type.derived:
            hint = did_you_mean(type_name, [n for n, t in ctx.schema.types.items() if t.derived])
            ctx.error(where, "ref.unknown-fact-type",
                      f"'{type_name}' is not a derived fact type (declare it in "
                      "knowledge/fact-types.yaml or knowledge/<domain>/fact-types.yaml)",
                      hint, key=True)
            continue
        for field, value in (values or {}).items():
            kind = fact_type.fields.get(field)
            if kind is None:
                ctx.error(where + (field,), "ref.unknown-field",
                          f"fact type '{type_name}' has no field '{field}'",
                          did_you_mean(field, fact_type.fields), key=True)
                continue
            if value is not None:  # an empty table cell leaves the field out
                _check_value(value, kind, where + (field,), ctx, aliases)


# per action, the fields that hold a value (text, a ref or a column) and the kind each must be
_VALUE_FIELDS: dict[str, tuple[tuple[str, FieldKind | None], ...]] = {
    "recommend": (("drug", FieldKind.TEXT), ("dose_change_percent", FieldKind.NUMBER),
                  ("alternative_statement", FieldKind.TEXT)),
    "suppress": (("drug", FieldKind.TEXT), ("drug_class", FieldKind.TEXT)),
    "assess": (("value", None), ("gene", FieldKind.TEXT)),
}


def _check_dose_range(spec: RecommendSpec, at: PathKey, ctx: PatternContext, aliases: dict[str, str]) -> None:
    """Each edge of a dose range is a number (a value, ref or column); an empty table cell leaves it out."""
    for index, edge in enumerate(spec.dose_range_percent or ()):
        if edge is not None:
            _check_value(edge, FieldKind.NUMBER, at + (index,), ctx, aliases)


def _check_action(action: ActionItem, at: PathKey, ctx: PatternContext, aliases: dict[str, str]) -> None:
    if action.assert_ is not None:
        _check_assert(action.assert_, at, ctx, aliases)
    for name in ("recommend", "goal", "follow_up", "warn", "suppress", "data_gap", "assess"):
        spec = getattr(action, name)
        if spec is None:
            continue
        for text_field in ("text", "patient_text", "target", "reason", "suggested_test"):
            _check_text(getattr(spec, text_field, None), at + (name, text_field), ctx, aliases)
        for field, kind in _VALUE_FIELDS.get(name, ()):
            value = getattr(spec, field)
            if value is not None or field == "value":  # an assessment's value is required
                _check_value(value, kind, at + (name, field), ctx, aliases)
        if name == "recommend":
            _check_dose_range(spec, at + (name, "dose_range_percent"), ctx, aliases)
        if name == "assess":
            for label, detail in spec.details.items():
                _check_value(detail, None, (*at, name, "details", label), ctx, aliases)
