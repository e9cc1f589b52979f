"""What ``careplan test`` and ``careplan coverage`` print: text for a person, JSON for a tool.

A failure reads like a linter's finding: where the test is, the rule and test, expected against got,
the chain of rules and facts behind what fired, and why the rule did not fire when it did not.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from engine.authoring.coverage import Coverage, Covered, Tally
from engine.authoring.inline_tests import RuleTestResult, Status


def _subject(result: RuleTestResult) -> str:
    return f"{result.rule_id}[{result.row}]" if result.row is not None else result.rule_id


def _block(result: RuleTestResult) -> list[str]:
    head = "FAIL" if result.status is Status.failed else "TODO"
    lines = [f"{result.location}: {head} {_subject(result)}: {result.name}"]
    if result.mismatches:
        for miss in result.mismatches:
            lines.append(f"  {miss.what}:")
            lines.append(f"    expected: {miss.expected}")
            lines.append(f"    got:      {miss.got}")
    elif result.message:
        lines.append(f"  {result.message}")
    if result.trace:
        lines.append("  trace:")
        lines += [f"    {line}" for line in result.trace]
    if result.why_not:
        lines.append("  why not:")
        lines += ["  " + line for line in result.why_not.rstrip("\n").splitlines()]
    return lines


def _totals(results: list[RuleTestResult]) -> Counter[str]:
    counts: Counter[str] = Counter(r.status.value for r in results)
    return counts


def results_text(results: list[RuleTestResult]) -> str:
    lines: list[str] = []
    for result in results:
        if result.status is not Status.passed:
            lines += _block(result) + [""]
    counts = _totals(results)
    files = len({r.location.path for r in results})
    lines.append(f"{counts['passed']} passed, {counts['failed']} failed, {counts['todo']} todo "
                 f"({len(results)} tests in {files} files)")
    return "\n".join(lines) + "\n"


def _result_json(result: RuleTestResult) -> dict[str, Any]:
    return {
        "rule": result.rule_id, "row": result.row, "test": result.name, "location": str(result.location),
        "status": result.status.value, "code": result.code or None, "message": result.message or None,
        "fired": result.fired,
        "mismatches": [{"what": m.what, "expected": m.expected, "got": m.got} for m in result.mismatches],
        "trace": list(result.trace), "why_not": result.why_not or None,
    }


def results_json(results: list[RuleTestResult]) -> str:
    counts = _totals(results)
    document = {"results": [_result_json(r) for r in results],
                "totals": {"passed": counts["passed"], "failed": counts["failed"], "todo": counts["todo"],
                           "tests": len(results)}}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _tally(tally: Tally) -> str:
    return f"{tally.items:>6} {tally.fired:>6} {tally.not_fired:>9} {tally.both:>6} {tally.percent:>6.1f}%"


def _per_file(report: Coverage) -> list[str]:
    """One line per rule file: a plain rule's two marks, or a table's row counts."""
    files: dict[str, list[Covered]] = {}
    for item in report.rules + report.rows:
        files.setdefault(item.file_rule_id, []).append(item)
    lines = []
    for rule_id, items in sorted(files.items()):
        if len(items) == 1 and items[0].rule_id == rule_id:
            marks = ("fired" if items[0].fired else "NEVER FIRED",
                     "shown not to fire" if items[0].not_fired else "NEVER SHOWN NOT TO FIRE")
            lines.append(f"  {rule_id}: {marks[0]}, {marks[1]}")
        else:
            fired = sum(i.fired for i in items)
            quiet = sum(i.not_fired for i in items)
            lines.append(f"  {rule_id}: {len(items)} rows, {fired} fired, {quiet} shown not to fire")
    return lines


def coverage_text(report: Coverage, tests: int, failed: int) -> str:
    source = f"{tests} rule tests ({failed} failed)" + (", features/ scenarios" if report.features else
                                                         ", without features/")
    header = f"{'domain':<14} {'':5}{'items':>6} {'fired':>6} {'not-fired':>9} {'both':>6} {'both%':>7}"
    lines = [f"coverage from {source}", "", header]
    for domain, (rules, rows) in report.domains.items():
        lines.append(f"{domain:<14} rules{_tally(rules)}")
        if rows.items:
            lines.append(f"{'':<14} rows {_tally(rows)}")
    rules, rows = report.total()
    lines.append(f"{'total':<14} rules{_tally(rules)}")
    lines.append(f"{'':<14} rows {_tally(rows)}")
    covered = rules.both + rows.both
    lines.append(f"\ncovered both ways: {covered} of {rules.items + rows.items} compiled rules "
                 f"({report.percent:.1f}%)\n\nper rule file:")
    lines += _per_file(report)
    return "\n".join(lines) + "\n"


def _item_json(item: Covered) -> dict[str, Any]:
    return {"id": item.rule_id, "rule": item.file_rule_id, "domain": item.domain, "location": item.location,
            "fired": item.fired, "not_fired": item.not_fired}


def _tally_json(tally: Tally) -> dict[str, Any]:
    return {"items": tally.items, "fired": tally.fired, "not_fired": tally.not_fired, "both": tally.both,
            "percent": round(tally.percent, 1)}


def coverage_json(report: Coverage, tests: int, failed: int) -> dict[str, Any]:
    rules, rows = report.total()
    return {
        "tests": tests, "failed_tests": failed, "features": report.features,
        "percent": round(report.percent, 1),
        "total": {"rules": _tally_json(rules), "rows": _tally_json(rows)},
        "domains": {d: {"rules": _tally_json(r), "rows": _tally_json(w)} for d, (r, w) in report.domains.items()},
        "rules": [_item_json(i) for i in report.rules], "rows": [_item_json(i) for i in report.rows],
    }
