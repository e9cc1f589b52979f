"""careplan's command line: generate, explain, validate, schema. Parsing and exit codes only.

Exit codes (docs/contract.md): 0 success; 1 the plan carries urgent safety warnings, and
nothing else ever exits 1; 2 bad input (patient file, rule pack, arguments, an output path
that cannot be), reported as ``file:line:col: field: message`` with no traceback; 3 no plan
because something failed unexpectedly (a bug, the engine, an I/O error): one line on
stderr naming the exception's type, the traceback only with ``--debug``; 130 interrupted
(Ctrl-C). Tracebacks never print local variables: they hold patient data.

The modules only some commands use (authoring, batch, synth, calculator vectors) are imported inside
those commands, here and in the ``engine.cli`` modules that register them: every ``careplan generate``
would otherwise import them too (about 0.15 s of a 1 s run).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from engine.cli.audit import AuditDbOption, audit_app, record_plan
from engine.cli.batch import register as register_batch
from engine.cli.catalogue import register_catalogues
from engine.cli.daemon import register as register_daemon
from engine.cli.diff import register_diff
from engine.cli.fields import register as register_fields
from engine.cli.init import register_init
from engine.cli.lint import register as register_lint
from engine.cli.packs import VERBOSE_FLAG, announce, pack_root, take_verbose
from engine.cli.pdf import require_pdf_output, write_pdf
from engine.cli.serve import register as register_serve
from engine.cli.sources import register as register_sources
from engine.cli.synth import register as register_synth
from engine.cli.testing import register_testing, why_not_report
from engine.daemon.client import silence_stdout
from engine.generator import Generator, Result, resident_generator
from engine.intake.records import load_record as load_patient  # any record: patient file, FHIR, PharmCAT
from engine.pack.load import INCLUDE_DRAFTS_ENV, Pack, load_pack, pack_fields
from engine.pack.locate import default_pack_root
from engine.patient.declared import patient_model
from engine.plan.model import Plan
from engine.render.documents import RenderError, check_templates
from engine.render.explain import explain_text
from engine.run.runtime import EngineError
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, Severity, format_report

DEBUG_FLAG = "--debug"
_DEBUG_KEY = "careplan.debug"


class _Commands(TyperGroup):
    """The top-level command group: every way a command can end becomes its exit code.

    ``--debug`` may stand anywhere before ``--`` (``careplan generate p.yaml --debug`` as well as
    ``careplan --debug generate p.yaml``); ``CAREPLAN_DEBUG=1`` does the same.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: typer's click Context
        end = args.index("--") if "--" in args else len(args)
        if DEBUG_FLAG in args[:end]:
            ctx.meta[_DEBUG_KEY] = True
            args = [a for a in args[:end] if a != DEBUG_FLAG] + args[end:]
        return super().parse_args(ctx, take_verbose(args))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # exit codes chosen by the commands; usage errors (click: exit 2)
        except KeyboardInterrupt:
            typer.echo("careplan: interrupted", err=True)
            raise typer.Exit(130) from None
        except DiagnosticError as exc:  # bad input that a command did not catch itself
            _fail(exc.diagnostics)
        except Exception as exc:
            _unexpected(exc, debug=bool(ctx.meta.get(_DEBUG_KEY)) or os.environ.get("CAREPLAN_DEBUG") == "1")


def _unexpected(exc: Exception, *, debug: bool) -> NoReturn:
    """Exit 3 with one line that names the exception's type (its message may quote patient data)."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        typer.echo(f"careplan: I/O error: {reason} ({type(exc).__name__}); run with {DEBUG_FLAG} for the traceback",
                   err=True)
    else:
        typer.echo(f"careplan: internal error: {type(exc).__name__}; run with {DEBUG_FLAG} for the traceback",
                   err=True)
    raise typer.Exit(3)


app = typer.Typer(
    name="careplan", help="Personalized care plans from declarative clinical guidelines.",
    add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False, cls=_Commands,
)


@app.callback()
def _options(debug: Annotated[bool, typer.Option(
        DEBUG_FLAG, help="print the traceback of an internal error (exit 3); also after a command")] = False,
        verbose: Annotated[bool, typer.Option(
            VERBOSE_FLAG, help="say which pack was used (on stderr); also after a command")] = False) -> None:
    """Personalized care plans from declarative clinical guidelines."""


class Format(str, Enum):
    md = "md"
    html = "html"
    json = "json"
    fhir = "fhir"
    pdf = "pdf"


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


_RESIDENT = False  # set by main(): this process runs one command, then exits
_HELD: Callable[[Path], Generator] | None = None  # the resident process's packs (engine.cli.daemon_server)


def hold_generators(provider: Callable[[Path], Generator]) -> None:
    """Have every later command get its Generator from ``provider`` (the resident process keeps its packs)."""
    global _HELD
    _HELD = provider


def _generator(pack: Path | None) -> Generator:
    try:
        root = pack_root(pack)
        if _HELD is not None:
            generator = _HELD(root)
        else:
            generator = resident_generator(root) if _RESIDENT else Generator(root)
    except DiagnosticError as exc:
        _fail(exc.diagnostics)
    announce(generator.pack)
    return generator


def _plan(patient_file: Path, pack: Path | None) -> tuple[Generator, Result]:
    """The patient's plan; bad input exits 2, an engine failure exits 3 with no plan."""
    generator = _generator(pack)
    try:
        patient = load_patient(patient_file, str(patient_file), generator.patient_model)
    except DiagnosticError as exc:
        _fail(exc.diagnostics)
    if patient.load_warnings:
        typer.echo(format_report(list(patient.load_warnings)), err=True)
    try:
        return generator, generator.run(patient)
    except EngineError as exc:
        _internal(exc)


def _check_output(out: Path, option: str, *, directory: bool = False) -> None:
    """Exit 2 before any work when the output path cannot be written to."""
    if out.is_dir() and not directory:
        _fail([Diagnostic(Location(str(out)), "usage.bad-output", f"{option}: this is a directory",
                          hint="give the path of a file to write, e.g. a name inside this directory")])
    if not out.parent.is_dir():
        _fail([Diagnostic(Location(str(out)), "usage.bad-output",
                          f"{option}: the directory to write into does not exist",
                          hint="create the directory first, or give another path")])


def _write(text: str, out: Path | None) -> None:
    """Write the document; an I/O error is exit 3 with one line naming where."""
    try:
        if out is not None:
            out.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except OSError as exc:
        if out is None:
            silence_stdout()
        where = str(out) if out is not None else "standard output"
        typer.echo(f"careplan: cannot write {where}: {exc.strerror or type(exc).__name__}", err=True)
        raise typer.Exit(3) from None


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
    audit_db: AuditDbOption = None,
) -> None:
    """Generate a care plan for one patient."""
    if format is Format.fhir and audience is Audience.patient:
        _fail([Diagnostic(Location("--audience"), "usage.unsupported",
                          "--audience patient: the FHIR bundle is one for every reader (it carries the "
                          "patient wording next to the clinician's)",
                          hint="leave out --audience for FHIR, or use --format html --audience patient")])
    if format is Format.pdf:
        require_pdf_output(out)
    if out is not None:
        _check_output(out, "--out")
    generator, result = _plan(patient_file, pack)
    try:
        if format is Format.pdf and out is not None:
            text = write_pdf(generator, result, audience.value, out)
        else:
            text = generator.render(result.plan, format.value, audience.value, result.patient)
    except RenderError as exc:  # the pack's template failed on this plan: the pack is bad input, not the engine
        _fail([Diagnostic(exc.location, "template.render", exc.message)])
    text = text if text.endswith("\n") else text + "\n"
    if format is not Format.pdf:
        _write(text, out)
    record_plan(audit_db, patient_file.read_bytes(), text, format.value, result)
    for warning in result.plan.warnings:
        if warning.severity == "urgent":
            typer.echo(f"URGENT: {warning.text}", err=True)
    raise typer.Exit(result.plan.exit_code)


@app.command()
def explain(
    patient_file: Annotated[Path, typer.Argument(help="patient facts file, YAML or JSON")],
    pack: PackOption = None,
    why_not: Annotated[str | None, typer.Option(
        "--why-not", metavar="RULE_ID", help="why this rule (or id[row]) did or did not fire, pattern by pattern")]
    = None,
) -> None:
    """Show, for each recommendation and assessment, the chain of rules and facts behind it."""
    generator, result = _plan(patient_file, pack)
    if why_not is not None:
        sys.stdout.write(why_not_report(generator, result.evaluation, why_not))
        return
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
                          generator.run(load_patient(path, str(path), generator.patient_model),
                                        at="2026-01-01T00:00:00Z").plan))
        except (DiagnosticError, EngineError):
            continue  # not a usable example; its templates are still rendered against the sample plans
    return plans


def _validate_pack(root: Path, include_drafts: bool, diagnostics: list[Diagnostic]) -> str | None:
    """Check one pack whole: load, compile, render every template, run the inline tests. Returns its summary."""
    from engine.authoring.inline_tests import failures_as_diagnostics, run_all
    from engine.authoring.lint import lint_loaded
    from engine.pack.calculator_vectors import run_pack_vectors
    try:
        loaded = load_pack(root, include_drafts=include_drafts or None)
    except DiagnosticError as exc:
        diagnostics.extend(exc.diagnostics)
        return None
    announce(loaded)
    vectors = run_pack_vectors(loaded.root, loaded.calculators, loaded.schema)  # a failing one is an error
    diagnostics.extend(vectors.diagnostics)
    for note in _inactive_notes(loaded):
        typer.echo(note, err=True)
    findings = lint_loaded(loaded)  # careplan lint: its errors fail validate, its warnings are shown
    diagnostics.extend(f for f in findings if f.severity is Severity.ERROR)
    shown = loaded.warnings + [f for f in findings if f.severity is not Severity.ERROR]
    if shown:
        typer.echo(format_report(shown), err=True)
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
            + (f", {retired} retired and {drafts} draft rule files not compiled" if loaded.inactive else "")
            + (f", {vectors.passed}/{vectors.total} calculator vectors passed" if vectors.total else ""))


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
    packs = [p for p in paths or [] if p.is_dir()] or [pack_root(pack)]
    summary: list[str] = []
    for root in packs:
        line = _validate_pack(root, include_drafts, diagnostics)
        if line is not None:
            summary.append(line)
    for path in paths or []:
        if path.is_dir():
            continue
        try:
            read = load_patient(path, str(path), patient_model(pack_fields(packs[0])))
            if read.load_warnings:  # noted, not refused: the exit code stays 0
                typer.echo(format_report(list(read.load_warnings)), err=True)
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
    from engine.authoring.schemas import fact_types_schema, patient_schema, plan_schema, rule_schema
    if kind is SchemaKind.rule:
        try:
            loaded = load_pack(pack_root(pack))
        except DiagnosticError as exc:
            _fail(exc.diagnostics)
        announce(loaded)
        document = rule_schema(loaded.schema)
    elif kind is SchemaKind.patient:
        try:
            document = patient_schema(patient_model(pack_fields(pack_root(pack))))
        except DiagnosticError as exc:
            _fail(exc.diagnostics)
    elif kind is SchemaKind.fact_types:
        document = fact_types_schema()
    else:
        document = plan_schema()
    typer.echo(json.dumps(document, indent=2, sort_keys=True))


knowledge_app = typer.Typer(help="Refresh knowledge tables from published sources.", no_args_is_help=True)
app.add_typer(knowledge_app, name="knowledge")
app.add_typer(audit_app, name="audit")
register_sources(app)
register_fields(app)


@knowledge_app.command("import-cpic")
def import_cpic_command(
    recommendations: Annotated[Path, typer.Argument(help="CPIC's recommendation table (CSV)")],
    out: Annotated[Path, typer.Option("--out", help="directory of the imported pack (replaced if it exists)")],
    base: Annotated[Path | None, typer.Option("--base", help="pack to start from (default: the project's)")] = None,
    diplotypes: Annotated[Path | None, typer.Option(
        "--diplotypes", help="CPIC's diplotype-phenotype table: report where the allele tables disagree")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-j", min=1, max=1024, help="processes checking --diplotypes rows (default: all cores)")] = None,
) -> None:
    """Build a rule pack whose pharmacogenomic tables are CPIC's rows; print what changed."""
    from engine.authoring.conformance import run_diplotypes
    from engine.authoring.cpic_import import import_cpic
    from engine.batch.executors import default_workers
    _check_output(out, "--out", directory=True)
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
            run_diplotypes(diplotypes, Generator(out), None, show=40, workers=workers or default_workers())
        except (OSError, KeyError) as exc:
            _fail([Diagnostic(Location(str(diplotypes)), "import.bad-input", str(exc))])
    typer.echo(f"pack written to {out}; use it with: careplan generate PATIENT --pack {out}")


register_init(app)
register_diff(app)
register_catalogues(app)
register_lint(app)
register_testing(app)
register_batch(app)
register_synth(app)
register_serve(app)
register_daemon(app)


def main() -> None:
    global _RESIDENT
    _RESIDENT = True
    app()


if __name__ == "__main__":
    main()
