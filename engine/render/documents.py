"""Render a plan with Jinja2: sandboxed and bounded, StrictUndefined, HTML autoescaped.

Templates live in the pack's templates/ directory: ``plan.<fmt>.j2`` for clinicians and
``patient.<fmt>.j2`` for the patient audience, with ``fmt`` md or html. They are read only from
inside that directory (a link that leads out of it is refused), as UTF-8, and rendered within
the bounds of ``engine.render.bounds``; every failure is a :class:`RenderError` naming the
template file and line. ``check_templates`` renders each of them against sample plans, so a
template that would fail at ``careplan generate`` fails ``careplan validate`` instead.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.loaders import split_template_path

from engine.patient.model import BloodPressureReading
from engine.plan.model import Plan
from engine.render.bounds import MAX_OUTPUT, BoundedEnvironment, Budget, RenderLimit
from engine.render.bp_chart import bp_chart
from engine.render.priority import by_priority, priority_labels
from engine.render.risk_picture import risk_picture
from engine.render.samples import SAMPLE_READINGS, sample_plans
from engine.source.diagnostics import Diagnostic, Location

_CATEGORY_TITLES = {
    "medication": "Medicines", "lifestyle": "Lifestyle", "stress": "Stress and mental health",
    "monitoring": "Monitoring", "referral": "Referrals", "testing": "Testing",
    "screening": "Screening", "oncology": "Cancer care",
}
FORMATS = ("md", "html")
_KEPT_ENVIRONMENTS = 8  # templates directories (packs) a process renders with: the resident process keeps four packs
AUDIENCES = ("clinician", "patient")


class RenderError(RuntimeError):
    """A template failed: where (``templates/<file>``, line when known) and why."""

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


class TemplateEncodingError(jinja2.TemplateError):
    def __init__(self, name: str, line: int, col: int) -> None:
        super().__init__("the template is not UTF-8 text")
        self.name, self.line, self.col = name, line, col


def decode_template(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TemplateEncodingError(name, line, exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1) from None


class PackTemplateLoader(jinja2.BaseLoader):
    """Templates from one directory and nothing outside it: no ``..``, and no link that leads out."""

    def __init__(self, templates: Path) -> None:
        self.templates = templates
        self.inside = templates.resolve()

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.templates.joinpath(*split_template_path(template))  # refuses '..'
        try:
            real = path.resolve()
        except (OSError, RuntimeError):
            raise jinja2.TemplateNotFound(template) from None
        if not real.is_relative_to(self.inside):
            raise jinja2.TemplateNotFound(f"{template} (a link that leads out of templates/ is refused)")
        try:
            data = real.read_bytes()
            mtime = os.path.getmtime(real)
        except OSError:
            raise jinja2.TemplateNotFound(template) from None
        text = decode_template(data, template)

        def uptodate() -> bool:  # asked each time a kept environment hands the template out
            try:
                return path.resolve() == real and os.path.getmtime(real) == mtime
            except (OSError, RuntimeError):
                return False

        return text, str(path), uptodate


@functools.lru_cache(maxsize=_KEPT_ENVIRONMENTS)
def _kept_environment(templates: Path) -> BoundedEnvironment:
    """The environment ``render`` uses for a templates directory, kept with the templates it compiled.

    Building an environment and compiling a plan's template took 35-45 ms of every md or html
    document (a batch with ``-f md`` paid it per patient). A kept template is handed out again only
    while its file is the same file with the same modification time (``PackTemplateLoader``), so an
    edited template is compiled afresh and a file swapped for a link out of the pack is refused
    again."""
    return _environment(templates)


def _environment(templates: Path) -> BoundedEnvironment:
    env = BoundedEnvironment(
        loader=PackTemplateLoader(templates),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["duration"] = humanise_duration
    env.filters["category_title"] = lambda c: _CATEGORY_TITLES.get(c, str(c).title())
    env.filters["days"] = humanise_days
    env.bound_filters()
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


def template_name(fmt: str, audience: str) -> str:
    return f"{'patient' if audience == 'patient' else 'plan'}.{fmt}.j2"


def _where(exc: BaseException, templates: Path, name: str) -> Location:
    """The template file and line an exception was raised at (Jinja maps its frames to template lines)."""
    if isinstance(exc, TemplateEncodingError):
        return Location(f"templates/{exc.name}", exc.line, exc.col)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Location(f"templates/{exc.name or name}", exc.lineno or 0)
    found = Location(f"templates/{name}")
    prefix = str(templates) + os.sep
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(prefix):
            found = Location(f"templates/{filename.removeprefix(prefix)}", tb.tb_lineno)
        tb = tb.tb_next
    return found


def _message(exc: BaseException) -> str:
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"template '{exc.message}' was not found"
    if isinstance(exc, jinja2.TemplateError):
        return exc.message or type(exc).__name__
    if isinstance(exc, RenderLimit):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "the template recurses too deeply (a macro or include that calls itself?)"
    return f"{type(exc).__name__}: {exc}"


def render(plan: Plan, templates: Path, fmt: str, audience: str,
           readings: Sequence[BloodPressureReading] = ()) -> str:
    """The plan as a document; a template that fails or goes past its bounds raises RenderError.

    ``readings`` are the patient file's blood-pressure readings, for the chart of the patient
    document (the plan itself carries only their category and means).
    """
    return _render(_kept_environment(templates), plan, templates, template_name(fmt, audience), readings)


def document_context(plan: Plan, readings: Sequence[BloodPressureReading] = ()) -> dict[str, Any]:
    """What a template sees: the plan, its recommendations by category and by priority, the
    pictures' geometry (None when the plan has nothing to draw)."""
    return {"plan": plan, "categories": _grouped(plan), "by_priority": by_priority(plan),
            "priority_labels": priority_labels(plan), "risk_picture": risk_picture(plan),
            "bp_chart": bp_chart(readings, plan)}


def _render(env: BoundedEnvironment, plan: Plan, templates: Path, name: str,
            readings: Sequence[BloodPressureReading] = ()) -> str:
    env.budget = Budget()
    context = document_context(plan, readings)
    chunks: list[str] = []
    size = 0
    try:
        for chunk in env.get_template(name).generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise RenderLimit(f"the document is longer than {MAX_OUTPUT:,} characters")
            env.budget.check_time()
            chunks.append(chunk)
    except Exception as exc:  # a template is the pack's code: any failure of it is a located error
        raise RenderError(_where(exc, templates, name), _message(exc)) from None
    return "".join(chunks)


def _grouped(plan: Plan) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for rec in plan.recommendations:
        groups.setdefault(rec.category, []).append(rec)
    return list(groups.items())


def _parse_all(templates: Path, diagnostics: list[Diagnostic]) -> set[str]:
    """Parse every template; report syntax and encoding errors. Returns the names that failed."""
    env = _environment(templates)
    failed: set[str] = set()
    for path in sorted(templates.rglob("*.j2")) if templates.is_dir() else []:
        rel = path.relative_to(templates).as_posix()
        if path.is_symlink() and not path.resolve().is_relative_to(templates.resolve()):
            continue  # refused by the pack loader, never read here
        try:
            env.parse(decode_template(path.read_bytes(), rel), rel, rel)
        except TemplateEncodingError as exc:
            diagnostics.append(Diagnostic(Location(f"templates/{rel}", exc.line, exc.col), "template.encoding",
                                          exc.message or "not UTF-8", hint="save the template as UTF-8"))
            failed.add(rel)
        except jinja2.TemplateSyntaxError as exc:
            diagnostics.append(Diagnostic(Location(f"templates/{rel}", exc.lineno or 0), "template.syntax",
                                          exc.message or "template syntax error"))
            failed.add(rel)
        except OSError as exc:
            diagnostics.append(Diagnostic(Location(f"templates/{rel}"), "template.unreadable",
                                          exc.strerror or "cannot be read"))
            failed.add(rel)
    return failed


def check_templates(templates: Path, plans: Sequence[tuple[str, Plan]] = ()) -> list[Diagnostic]:
    """Parse every template, then render each document (both audiences, md and html) against the
    sample plans of ``engine.render.samples`` and the given ``(description, plan)`` pairs.

    A failure is reported once per template location, naming the sample it failed on.
    """
    diagnostics: list[Diagnostic] = []
    failed = _parse_all(templates, diagnostics)
    samples = [*sample_plans(), *plans]
    env = _environment(templates)  # one environment: each template is compiled once
    for audience in AUDIENCES:
        for fmt in FORMATS:
            name = template_name(fmt, audience)
            if name in failed or not (templates / name).exists():
                continue  # already reported (or missing: load_pack reports it)
            for description, plan in samples:
                try:
                    _render(env, plan, templates, name, SAMPLE_READINGS)
                except RenderError as exc:
                    diagnostics.append(Diagnostic(exc.location, "template.render",
                                                  f"{exc.message} (rendering {description}, {audience} {fmt})",
                                                  hint="a template must render every plan the pack can make"))
                    break  # one report per document is enough to act on
    return diagnostics
