"""Turn pydantic validation errors into located diagnostics with plain messages.

Shared by the patient loader and the rule loader: both validate a ``SourceDoc`` with a
pydantic model, and both must say *where* and *what*, never repeat the input value.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from engine.source.diagnostics import Diagnostic, did_you_mean
from engine.source.document import PathKey, SourceDoc, format_field_path

_MESSAGES = {
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "missing": "required field is missing",
    "string_too_short": "must not be empty",
    "too_short": "must not be empty",
}


def _real_path(doc: SourceDoc, loc: tuple[Any, ...]) -> tuple[PathKey, tuple[PathKey, str] | None]:
    """Drop pydantic's union-member and validator tags, which are not keys of the document.

    Also returns the union branch the error came from (where the tag stood, and the tag).
    """
    path: list[str | int] = []
    branch: tuple[PathKey, str] | None = None
    node: Any = doc.data
    for part in loc:
        if isinstance(part, str) and _is_tag(part):
            if branch is None:
                branch = (tuple(path), part)
            continue
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.isidentifier() and part not in _TAGS:
            path.append(part)  # a missing or unknown key: keep it for the message
            node = None
    return tuple(path), branch


_TAGS = {"str", "int", "float", "bool", "list", "dict", "date"}


def _is_tag(part: str) -> bool:
    return part in _TAGS or part[:1].isupper() or "[" in part or "-" in part


def _one_branch(errors: list[Any], doc: SourceDoc) -> list[tuple[Any, PathKey]]:
    """When a value fits no member of a union, report the member the value came closest to."""
    located = [(err, *_real_path(doc, tuple(err["loc"]))) for err in errors]
    depth: dict[PathKey, tuple[int, str]] = {}
    for _err, path, branch in located:
        if branch is not None:
            best = depth.get(branch[0])
            if best is None or len(path) > best[0]:
                depth[branch[0]] = (len(path), branch[1])
    kept: list[tuple[Any, PathKey]] = []
    for err, path, branch in located:
        if branch is not None and depth[branch[0]][1] != branch[1]:
            continue
        kept.append((err, path))
    return kept


def _expected_keys(model: type[BaseModel], path: PathKey) -> list[str]:
    """The field names allowed at ``path`` in ``model`` (for did-you-mean hints)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _model_in(fields[part].annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def diagnostics_from(
    error: ValidationError, doc: SourceDoc, model: type[BaseModel], *,
    prefix: PathKey = (), code_prefix: str = "schema", rule_id: str | None = None,
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for err, real in _one_branch(list(error.errors(include_url=False, include_input=False)), doc):
        path = prefix + real
        kind = err["type"]
        hint: str | None = None
        if kind == "extra_forbidden":
            key = str(path[-1]) if path else "?"
            parent = path[:-1]
            message = f"unknown key '{key}'"
            allowed = _expected_keys(model, parent[len(prefix):])
            hint = did_you_mean(key, allowed) or (
                "allowed here: " + ", ".join(sorted(allowed)) if allowed else None
            )
            location = doc.locate(path, key=True)
            code = f"{code_prefix}.unknown-key"
        elif kind == "missing":
            message = _MESSAGES[kind]
            location = doc.locate(path[:-1])
            code = f"{code_prefix}.missing"
        elif kind == "literal_error":
            expected = (err.get("ctx") or {}).get("expected", "")
            message = f"must be one of {expected}"
            location = doc.locate(path)
            code = f"{code_prefix}.bad-value"
        elif kind in _MESSAGES:
            message = _MESSAGES[kind]
            location = doc.locate(path)
            code = f"{code_prefix}.wrong-type"
        else:
            message = err["msg"].removeprefix("Value error, ")
            location = doc.locate(path)
            code = f"{code_prefix}.{kind.replace('_', '-')}" if kind in {"range"} else f"{code_prefix}.invalid"
        out.append(Diagnostic(location, code, message, rule_id=rule_id,
                              field_path=format_field_path(path) or None, hint=hint))
    return out
