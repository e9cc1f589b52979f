"""The evaluator's memos keep what recurs across a turnover, drop what does not, and stay bounded."""

from __future__ import annotations

import pytest

from engine.run.recent import RecentEntries


def test_an_entry_in_use_survives_every_turnover() -> None:
    entries: RecentEntries[str, int] = RecentEntries(limit=4)
    entries.put("allele", 1)
    for n in range(40):  # ten turnovers of one-off contents, the recurring one read between them
        entries.put(f"reading-{n}", n)
        assert entries.get("allele") == 1
    assert len(entries) <= 8


def test_an_entry_not_used_again_is_gone_after_two_turnovers() -> None:
    entries: RecentEntries[str, int] = RecentEntries(limit=2)
    entries.put("once", 1)
    assert entries.get("once") == 1  # found while it is current
    for n in range(4):
        entries.put(f"other-{n}", n)
    assert entries.get("once") is None
    assert entries.get("other-3") == 3


def test_a_memo_holds_at_least_one_entry() -> None:
    with pytest.raises(ValueError, match="at least one"):
        RecentEntries(limit=0)
