"""Render a plan with Jinja2: sandboxed, StrictUndefined, HTML autoescaped.

Templates live in the pack's templates/ directory: ``plan.<fmt>.j2`` for clinicians and
``patient.<fmt>.j2`` for the patient audience, with ``fmt`` md or html.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from engine.plan.model import Plan
from engine.source.diagnostics import Diagnostic, Location

_CATEGORY_TITLES = {
    "medication": "Medicines", "lifestyle": "Lifestyle", "stress": "Stress and mental health",
    "monitoring": "Monitoring", "referral": "Referrals", "testing": "Testing",
    "screening": "Screening", "oncology": "Cancer care",
}


class RenderError(RuntimeError):
    pass


def _environment(templates: Path) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["duration"] = humanise_duration
    env.filters["category_title"] = lambda c: _CATEGORY_TITLES.get(c, str(c).title())
    env.filters["days"] = humanise_days
    return env


def humanise_duration(iso: str | None) -> str:
    """``P3M`` -> ``3 months``; ``P1Y6M`` -> ``1 year 6 months``."""
    if not iso:
        return ""
    names = {"Y": "year", "M": "month", "W": "week", "D": "day"}
    parts, number = [], ""
    for char in iso.removeprefix("P"):
        if char.isdigit():
            number += char
        else:
            unit = names.get(char, char)
            parts.append(f"{number} {unit}{'' if number == '1' else 's'}")
            number = ""
    return " ".join(parts)


def humanise_days(days: int) -> str:
    if days == 0:
        return "now"
    if days % 365 == 0:
        n = days // 365
        return f"{n} year{'s' if n > 1 else ''}"
    if days % 30 == 0:
        n = days // 30
        return f"{n} month{'s' if n > 1 else ''}"
    if days % 7 == 0:
        n = days // 7
        return f"{n} week{'s' if n > 1 else ''}"
    return f"{days} day{'s' if days > 1 else ''}"


def render(plan: Plan, templates: Path, fmt: str, audience: str) -> str:
    name = f"{'patient' if audience == 'patient' else 'plan'}.{fmt}.j2"
    env = _environment(templates)
    context: dict[str, Any] = {"plan": plan, "categories": _grouped(plan)}
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateError as exc:
        where = f"{getattr(exc, 'filename', None) or name}:{getattr(exc, 'lineno', '') or ''}"
        raise RenderError(f"templates/{where}: {exc.message or type(exc).__name__}") from None


def _grouped(plan: Plan) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for rec in plan.recommendations:
        groups.setdefault(rec.category, []).append(rec)
    return list(groups.items())


def check_templates(templates: Path) -> list[Diagnostic]:
    """Parse every template; report syntax errors and missing required templates."""
    diagnostics: list[Diagnostic] = []
    env = _environment(templates)
    for path in sorted(templates.rglob("*.j2")) if templates.is_dir() else []:
        rel = path.relative_to(templates).as_posix()
        try:
            env.parse(path.read_text(encoding="utf-8"), rel, rel)
        except jinja2.TemplateSyntaxError as exc:
            diagnostics.append(Diagnostic(Location(f"templates/{rel}", exc.lineno or 0), "template.syntax",
                                          exc.message or "template syntax error"))
    return diagnostics
