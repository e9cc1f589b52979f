"""``careplan test`` and ``careplan coverage``: run the rule tests, and say what they exercise.

Exit codes of ``test``: 0 every test passed (todo tests never fail), 1 a test failed, 2 bad input
(the pack, a sidecar tests file, a path or option). ``coverage``: 0, or 1 when ``--fail-under`` is
not met, 2 bad input. (For ``generate`` exit 1 means an urgent warning; for these commands it means
the tests say no.)
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from engine.cli.packs import pack_root
from engine.generator import Generator
from engine.run.trace import Evaluation
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, format_report

if TYPE_CHECKING:
    from engine.authoring.inline_tests import RuleTestCase


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


PackDir = Annotated[Path | None, typer.Option("--pack", help="rule pack directory (rules/, knowledge/, templates/)")]
FormatOption = Annotated[ReportFormat, typer.Option("--format", "-f", help="text or json")]


def _fail(diagnostics: list[Diagnostic]) -> NoReturn:
    typer.echo(format_report(diagnostics), err=True)
    raise typer.Exit(2)


def _cases(root: Path, paths: list[Path], keyword: str | None) -> tuple[Generator, list[RuleTestCase]]:
    from engine.authoring.inline_tests import collect
    try:
        generator = Generator(root)
        cases = collect(generator)
    except DiagnosticError as exc:
        _fail(exc.diagnostics)
    if paths:
        chosen = _chosen_files(root, paths)
        cases = [c for c in cases if (root / c.doc.path).resolve() in chosen
                 or any(p in (root / c.doc.path).resolve().parents for p in chosen)]
    if keyword:
        word = keyword.lower()
        cases = [c for c in cases if word in f"{c.rule_id} {c.spec.row or ''} {c.spec.name}".lower()]
    return generator, cases


def _chosen_files(root: Path, paths: list[Path]) -> set[Path]:
    """The given files and folders, each of which must lie in the pack's rules/."""
    rules = (root / "rules").resolve()
    chosen: set[Path] = set()
    for path in paths:
        resolved = path.resolve()
        if not path.exists() or not (resolved == rules or rules in resolved.parents):
            _fail([Diagnostic(Location(str(path)), "usage.bad-path",
                              "not a file or folder of the pack's rules/" if path.exists() else "no such file",
                              hint=f"give rule files, *.tests.yaml files or folders under {root / 'rules'}")])
        chosen.add(resolved)
    return chosen


def test_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="rule files, *.tests.yaml files or folders of rules/")]
    = None,
    pack: PackDir = None,
    keyword: Annotated[str | None, typer.Option("-k", help="only tests whose rule id, row or name contains this")]
    = None,
    format: FormatOption = ReportFormat.text,
) -> None:
    """Run the rule tests (inline and *.tests.yaml): a report per failure, totals; exit 1 when one fails."""
    from engine.authoring.inline_tests import Status, run_cases
    from engine.cli.testing_report import results_json, results_text
    root = pack_root(pack)
    generator, cases = _cases(root, paths or [], keyword)
    results = run_cases(generator, cases)
    typer.echo(results_json(results) if format is ReportFormat.json else results_text(results), nl=False)
    raise typer.Exit(1 if any(r.status is Status.failed for r in results) else 0)


def coverage_command(
    pack: PackDir = None,
    format: FormatOption = ReportFormat.text,
    fail_under: Annotated[float | None, typer.Option(
        "--fail-under", min=0, max=100, help="exit 1 when under this percentage of rules and rows covered both ways")]
    = None,
    no_features: Annotated[bool, typer.Option("--no-features", help="count the rule tests only")] = False,
) -> None:
    """Per rule and table row: fired in some test, shown not to fire in another; totals per domain."""
    from engine.authoring.coverage import features_folder, measure, run_features
    from engine.authoring.inline_tests import Status, run_cases
    from engine.cli.testing_report import coverage_json, coverage_text
    root = pack_root(pack)
    generator, cases = _cases(root, [], None)
    results = run_cases(generator, cases)
    folder = None if no_features else features_folder(root)
    feature_run = run_features(root) if folder is not None else None
    report = measure(generator.pack.sources, results, feature_run.firings if feature_run else None)
    failed = sum(r.status is Status.failed for r in results)
    if format is ReportFormat.json:
        typer.echo(json.dumps(coverage_json(report, len(results), failed), indent=2, sort_keys=True))
    else:
        typer.echo(coverage_text(report, len(results), failed), nl=False)
    if feature_run is not None and not feature_run.passed:
        typer.echo("note: some feature scenarios failed; the rules they fired are still counted", err=True)
    if fail_under is not None and report.percent < fail_under:
        typer.echo(f"coverage {report.percent:.1f}% is under --fail-under {fail_under:g}%", err=True)
        raise typer.Exit(1)


def why_not_report(generator: Generator, evaluation: Evaluation, target: str) -> str:
    """``careplan explain PATIENT --why-not RULE_ID``; an id the pack does not compile is exit 2."""
    from engine.authoring.why_not import UnknownRule, explain
    from engine.authoring.why_not_text import why_not_text
    try:
        return why_not_text(explain(generator.pack.rules, evaluation, target))
    except UnknownRule as exc:
        _fail([Diagnostic(Location("--why-not"), "usage.unknown-rule", str(exc), hint=exc.hint)])


def register_testing(app: typer.Typer) -> None:
    app.command("test")(test_command)
    app.command("coverage")(coverage_command)
