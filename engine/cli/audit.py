"""``careplan audit verify`` and the recording of each generated plan in the audit trail.

Recording is off unless ``--audit-db`` or ``$CAREPLAN_AUDIT_DB`` names a file. An entry holds
digests and rule ids only: the rule ids are the rule files' ids (a table rule's row key is left
out, since a key such as ``...,CYP2C19,Poor Metabolizer`` would tell a derived fact about the
patient), so the trail can be read without learning anything about a patient.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engine.audit import AuditError, AuditTrail, ChainHead, PlanRecord, digest, resolve_audit_db, verify
from engine.generator import Result

audit_app = typer.Typer(name="audit", help="The hash-chained audit trail of generated plans.",
                        no_args_is_help=True, add_completion=False)

AuditDbOption = Annotated[Path | None, typer.Option(
    "--audit-db", help="append a record of the plan to this audit trail (default: $CAREPLAN_AUDIT_DB; off if unset)")]


def record_plan(option: Path | None, patient_bytes: bytes, output: str, output_format: str,
                result: Result) -> None:
    """Append one entry for a plan just written; a trail that cannot be written is an error, never skipped."""
    path = resolve_audit_db(str(option) if option is not None else None)
    if path is None:
        return
    pack = result.plan.pack
    rules = tuple(sorted({firing.rule_id.split("[", 1)[0] for firing in result.evaluation.firings}))
    entry = PlanRecord(pack_name=pack.name, pack_version=pack.version, pack_digest=pack.digest,
                       input_digest=digest(patient_bytes), output_digest=digest(output.encode("utf-8")),
                       output_format=output_format, exit_code=result.plan.exit_code, rules_fired=rules)
    with AuditTrail(path) as trail:
        trail.record(entry)


@audit_app.command("verify")
def verify_command(
    audit_db: Annotated[Path | None, typer.Argument(help="the trail (default: $CAREPLAN_AUDIT_DB)")] = None,
    expect_head: Annotated[str | None, typer.Option(
        "--expect-head", help="SEQ:HASH of a head saved earlier: also finds a cut or rewritten tail")] = None,
) -> None:
    """Check every entry's hash and link; exit 0 when the trail is whole, 2 when it was edited or cut.

    Exit 1 means only "a plan with urgent warnings" (docs/contract.md), so a broken trail, like any
    input that is not what it claims to be, is exit 2.
    """
    path = resolve_audit_db(str(audit_db) if audit_db is not None else None)
    if path is None:
        typer.echo("careplan audit verify: name the trail or set CAREPLAN_AUDIT_DB", err=True)
        raise typer.Exit(2)
    try:
        head = ChainHead.parse(expect_head) if expect_head is not None else None
    except ValueError as exc:
        typer.echo(f"--expect-head: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        report = verify(path, expected_head=head)
    except AuditError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(report.summary())
    raise typer.Exit(0 if report.ok else 2)
