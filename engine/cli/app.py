"""careplan's command line: generate, explain, validate, schema. Parsing and exit codes only.

Exit codes (CONTRACT.md): 0 success; 1 the plan carries urgent safety warnings; 2 bad
input (patient file, rule pack, arguments), reported as ``file:line:col: field: message``
with no traceback; 3 an internal engine failure (the plan is withheld: fail closed).
Tracebacks never print local variables: they hold patient data.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from engine.authoring.conformance import run_diplotypes
from engine.authoring.cpic_import import import_cpic
from engine.authoring.inline_tests import failures_as_diagnostics, run_all
from engine.authoring.schemas import fact_types_schema, patient_schema, plan_schema, rule_schema
from engine.generator import Generator, Result
from engine.pack.load import INCLUDE_DRAFTS_ENV, Pack, load_pack
from engine.pack.locate import default_pack_root
from engine.patient.loader import load_patient
from engine.plan.model import Plan
from engine.render.documents import RenderError, check_templates
from engine.render.explain import explain_text
from engine.run.runtime import EngineError
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, format_report

app = typer.Typer(
    name="careplan", help="Personalized care plans from declarative clinical guidelines.",
    add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
)


class Format(str, Enum):
    md = "md"
    html = "html"
    json = "json"
    fhir = "fhir"


class Audience(str, Enum):
    clinician = "clinician"
    patient = "patient"


class SchemaKind(str, Enum):
    rule = "rule"
    patient = "patient"
    plan = "plan"
    fact_types = "fact-types"


PackOption = Annotated[Path | None, typer.Option("--pack", help="rule pack directory (rules/, knowledge/, templates/)")]


def _fail(diagnostics: list[Diagnostic], code: int = 2) -> NoReturn:
    typer.echo(format_report(diagnostics), err=True)
    raise typer.Exit(code)


def _generator(pack: Path | None) -> Generator:
    try:
        return Generator(pack)
    except DiagnosticError as exc:
        _fail(exc.diagnostics)


def _plan(patient_file: Path, pack: Path | None) -> tuple[Generator, Result]:
    """The patient's plan; bad input exits 2, an engine failure exits 3 with no plan."""
    try:
        patient = load_patient(patient_file, str(patient_file))
    except DiagnosticError as exc:
        _fail(exc.diagnostics)
    generator = _generator(pack)
    try:
        return generator, generator.run(patient)
    except EngineError as exc:
        _internal(exc)


def _internal(exc: Exception) -> NoReturn:
    typer.echo(f"error: the engine failed and no plan was produced: {exc}", err=True)
    raise typer.Exit(3)


@app.command()
def generate(
    patient_file: Annotated[Path, typer.Argument(help="patient facts file, YAML or JSON")],
    format: Annotated[Format, typer.Option("--format", "-f", help="output format")] = Format.md,
    audience: Annotated[Audience, typer.Option(help="who reads the plan")] = Audience.clinician,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="write to this file instead of stdout")] = None,
    pack: PackOption = None,
) -> None:
    """Generate a care plan for one patient."""
    if format is Format.fhir:
        _fail([Diagnostic(Location("--format"), "usage.unsupported",
                          "FHIR output is not available in this version; use md, html or json")])
    generator, result = _plan(patient_file, pack)
    try:
        text = generator.render(result.plan, format.value, audience.value)
    except RenderError as exc:
        _internal(exc)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    for warning in result.plan.warnings:
        if warning.severity == "urgent":
            typer.echo(f"URGENT: {warning.text}", err=True)
    raise typer.Exit(result.plan.exit_code)


@app.command()
def explain(
    patient_file: Annotated[Path, typer.Argument(help="patient facts file, YAML or JSON")],
    pack: PackOption = None,
) -> None:
    """Show, for each recommendation and assessment, the chain of rules and facts behind it."""
    _, result = _plan(patient_file, pack)
    sys.stdout.write(explain_text(result.plan, result.evaluation))


def _inactive_notes(loaded: Pack) -> list[str]:
    """One note per rule file that is checked but not compiled (retired, or a draft), and per draft compiled."""
    notes = []
    for source in sorted(loaded.inactive + [s for s in loaded.sources if s.spec.status == "draft"],
                         key=lambda s: s.doc.path):
        status = source.spec.status
        if status == "retired":
            what = "retired: checked, never compiled"
        elif source in loaded.inactive:
            what = f"draft: checked, not compiled (--include-drafts or {INCLUDE_DRAFTS_ENV}=1 compiles it)"
        else:
            what = "draft: compiled, because drafts are included"
        notes.append(f"{source.doc.locate(['status'])}: note[rule.{status}] {source.spec.id}: {what}")
    return notes


def _example_plans(root: Path, generator: Generator) -> list[tuple[str, Plan]]:
    """Plans of the pack's own example patients (``examples/`` beside its rules), to render its templates."""
    folder = root / "examples"
    files = sorted(p for p in folder.glob("*") if p.suffix in (".yaml", ".yml", ".json")) if folder.is_dir() else []
    plans: list[tuple[str, Plan]] = []
    for path in files[:20]:
        try:
            plans.append((f"the plan of examples/{path.name}",
                          generator.run(load_patient(path, str(path)), at="2026-01-01T00:00:00Z").plan))
        except (DiagnosticError, EngineError):
            continue  # not a usable example; its templates are still rendered against the sample plans
    return plans


def _validate_pack(root: Path, include_drafts: bool, diagnostics: list[Diagnostic]) -> str | None:
    """Check one pack whole: load, compile, render every template, run the inline tests. Returns its summary."""
    try:
        loaded = load_pack(root, include_drafts=include_drafts or None)
    except DiagnosticError as exc:
        diagnostics.extend(exc.diagnostics)
        return None
    for note in _inactive_notes(loaded):
        typer.echo(note, err=True)
    if loaded.warnings:
        typer.echo(format_report(loaded.warnings), err=True)
    try:
        generator = Generator.from_pack(loaded)
    except DiagnosticError as exc:  # e.g. a negation cycle: no evaluation order exists
        diagnostics.extend(exc.diagnostics)
        diagnostics.extend(check_templates(loaded.templates))
        return None
    diagnostics.extend(check_templates(loaded.templates, _example_plans(root, generator)))
    results = run_all(generator)
    diagnostics.extend(failures_as_diagnostics(results))
    retired = sum(s.spec.status == "retired" for s in loaded.inactive)
    drafts = len(loaded.inactive) - retired
    return (f"{root}: {len(loaded.sources)} rule files, {len(loaded.rules)} rules, "
            f"{len(generator.compiled.rulesets)} rulesets, "
            f"{sum(r.passed for r in results)}/{len(results)} inline tests passed"
            + (f", {retired} retired and {drafts} draft rule files not compiled" if loaded.inactive else ""))


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="patient files or pack directories")] = None,
    pack: PackOption = None,
    include_drafts: Annotated[bool, typer.Option(
        "--include-drafts", help=f"compile rules with status: draft too (as {INCLUDE_DRAFTS_ENV}=1 does)")] = False,
) -> None:
    """Check the rule pack (rules, tables, templates rendered against sample plans, inline tests) and any
    patient files given."""
    diagnostics: list[Diagnostic] = []
    packs = [p for p in paths or [] if p.is_dir()] or [pack or default_pack_root()]
    summary: list[str] = []
    for root in packs:
        line = _validate_pack(root, include_drafts, diagnostics)
        if line is not None:
            summary.append(line)
    for path in paths or []:
        if path.is_dir():
            continue
        try:
            load_patient(path, str(path))
            summary.append(f"{path}: patient file is valid")
        except DiagnosticError as exc:
            diagnostics.extend(exc.diagnostics)
    if diagnostics:
        _fail(diagnostics)
    typer.echo("\n".join(summary))


@app.command()
def schema(kind: Annotated[SchemaKind, typer.Argument(help="rule, patient, plan or fact-types")],
           pack: PackOption = None) -> None:
    """Print a JSON Schema (rule files, patient files, plans or fact-type files)."""
    if kind is SchemaKind.rule:
        try:
            loaded = load_pack(pack or default_pack_root())
        except DiagnosticError as exc:
            _fail(exc.diagnostics)
        document = rule_schema(loaded.schema)
    elif kind is SchemaKind.patient:
        document = patient_schema()
    elif kind is SchemaKind.fact_types:
        document = fact_types_schema()
    else:
        document = plan_schema()
    typer.echo(json.dumps(document, indent=2, sort_keys=True))


knowledge_app = typer.Typer(help="Refresh knowledge tables from published sources.", no_args_is_help=True)
app.add_typer(knowledge_app, name="knowledge")


@knowledge_app.command("import-cpic")
def import_cpic_command(
    recommendations: Annotated[Path, typer.Argument(help="CPIC's recommendation table (CSV)")],
    out: Annotated[Path, typer.Option("--out", help="directory of the imported pack (replaced if it exists)")],
    base: Annotated[Path | None, typer.Option("--base", help="pack to start from (default: the project's)")] = None,
    diplotypes: Annotated[Path | None, typer.Option(
        "--diplotypes", help="CPIC's diplotype-phenotype table: report where the allele tables disagree")] = None,
) -> None:
    """Build a rule pack whose pharmacogenomic tables are CPIC's rows; print what changed."""
    try:
        report = import_cpic(recommendations, out, base or default_pack_root())
    except DiagnosticError as exc:
        _fail(exc.diagnostics)
    except (OSError, ValueError, KeyError) as exc:
        _fail([Diagnostic(Location(str(recommendations)), "import.bad-input", str(exc))])
    typer.echo("\n".join(report.lines()))
    if diplotypes is not None:
        typer.echo(f"\nphenotypes the imported pack assigns, against {diplotypes.name}:")
        try:
            run_diplotypes(diplotypes, Generator(out), None, show=40)
        except (OSError, KeyError) as exc:
            _fail([Diagnostic(Location(str(diplotypes)), "import.bad-input", str(exc))])
    typer.echo(f"pack written to {out}; use it with: careplan generate PATIENT --pack {out}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
