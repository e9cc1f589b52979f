"""Turn pydantic validation errors into located diagnostics with plain messages.

Shared by the patient loader and the rule loader: both validate a ``SourceDoc`` with a
pydantic model, and both must say *where* and *what*, never repeat the input value.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from engine.source.diagnostics import Diagnostic, Location, did_you_mean
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
    "date_from_datetime_parsing": "expected a real date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "expected a date (YYYY-MM-DD)",
    "missing": "required field is missing",
    "string_too_short": "must not be empty",
    "too_short": "must not be empty",
}


def _real_path(doc: SourceDoc, loc: tuple[Any, ...]) -> tuple[PathKey, tuple[PathKey, str] | None]:
    """Drop pydantic's union-member and validator tags, which are not keys of the document.

    A part that is a key of the document is always a key (``Height_cm`` looks like a class
    name, ``blood-pressure`` like a tag, but the user wrote them). Also returns the union
    branch the error came from (where the tag stood, and the tag).
    """
    path: list[str | int] = []
    branch: tuple[PathKey, str] | None = None
    node: Any = doc.data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and _is_tag(part):
            if branch is None:
                branch = (tuple(path), part)
        elif isinstance(node, dict) and isinstance(part, str) and part.isidentifier():
            path.append(part)  # a missing key: keep it for the message
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


_LIMITS = {
    "too_long": "at most {max_length} items are allowed here",
    "string_too_long": "at most {max_length} characters are allowed here",
}
_BOOLEAN = "write true or false: YAML 1.1's other words for them are text here"
_HINTS = {
    "bool_type": _BOOLEAN,
    "bool_parsing": _BOOLEAN,
    "date_value": "dates are written YYYY-MM-DD, with a day the month has",
    "range": "check the value and its unit: the unit is fixed by the field's name",
    "string_pattern_mismatch": "use letters, digits, '.', '_' and '-' only",
    "missing": "add the field",
    "date_type": "dates are written YYYY-MM-DD",
    "date_parsing": "dates are written YYYY-MM-DD",
    "date_from_datetime_parsing": "dates are written YYYY-MM-DD",
    "date_from_datetime_inexact": "dates are written YYYY-MM-DD, without a time",
    "too_long": "that is more than one record plausibly holds: check that this is the file you meant",
}
Described = tuple[Location, str, str, str | None]  # location, code, message, hint


def _key_hint(key: str, allowed: list[str]) -> str | None:
    """``Height_cm`` -> did you mean 'height_cm'; ``blood-pressure`` -> 'blood_pressure'."""
    normal = key.strip().lower().replace("-", "_").replace(" ", "_")
    if normal != key and normal in allowed:
        return f"did you mean '{normal}'? keys are lower case, with '_' between words"
    return did_you_mean(key, allowed) or ("allowed here: " + ", ".join(sorted(allowed)) if allowed else None)


def _unknown_key(path: PathKey, doc: SourceDoc, model: type[BaseModel], prefix: PathKey,
                 code_prefix: str) -> Described:
    key = str(path[-1]) if path else "?"
    allowed = _expected_keys(model, path[:-1][len(prefix):])
    return (doc.locate(path, key=True), f"{code_prefix}.unknown-key", f"unknown key '{key}'",
            _key_hint(key, allowed))


def _describe(err: Any, path: PathKey, doc: SourceDoc, model: type[BaseModel], prefix: PathKey,
              code_prefix: str) -> Described:
    """Where, which code, what and a hint, for one pydantic error; never the input value."""
    kind = err["type"]
    if kind == "extra_forbidden":
        return _unknown_key(path, doc, model, prefix, code_prefix)
    if kind == "missing":
        return doc.locate(path[:-1]), f"{code_prefix}.missing", _MESSAGES[kind], _HINTS.get(kind)
    location = doc.locate(path)
    ctx = err.get("ctx") or {}
    if kind == "literal_error":
        return location, f"{code_prefix}.bad-value", f"must be one of {ctx.get('expected', '')}", None
    if kind in _LIMITS:
        return location, f"{code_prefix}.too-long", _LIMITS[kind].format(**ctx), _HINTS.get(kind)
    if kind in _MESSAGES:
        return location, f"{code_prefix}.wrong-type", _MESSAGES[kind], _HINTS.get(kind)
    code = f"{code_prefix}.range" if kind == "range" else f"{code_prefix}.invalid"
    return location, code, err["msg"].removeprefix("Value error, "), _HINTS.get(kind)


def diagnostics_from(
    error: ValidationError, doc: SourceDoc, model: type[BaseModel], *,
    prefix: PathKey = (), code_prefix: str = "schema", rule_id: str | None = None,
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for err, real in _one_branch(list(error.errors(include_url=False, include_input=False)), doc):
        path = prefix + real
        location, code, message, hint = _describe(err, path, doc, model, prefix, code_prefix)
        if hint is None and code_prefix == "patient":
            hint = "'careplan schema patient' shows what each field accepts"
        out.append(Diagnostic(location, code, message, rule_id=rule_id,
                              field_path=format_field_path(path) or None, hint=hint))
    return out
