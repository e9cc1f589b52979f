"""The why-not explanation (engine.authoring.why_not) as text, for ``explain --why-not`` and failing tests."""

from __future__ import annotations

from engine.authoring.why_not import MAX_CANDIDATES, PatternStep, RuleReport, VariantReport, WhyNot, show_fact
from engine.lang.patterns import Pattern


def _pattern(pattern: Pattern) -> str:
    return f"{pattern.type} (as {pattern.alias})"


def _blocked(step: PatternStep, indent: str) -> list[str]:
    name = _pattern(step.pattern)
    if not step.candidates:
        if step.producers:
            shown = ", ".join(step.producers[:5]) + (" ..." if len(step.producers) > 5 else "")
            return [f"{indent}{name}: no {step.pattern.type} fact; produced by {shown} (none produced one here)"]
        return [f"{indent}{name}: no {step.pattern.type} fact (the patient file gives none)"]
    lines = [f"{indent}{name}: no {step.pattern.type} fact matches ({len(step.candidates)} candidates)"]
    for candidate in step.candidates[:MAX_CANDIDATES]:
        if candidate.taken_by is not None:
            why = (f"would match, but it is already matched by pattern '{candidate.taken_by}' of this rule "
                   "(a fact matches one pattern only)")
        else:
            assert candidate.failure is not None
            why = candidate.failure.line()
        lines.append(f"{indent}  - {show_fact(candidate.fact)}: {why}")
    if len(step.candidates) > MAX_CANDIDATES:
        lines.append(f"{indent}  ... and {len(step.candidates) - MAX_CANDIDATES} more")
    return lines


def _variant(variant: VariantReport, many: bool, indent: str) -> list[str]:
    lines = [f"{indent}variant {variant.index + 1} ('any' item {variant.index + 1}):"] if many else []
    inner = indent + ("  " if many else "")
    for step in variant.steps:
        if step.blocked:
            lines.extend(_blocked(step, inner))
        else:
            first = show_fact(step.matched[0]) + (f" (+{len(step.matched) - 1} more)" if len(step.matched) > 1 else "")
            lines.append(f"{inner}{_pattern(step.pattern)}: matched {first}")
    for negation, fact in variant.negated_by:
        lines.append(f"{inner}none: {negation.type}: matched {show_fact(fact)}, so the rule does not fire")
    if variant.steps and not variant.steps[-1].blocked and not variant.negated_by:
        lines.append(f"{inner}every pattern matches and no 'none' pattern does")
    return lines


def _rule(report: RuleReport, indent: str) -> list[str]:
    rule = report.rule
    head = f"{indent}{rule.id} ({rule.located()})"
    if report.fired:
        lines = [f"{head}: fired {len(report.fired)} time(s)"]
        lines += [f"{indent}  on " + "; ".join(show_fact(f) for f in facts) for facts in report.fired[:3]]
        return lines
    lines = [f"{head}: did not fire"]
    many = len(report.variants) > 1
    for variant in report.variants:
        lines.extend(_variant(variant, many, indent + "  "))
    return lines


def why_not_text(why: WhyNot, indent: str = "") -> str:
    lines: list[str] = []
    if why.rows_total:
        fired = sum(1 for r in why.rules if r.fired)
        lines.append(f"{indent}{why.target}: a table of {why.rows_total} rows; {fired} fired"
                     + ("; the rows that came closest:" if fired < len(why.rules) else ""))
    for report in why.rules:
        lines.extend(_rule(report, indent))
    return "\n".join(lines) + "\n"
