"""The audit trail: a clean chain verifies; edits, deletions, moves, truncation and rebuilds are found;
the triggers refuse changes; concurrent writers keep one contiguous chain; no patient value is stored."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.audit import GENESIS_HASH, AuditEntry, AuditError, AuditTrail, ChainHead, PlanRecord, digest, verify
from engine.audit.trail import COLUMNS, resolve_audit_db
from engine.generator import Generator
from engine.patient.loader import load_patient

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PACK_DIGEST = digest(b"pack")
WRITERS, EACH = 4, 25  # processes, entries each


def _plan(n: int, *, worker: int = 0) -> PlanRecord:
    return PlanRecord(pack_name="default", pack_version="0.3.0", pack_digest=PACK_DIGEST,
                      input_digest=digest(f"input {worker}:{n}".encode()), output_digest=digest(f"output {n}".encode()),
                      output_format="md", exit_code=n % 2, rules_fired=("lifestyle.sodium", f"rule.{n}"))


def _clock() -> Callable[[], datetime]:
    moments = (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=s) for s in range(10**6))
    return lambda: next(moments)


def _trail(path: Path, count: int) -> list[AuditEntry]:
    with AuditTrail(path, clock=_clock()) as trail:
        return [trail.record(_plan(n)) for n in range(1, count + 1)]


def _tamper(path: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    """Write to the file as someone with write access would: drop the triggers first."""
    conn = sqlite3.connect(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    for sql, params in statements:
        conn.execute(sql, params)
    conn.commit()
    conn.close()


def _forged_row(entry: AuditEntry, **changes: Any) -> tuple[str, tuple[Any, ...]]:
    """An INSERT of entry with changes and a freshly computed hash: a forger who knows the format."""
    forged = dataclasses.replace(entry, **changes)
    forged = dataclasses.replace(forged, entry_hash=forged.computed_hash())
    values = dataclasses.asdict(forged) | {"rules_fired": json.dumps(list(forged.rules_fired))}
    return (f"INSERT INTO audit_entries ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            tuple(values[c] for c in COLUMNS))


def test_a_clean_chain_verifies(tmp_path: Path) -> None:
    entries = _trail(tmp_path / "audit.db", 5)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert entries[0].recorded_at == "2026-01-01T00:00:00.000000Z"
    assert entries[0].rules_fired == ("lifestyle.sodium", "rule.1")
    assert dataclasses.replace(_plan(1), rules_fired=("b", "a[x y]", "b")).rules_fired == ("a[x y]", "b")
    report = verify(tmp_path / "audit.db")
    assert report.ok, report.summary()
    assert (report.entries_checked, report.head) == (5, entries[-1].head)


def test_the_hash_is_sha256_of_canonical_json_of_every_other_field(tmp_path: Path) -> None:
    entry = _trail(tmp_path / "audit.db", 1)[0]
    fields = {c: getattr(entry, c) for c in COLUMNS if c != "entry_hash"} | {"rules_fired": list(entry.rules_fired)}
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    assert " " not in canonical and canonical.startswith('{"exit_code":1,"input_digest":"sha256:')
    assert entry.entry_hash == hashlib.sha256(canonical.encode()).hexdigest()


@pytest.mark.parametrize(("column", "value"), [
    ("exit_code", 3), ("output_digest", digest(b"other output")), ("recorded_at", "2025-01-01T00:00:00.000000Z"),
    ("rules_fired", '["lifestyle.sodium"]'), ("rules_fired", "not json"), ("pack_version", "0.3.1"),
])
def test_an_edited_field_is_found_at_its_entry(tmp_path: Path, column: str, value: object) -> None:
    entries = _trail(tmp_path / "audit.db", 5)
    _tamper(tmp_path / "audit.db", (f"UPDATE audit_entries SET {column} = ? WHERE seq = 3", (value,)))
    report = verify(tmp_path / "audit.db")
    assert (report.ok, report.kind, report.broken_seq, report.entries_checked) == (False, "edited", 3, 2)
    assert report.head == entries[1].head  # the last sound entry


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(tmp_path: Path) -> None:
    entries = _trail(tmp_path / "audit.db", 5)
    _tamper(tmp_path / "audit.db", ("DELETE FROM audit_entries WHERE seq = 3", ()),
            _forged_row(entries[2], exit_code=0))
    report = verify(tmp_path / "audit.db")
    assert (report.kind, report.broken_seq) == ("edited", 4), report.summary()


@pytest.mark.parametrize(("deleted", "broken"), [((3,), 3), ((1,), 1), ((2, 3, 4), 2)])
def test_deleted_entries_are_found(tmp_path: Path, deleted: tuple[int, ...], broken: int) -> None:
    _trail(tmp_path / "audit.db", 5)
    _tamper(tmp_path / "audit.db", *[("DELETE FROM audit_entries WHERE seq = ?", (seq,)) for seq in deleted])
    report = verify(tmp_path / "audit.db")
    assert (report.kind, report.broken_seq, report.entries_checked) == ("deleted", broken, broken - 1)
    assert f"entries {broken} to {max(deleted)} are missing" in report.detail


def test_swapped_entries_are_found(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    entries = _trail(path, 4)
    # Swapping seq alone changes what each entry hashes to.
    _tamper(path, ("UPDATE audit_entries SET seq = seq + 100 WHERE seq IN (2, 3)", ()),
            ("UPDATE audit_entries SET seq = 105 - seq WHERE seq IN (102, 103)", ()))
    assert (verify(path).kind, verify(path).broken_seq) == ("edited", 2)
    # A forger who recomputes both hashes still leaves the links pointing at the old order.
    _tamper(path, ("DELETE FROM audit_entries WHERE seq IN (2, 3)", ()),
            _forged_row(entries[2], seq=2), _forged_row(entries[1], seq=3))
    report = verify(path)
    assert (report.kind, report.broken_seq, report.entries_checked) == ("reordered", 2, 1), report.summary()


def test_an_entry_that_links_past_its_predecessor_is_found(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    entries = _trail(path, 4)
    # UNIQUE(prev_hash) refuses a second entry after entry 1, so the forger rebuilds the table without it.
    _tamper(path, ("CREATE TABLE copy AS SELECT * FROM audit_entries", ()), ("DROP TABLE audit_entries", ()),
            ("ALTER TABLE copy RENAME TO audit_entries", ()), ("DELETE FROM audit_entries WHERE seq = 3", ()),
            _forged_row(entries[2], prev_hash=entries[0].entry_hash))
    report = verify(path)
    assert (report.kind, report.broken_seq, report.entries_checked) == ("reordered", 3, 2), report.summary()
    assert "entry 1 links to one of them" in report.detail


def test_a_truncated_tail_needs_a_saved_head(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    saved = _trail(path, 5)[-1].head
    _tamper(path, ("DELETE FROM audit_entries WHERE seq = 5", ()))
    # The chain alone is consistent: a shorter chain is a valid chain.
    assert (verify(path).ok, verify(path).entries_checked) == (True, 4)
    report = verify(path, expected_head=saved)
    assert (report.kind, report.broken_seq, report.entries_checked) == ("truncated", 5, 4)
    _tamper(path, ("DELETE FROM audit_entries", ()))
    assert verify(path).ok and verify(path).head is None
    assert verify(path, expected_head=saved).kind == "truncated"


def test_a_saved_head_finds_a_rebuilt_tail_and_allows_growth(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    entries = _trail(path, 5)
    _tamper(path, ("DELETE FROM audit_entries WHERE seq >= 4", ()))
    _trail(path, 2)  # appends new entries 4 and 5 in place of the deleted ones
    assert verify(path).ok
    report = verify(path, expected_head=entries[4].head)
    assert (report.kind, report.broken_seq) == ("rewritten", 5)
    assert verify(path, expected_head=entries[2].head).ok  # the trail grew past an older saved head


def test_the_triggers_refuse_update_delete_and_out_of_place_inserts_and_come_back(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    entries = _trail(path, 3)
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only: UPDATE refused"):
        conn.execute("UPDATE audit_entries SET exit_code = 2 WHERE seq = 2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only: DELETE refused"):
        conn.execute("DELETE FROM audit_entries WHERE seq = 3")
    # REPLACE deletes a clashing row without firing the DELETE trigger: every insert must extend the head.
    sql, at_head = _forged_row(entries[2], seq=4, prev_hash=entries[2].entry_hash)
    for params in (_forged_row(entries[1], exit_code=2)[1], _forged_row(entries[2], seq=4)[1],
                   (*at_head[:-1], entries[1].entry_hash)):
        with pytest.raises(sqlite3.DatabaseError, match="append-only: INSERT must extend the chain"):
            conn.execute(sql.replace("INSERT", "INSERT OR REPLACE"), params)
    conn.close()
    assert (verify(path).ok, verify(path).entries_checked) == (True, 3)
    _tamper(path)
    AuditTrail(path).close()  # the next writer puts dropped triggers back
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit_entries")
    conn.close()


def _write_entries(path: str, worker: int, count: int, start: Any) -> None:
    start.wait()  # every worker opens (and perhaps creates) the file at once
    with AuditTrail(path) as trail:
        for n in range(count):
            trail.record(_plan(n, worker=worker))


def test_concurrent_writers_keep_one_contiguous_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(WRITERS)
    workers = [spawn.Process(target=_write_entries, args=(str(path), w, EACH, start)) for w in range(WRITERS)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    assert [p.exitcode for p in workers] == [0] * WRITERS
    report = verify(path)
    assert report.ok, report.summary()
    assert report.head is not None and report.entries_checked == report.head.seq == WRITERS * EACH
    conn = sqlite3.connect(path)
    digests = [row[0] for row in conn.execute("SELECT input_digest FROM audit_entries ORDER BY seq")]
    conn.close()
    assert len(set(digests)) == WRITERS * EACH
    for w in range(WRITERS):  # each worker's entries are all there (index raises if not), in the order it wrote them
        positions = [digests.index(digest(f"input {w}:{n}".encode())) for n in range(EACH)]
        assert positions == sorted(positions)


def test_a_file_that_is_not_an_audit_db_is_an_audit_error(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_bytes(b"SQLite format 2? no: " + bytes(range(256)) * 8)
    foreign, impostor = tmp_path / "other.db", tmp_path / "impostor.db"
    _tamper(foreign, ("CREATE TABLE patients (name TEXT)", ()))
    _tamper(impostor, (f"CREATE TABLE audit_entries ({', '.join(COLUMNS)})", ()))  # not made by AuditTrail
    newer = tmp_path / "newer.db"  # a trail from a later schema
    _trail(newer, 1)
    _tamper(newer, ("PRAGMA user_version = 2", ()))
    for path in (junk, foreign, impostor, newer):
        for attempt in (lambda p=path: verify(p), lambda p=path: AuditTrail(p)):
            with pytest.raises(AuditError) as error:
                attempt()
            assert str(path) in str(error.value) and "\n" not in str(error.value)
    assert junk.read_bytes().startswith(b"SQLite format 2? no: ")  # refused, not overwritten
    missing = tmp_path / "missing.db"
    with pytest.raises(AuditError, match=r"missing\.db: no such audit database"):
        verify(missing)
    assert not missing.exists()  # verify never creates a trail


def test_record_takes_digests_and_ids_and_the_schema_holds_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    _trail(path, 1)
    conn = sqlite3.connect(path)
    columns = tuple(row[1] for row in conn.execute("PRAGMA table_info(audit_entries)"))
    conn.close()
    assert columns == ("seq", "recorded_at", "pack_name", "pack_version", "pack_digest", "input_digest",
                       "output_digest", "output_format", "exit_code", "rules_fired", "prev_hash", "entry_hash")
    assert [f.name for f in dataclasses.fields(PlanRecord)] == list(columns[2:10])
    for raw in ("id: patient-a\ndemographics: {age: 52}", "sha512:" + "ab" * 32, "sha256:" + "AB" * 32, "ab" * 32):
        with pytest.raises(ValueError, match="input_digest must be 'sha256:'") as error:
            dataclasses.replace(_plan(1), input_digest=raw)
        assert raw not in str(error.value)
    for pasted in ("id: patient-a\nage: 52", "x" * 501, " padded"):
        with pytest.raises(ValueError, match="one printable line") as error:
            dataclasses.replace(_plan(1), rules_fired=(pasted,))
        assert pasted not in str(error.value)
    with pytest.raises(TypeError):
        dataclasses.replace(_plan(1), rules_fired="lifestyle.sodium")  # type: ignore[arg-type]


def test_no_value_of_a_sample_patient_reaches_the_file(tmp_path: Path, default_generator: Generator) -> None:
    source = EXAMPLES / "patient-a.yaml"
    patient = load_patient(source).model_copy(update={"id": "audit-sample-zq81"})
    result = default_generator.run(patient, at="2026-01-01T00:00:00Z")
    output = default_generator.render(result.plan, "md")
    assert "audit-sample-zq81" in output  # the plan itself does carry patient values
    meta = default_generator.pack.meta
    rules = tuple(sorted({f.rule_id for f in result.evaluation.firings}))
    assert rules
    path = tmp_path / "audit.db"
    with AuditTrail(path) as trail:
        trail.record(PlanRecord(meta.name, meta.version, default_generator.compiled.digest,
                                digest(source.read_bytes()), digest(output.encode()), "md", 0, rules))
    stored = path.read_bytes()  # closing the last connection folds the WAL into the file
    for value in ("audit-sample-zq81", "patient-a", "lower my blood pressure", "without more pills"):
        assert value.encode() not in stored, value
    assert rules[0].encode() in stored  # the search can find what is stored


def test_the_clock_must_be_aware_and_a_failed_record_leaves_nothing(tmp_path: Path) -> None:
    with AuditTrail(tmp_path / "audit.db", clock=lambda: datetime(2026, 1, 1)) as trail:
        with pytest.raises(ValueError, match="aware datetime"):
            trail.record(_plan(1))
        assert trail.head() is None
    assert verify(tmp_path / "audit.db").entries_checked == 0


def test_audit_db_option_then_environment_and_off_unless_set() -> None:
    assert resolve_audit_db("a.db", {"CAREPLAN_AUDIT_DB": "b.db"}) == "a.db"
    assert resolve_audit_db(None, {"CAREPLAN_AUDIT_DB": "b.db"}) == "b.db"
    assert resolve_audit_db(None, {}) is None
    assert resolve_audit_db("", {"CAREPLAN_AUDIT_DB": ""}) is None


def test_a_chain_head_round_trips_as_text() -> None:
    head = ChainHead(42, "ab" * 32)
    assert ChainHead.parse(str(head)) == head
    for text in ("42", "0:" + "ab" * 32, "x:" + "ab" * 32, "42:" + "AB" * 32, "42:abc"):
        with pytest.raises(ValueError):
            ChainHead.parse(text)
