"""What one audit entry is and how it hashes: the plan facts record() accepts, the sealed entry,
the chain head a caller may save, and verify()'s report. No I/O here.

An entry's ``entry_hash`` is sha256 over the canonical JSON (sorted keys, no whitespace, ASCII) of
all its other fields, ``prev_hash`` included, so a change to any field, or to the entry before it,
shows. The first entry's ``prev_hash`` is GENESIS_HASH.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Literal

GENESIS_HASH = "0" * 64
HASH_HEX_DIGITS = 64
MAX_ID = 500  # characters in a name, version, format or rule id (the default pack's longest rule id: 149)
BreakKind = Literal["edited", "deleted", "reordered", "truncated", "rewritten"]


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    """Where a trail ended when a caller looked: saved outside the DB, it exposes truncation and rebuilds."""

    seq: int
    entry_hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.entry_hash}"

    @classmethod
    def parse(cls, text: str) -> ChainHead:
        seq, _, entry_hash = text.strip().partition(":")
        if not (seq.isascii() and seq.isdigit() and int(seq) >= 1 and _is_hex(entry_hash)):
            raise ValueError("a chain head is '<seq>:<64 hex digits>'")
        return cls(int(seq), entry_hash)


@dataclass(frozen=True)
class PlanRecord:
    """What record() accepts about one plan: digests, names and rule ids only, so no patient value is taken.

    Validation messages never echo a value: a caller who passes raw input by mistake must not print it.
    """

    pack_name: str
    pack_version: str
    pack_digest: str
    input_digest: str
    output_digest: str
    output_format: str
    exit_code: int
    rules_fired: tuple[str, ...]

    def __post_init__(self) -> None:
        for name in ("pack_digest", "input_digest", "output_digest"):
            value = getattr(self, name)
            if not (isinstance(value, str) and value.startswith("sha256:") and _is_hex(value[7:])):
                raise ValueError(f"{name} must be 'sha256:' and 64 lowercase hex digits (use digest(bytes))")
        if isinstance(self.exit_code, bool) or not isinstance(self.exit_code, int):
            raise TypeError("exit_code must be an int")
        if isinstance(self.rules_fired, str | bytes):
            raise TypeError("rules_fired must be a collection of rule ids, not one string")
        rules = tuple(self.rules_fired)
        for name, value in [("pack_name", self.pack_name), ("pack_version", self.pack_version),
                            ("output_format", self.output_format)] + [("rules_fired", rule) for rule in rules]:
            if not _is_id(value):
                raise ValueError(f"{name}: each must be one printable line, 1 to {MAX_ID} characters, unpadded")
        # Which rules fired, not how often: a set, sorted so that equal plans hash equally.
        object.__setattr__(self, "rules_fired", tuple(sorted(set(rules))))


@dataclass(frozen=True)
class AuditEntry:
    """One sealed entry: a PlanRecord with its place in the chain (seq, recorded_at, prev_hash, entry_hash)."""

    seq: int
    recorded_at: str
    pack_name: str
    pack_version: str
    pack_digest: str
    input_digest: str
    output_digest: str
    output_format: str
    exit_code: int
    rules_fired: tuple[str, ...]
    prev_hash: str
    entry_hash: str

    @property
    def head(self) -> ChainHead:
        return ChainHead(self.seq, self.entry_hash)

    def computed_hash(self) -> str:
        fields = asdict(self)
        del fields["entry_hash"]
        fields["rules_fired"] = list(self.rules_fired)
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class VerifyReport:
    """verify()'s finding. kind names the first break, at broken_seq:

    edited     the entry's fields do not hash to its entry_hash, or it was rewritten with a fresh hash
               and no longer links to the entry before it
    deleted    seq jumps: the entries from broken_seq to the next one present are missing
    reordered  an intact entry links to some other entry than the one before it, or another claims its place
    truncated  the trail ends before the expected head's seq (entries were cut off its end)
    rewritten  the entry at the expected head's seq has another hash (the chain was rebuilt up to it)
    """

    path: str
    entries_checked: int  # entries found sound, all before the break if there is one
    head: ChainHead | None  # the last sound entry
    broken_seq: int | None = None
    kind: BreakKind | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.kind is None

    def summary(self) -> str:
        if self.ok:
            return f"{self.path}: {self.entries_checked} entries, chain intact, head {self.head or 'none'}"
        return f"{self.path}: chain broken at entry {self.broken_seq} ({self.kind}): {self.detail}"


def _is_hex(text: str) -> bool:
    return len(text) == HASH_HEX_DIGITS and all(c in "0123456789abcdef" for c in text)


def _is_id(value: object) -> bool:
    # One printable line of bounded length. Table rules' ids hold their row key, with spaces and commas
    # ("bp.follow-up[stage 1 hypertension]"), so this is a shape check that keeps out a pasted file or
    # a multi-line note, not proof that a string is a rule id: the guarantee is that no field takes input.
    return isinstance(value, str) and 0 < len(value) <= MAX_ID and value.isprintable() and value == value.strip()
