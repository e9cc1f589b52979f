"""The audit trail: an append-only, hash-chained SQLite record of every generated plan.

Owns the trail's file format (schema, triggers, hash chain), appending entries safely from many
processes at once, and verifying a trail (``careplan audit verify``). An entry holds the time, the
pack's name, version and digest, the digests of the input and output bytes, the output format, the
exit code and the ids of the rules that fired: never a patient value. Auditing is off unless
``--audit-db`` or ``$CAREPLAN_AUDIT_DB`` names a file (see ``resolve_audit_db``).

Imports only the standard library (sqlite3, hashlib, json, datetime, dataclasses, os), so that the
engine can record a plan without the trail pulling in anything it depends on.
"""

from __future__ import annotations

from engine.audit.entry import GENESIS_HASH, AuditEntry, BreakKind, ChainHead, PlanRecord, VerifyReport, digest
from engine.audit.trail import ENV_VAR, AuditError, AuditTrail, resolve_audit_db, verify

__all__ = [
    "ENV_VAR",
    "GENESIS_HASH",
    "AuditEntry",
    "AuditError",
    "AuditTrail",
    "BreakKind",
    "ChainHead",
    "PlanRecord",
    "VerifyReport",
    "digest",
    "resolve_audit_db",
    "verify",
]
